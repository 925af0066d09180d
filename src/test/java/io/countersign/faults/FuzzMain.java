package io.countersign.faults;

import java.nio.file.Path;

/**
 * The long fuzz run against a running Countersign ({@code bench/fuzz.sh}). JDK only: run with
 * {@code java -cp target/test-classes io.countersign.faults.FuzzMain <baseUrl> <keysDir> <iterations> [seed] [hugeChars]}.
 * Exit code 0 = no findings, 1 = findings (listed), 2 = setup failed.
 */
public final class FuzzMain {

    private FuzzMain() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        JwtForge jwt = JwtForge.fromDirectory(Path.of(args[1]));
        long iterations = Long.parseLong(args[2]);
        long seed = args.length > 3 ? Long.parseLong(args[3]) : System.nanoTime();
        int huge = args.length > 4 ? Integer.parseInt(args[4]) : 11_000_000;
        System.out.println("fuzz seed " + seed + " iterations " + iterations + " against " + base);
        RawHttp http = new RawHttp(base, 90_000);
        Fixtures fx;
        try {
            fx = Fixtures.create(http, jwt, Long.toString(seed & 0xffffff, 36) + "-" + Long.toString(System.currentTimeMillis(), 36));
        } catch (RuntimeException e) {
            System.out.println("setup failed: " + e.getMessage());
            System.exit(2);
            return;
        }
        long start = System.nanoTime();
        Fuzzer.Report report = new Fuzzer(http, jwt, fx, seed, huge).run(iterations);
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.println(report.summary());
        System.out.printf("%d requests in %.0f s (%.0f/s)%n", report.sent, secs, report.sent / secs);
        System.exit(report.findings.isEmpty() ? 0 : 1);
    }
}
