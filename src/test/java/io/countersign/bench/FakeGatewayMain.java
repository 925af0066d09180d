package io.countersign.bench;

import io.countersign.engine.camunda.FakeCamundaGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The protocol-level fake Camunda cluster ({@link FakeCamundaGateway}) as a standalone process, for
 * bench/replica-idle.sh: the packaged application built with {@code countersign.engine=camunda}
 * deploys its models to it and its job workers long-poll it as they would a real gateway (the
 * fake holds each activate-jobs request for the request's own timeout, not the 500 ms tests use).
 *
 * <p>Usage: {@code FakeGatewayMain <grpc-port> <rest-port> <status-file>}. Prints one line when it
 * listens; then rewrites the status file (key=value lines: deployments, deployed resources,
 * activate-jobs requests in total and by job type, the long-poll timeout the latest one asked for)
 * once a second until killed.
 */
public final class FakeGatewayMain {

    private FakeGatewayMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: FakeGatewayMain <grpc-port> <rest-port> <status-file>");
            System.exit(2);
        }
        int grpcPort = port(args[0]);
        int restPort = port(args[1]);
        Path status = Path.of(args[2]);
        FakeCamundaGateway fake = FakeCamundaGateway.onPorts(grpcPort, restPort).longPollCap(null).start();
        Runtime.getRuntime().addShutdownHook(new Thread(fake::close, "fake-gateway-stop"));
        System.out.println("fake gateway listening: gRPC " + fake.grpcAddress() + ", REST " + fake.restAddress());
        while (true) {
            writeStatus(fake, status);
            Thread.sleep(1000);
        }
    }

    private static int port(String arg) {
        int port;
        try {
            port = Integer.parseInt(arg);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            System.err.println("not a TCP port: " + arg);
            System.exit(2);
        }
        return port;
    }

    private static void writeStatus(FakeCamundaGateway fake, Path status) throws IOException {
        List<String> resources = fake.deployments.stream().flatMap(List::stream).sorted().distinct().toList();
        String byType = new TreeMap<>(fake.activateRequests).entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue().get()).collect(Collectors.joining(","));
        String text = "deployments=" + fake.deployments.size() + "\n"
                + "resources=" + String.join(",", resources) + "\n"
                + "activate-requests=" + fake.activateRequestCount() + "\n"
                + "job-types=" + fake.activateRequests.size() + "\n"
                + "activate-requests-by-type=" + byType + "\n"
                + "activate-request-timeout-ms=" + fake.lastActivateRequestTimeout.get() + "\n";
        Path tmp = status.resolveSibling(status.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, status, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
