package io.countersign;

import io.countersign.audit.cli.VerifyAuditCommand;
import io.countersign.audit.witness.WitnessCommand;
import io.countersign.release.verify.VerifyReleaseCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * Entry point of the packaged application. Without arguments it runs the server; the offline
 * commands run WITHOUT starting the server or touching a database:
 * {@code java -jar quarkus-run.jar verify-release --token … --payload … --jwks … --audience …}
 * and {@code java -jar quarkus-run.jar verify-audit export.jsonl --jwks …}; {@code witness …} runs the
 * checkpoint witness service (its own small HTTP server, no database) until the JVM is stopped.
 */
@QuarkusMain
public class CountersignMain {

    public static void main(String... args) {
        int code = command(args, System.out, System.err);
        if (code >= 0) {
            System.exit(code);
        }
        Quarkus.run(args);
    }

    /** Runs an offline command and returns its exit code, or -1 when {@code args} name none. */
    static int command(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            return -1;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "verify-release" -> VerifyReleaseCommand.run(rest, out, err);
            case "verify-audit" -> VerifyAuditCommand.run(rest, out, err);
            case "witness" -> WitnessCommand.run(rest, out, err);
            default -> -1;
        };
    }
}
