package io.countersign.audit.witness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A witness in its own operating-system process: {@code java … io.countersign.CountersignMain
 * witness …}, the entry point {@code java -jar quarkus-run.jar witness} runs, with this test
 * JVM's class path. Started when its first line says where it listens; {@link #kill()} is
 * {@code kill -9} (no shutdown hook runs), so a restart on the same state directory shows what
 * survives a crash.
 */
final class WitnessProcess implements AutoCloseable {

    private final Process process;
    private final StringBuilder output = new StringBuilder();

    private WitnessProcess(Process process) {
        this.process = process;
    }

    /** Starts {@code witness <args>} and waits (at most 60 s) until it listens. */
    static WitnessProcess start(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "io.countersign.CountersignMain", "witness"));
        command.addAll(args);
        WitnessProcess w = new WitnessProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> w.read(listening), "witness-process-output");
        reader.setDaemon(true);
        reader.start();
        try {
            listening.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            w.kill();
            throw new IllegalStateException("the witness process did not start: " + w.output(), e);
        }
        return w;
    }

    private void read(CompletableFuture<Void> listening) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null;) {
                synchronized (output) {
                    output.append(line).append('\n');
                }
                if (line.contains(" listening on http://")) {
                    listening.complete(null);
                }
            }
        } catch (IOException e) {
            listening.completeExceptionally(e);
        }
        listening.completeExceptionally(new IllegalStateException("its output ended"));
    }

    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, and waits until the process is gone (its port is free again). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the witness process survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM (the shutdown hook stops the server), SIGKILL after 10 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
