package io.countersign.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the scripts of src/test/node with the official third-party libraries they import. The
 * libraries come from the lock file: .ci/run installs them, and the first use here runs
 * {@code npm ci} when they are missing, so the README's test command works on a fresh machine.
 */
public final class NodeScripts {

    public static final Path DIR = Path.of("src/test/node").toAbsolutePath();

    /** What a script printed and its exit code. */
    public record Result(int exit, String out) {
    }

    private NodeScripts() {
    }

    private static synchronized void install() throws IOException, InterruptedException {
        if (Files.isDirectory(DIR.resolve("node_modules"))) {
            return;
        }
        Result r = exec(List.of("npm", "ci", "--no-audit", "--no-fund"), null, 300);
        if (r.exit() != 0) {
            throw new IllegalStateException("npm ci in " + DIR + " failed: " + r.out());
        }
    }

    /** Runs {@code node <script> <args>} with {@code stdin}. */
    public static Result run(String script, String stdin, String... args) {
        try {
            install();
            List<String> command = new ArrayList<>(List.of("node", DIR.resolve(script).toString()));
            command.addAll(List.of(args));
            return exec(command, stdin, 60);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run node (is Node.js installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Result exec(List<String> command, String stdin, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not finish within " + seconds + " s");
        }
        return new Result(p.exitValue(), out);
    }
}
