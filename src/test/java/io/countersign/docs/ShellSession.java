package io.countersign.docs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * One bash session, as a reader has one terminal for a page: variables and the working
 * directory carry from block to block. It runs with {@code set -euo pipefail}, so a failing
 * command ends the session and fails its block. The working directory is a fresh {@code dir}
 * with a link {@code target} to the project's target directory (pages run
 * {@code target/quarkus-app/…} from the project root).
 */
final class ShellSession implements AutoCloseable {

    /** What a block did. */
    record Result(boolean ok, int exitCode, String stdout, String stderr) {
    }

    private static final long BLOCK_TIMEOUT_SECONDS = 120;
    private static final String DONE = "__doc_block_done__";

    private final Path dir;
    private final Process bash;
    private final Writer in;
    private final BufferedReader out;
    private int blocks;

    ShellSession(Path dir) throws IOException {
        this.dir = dir.toAbsolutePath();
        if (Files.exists(this.dir)) {
            try (Stream<Path> s = Files.walk(this.dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(this.dir.resolve(".blocks"));
        Files.createSymbolicLink(this.dir.resolve("target"), Path.of("target").toAbsolutePath());
        ProcessBuilder pb = new ProcessBuilder("bash", "--noprofile", "--norc").directory(this.dir.toFile())
                .redirectErrorStream(false);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("COUNTERSIGN_"));
        env.put("LC_ALL", "C.UTF-8");
        bash = pb.start();
        in = new OutputStreamWriter(bash.getOutputStream(), StandardCharsets.UTF_8);
        out = new BufferedReader(new InputStreamReader(bash.getInputStream(), StandardCharsets.UTF_8));
        send("set -euo pipefail\n");
    }

    /** Runs {@code script} in the session. */
    Result run(String script) throws Exception {
        int n = ++blocks;
        Path file = dir.resolve(".blocks/" + n + ".sh");
        Files.writeString(file, script);
        Path stdout = dir.resolve(".blocks/" + n + ".out");
        Path stderr = dir.resolve(".blocks/" + n + ".err");
        send("source .blocks/" + n + ".sh < /dev/null > .blocks/" + n + ".out 2> .blocks/" + n + ".err\necho " + DONE + "\n");
        String line = awaitLine();
        String printed = Files.exists(stdout) ? Files.readString(stdout) : "";
        String errors = Files.exists(stderr) ? Files.readString(stderr) : "";
        if (DONE.equals(line)) {
            return new Result(true, 0, printed, errors);
        }
        bash.waitFor(10, TimeUnit.SECONDS);
        return new Result(false, bash.isAlive() ? -1 : bash.exitValue(), printed, errors);
    }

    /** The value of a shell variable (for a step done outside the shell). */
    String variable(String name) throws Exception {
        Result r = run("printf '%s\\n' \"$" + name + "\"");
        if (!r.ok()) {
            throw new IllegalStateException("no shell variable " + name + ": " + r.stderr());
        }
        return r.stdout().strip();
    }

    /** Writes {@code content} to {@code name} in the session's directory, executable. */
    void save(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        file.toFile().setExecutable(true);
    }

    private void send(String text) throws IOException {
        in.write(text);
        in.flush();
    }

    private String awaitLine() throws Exception {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(BLOCK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            bash.destroyForcibly();
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            in.close();
        } catch (IOException ignored) {
            // the session ended already
        }
        bash.destroy();
    }
}
