package io.countersign.release.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code verify-release}: verifies a release token against the payload an executor is about
 * to run. Exit codes: 0 verified, 2 usage, 3 signature/kid/malformed, 4 typ/alg, 5 audience
 * or issuer, 6 expired or not yet valid, 7 payload digest mismatch, 8 inputs unreadable.
 * On success the verified claims are printed to stdout as JSON; every failure is one line
 * on stderr starting with {@code verify-release:}.
 */
public final class VerifyReleaseCommand {

    /** Exit code: token verified. */
    public static final int OK = 0;
    /** Exit code: wrong command line. */
    public static final int USAGE = 2;
    /** Exit code: token, payload or JWKS cannot be read. */
    public static final int UNREADABLE = 8;

    static final String USAGE_TEXT = """
            usage: verify-release --token TOKEN|--token-file FILE|- --payload FILE|- --jwks URL|FILE --audience NAME
                                  [--issuer ISS] [--clock-skew SECONDS]
              --token       the compact JWS (prefer --token-file: arguments are visible to other users)
              --token-file  file holding the token ("-" reads standard input)
              --payload     JSON file with the exact payload to be executed ("-" reads standard input)
              --jwks        Countersign's JWKS: https://host/.well-known/jwks.json or a local file
              --audience    this executor's name; the token's aud must contain it
              --issuer      also require this iss
              --clock-skew  seconds of clock difference tolerated on exp/nbf/iat (default 30)
            exit codes: 0 ok, 2 usage, 3 signature/kid, 4 typ/alg, 5 audience/issuer,
                        6 expired/not yet valid, 7 payload digest mismatch, 8 cannot read inputs""";

    private static final Set<String> OPTIONS = Set.of("--token", "--token-file", "--payload", "--jwks", "--audience",
            "--issuer", "--clock-skew");

    private VerifyReleaseCommand() {
    }

    /** Entry point for {@code java -cp … io.countersign.release.verify.VerifyReleaseCommand}. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit code instead of exiting. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /** Runs the command reading "-" arguments from {@code stdin}; returns the exit code. */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                out.println(USAGE_TEXT);
                return USAGE;
            }
            if (!OPTIONS.contains(a)) {
                return usage(err, "unknown argument \"" + a + "\"");
            }
            if (i + 1 >= args.length) {
                return usage(err, a + " needs a value");
            }
            if (opts.put(a, args[++i]) != null) {
                return usage(err, a + " given twice");
            }
        }
        if (opts.containsKey("--token") == opts.containsKey("--token-file")) {
            return usage(err, "give exactly one of --token or --token-file");
        }
        for (String required : new String[] {"--payload", "--jwks", "--audience"}) {
            if (!opts.containsKey(required) || opts.get(required).isBlank()) {
                return usage(err, required + " is required");
            }
        }
        if ("-".equals(opts.get("--payload")) && ("-".equals(opts.get("--token-file")) || "-".equals(opts.get("--token")))) {
            return usage(err, "only one of --payload and --token-file can read standard input");
        }
        Duration skew = Duration.ofSeconds(30);
        if (opts.containsKey("--clock-skew")) {
            try {
                skew = Duration.ofSeconds(Long.parseLong(opts.get("--clock-skew")));
            } catch (NumberFormatException e) {
                return usage(err, "--clock-skew must be a whole number of seconds");
            }
            if (skew.isNegative()) {
                return usage(err, "--clock-skew must not be negative");
            }
        }

        String token;
        byte[] payload;
        JwksSource jwks;
        try {
            token = opts.containsKey("--token") && !"-".equals(opts.get("--token"))
                    ? opts.get("--token")
                    : new String(read(opts.getOrDefault("--token-file", "-"), stdin, "token"), StandardCharsets.US_ASCII).strip();
            payload = read(opts.get("--payload"), stdin, "payload");
            jwks = jwksSource(opts.get("--jwks"));
        } catch (IOException | JwksUnavailableException | IllegalArgumentException e) {
            err.println("verify-release: " + e.getMessage());
            return UNREADABLE;
        }

        ReleaseVerifier verifier = new ReleaseVerifier(jwks).withClockSkew(skew);
        if (opts.containsKey("--issuer")) {
            verifier = verifier.withIssuer(opts.get("--issuer"));
        }
        ReleaseVerification result = verifier.verify(token, payload, opts.get("--audience"));
        if (!result.ok()) {
            err.println("verify-release: REFUSED (" + result.failure() + "): " + result.message());
            return result.exitCode();
        }
        try {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result.claims().json()));
        } catch (IOException e) {
            throw new IllegalStateException("claims are JSON already", e);
        }
        err.println("verify-release: OK release " + result.claims().jti() + " for request " + result.claims().requestId()
                + " (" + result.claims().actionType() + " on " + result.claims().target() + ")");
        return OK;
    }

    private static JwksSource jwksSource(String where) {
        if (where.startsWith("https://") || where.startsWith("http://")) {
            return JwksSource.fromUrl(URI.create(where));
        }
        Path file = Path.of(where);
        if (!Files.isReadable(file)) {
            throw new JwksUnavailableException("cannot read JWKS file " + where);
        }
        return JwksSource.fromFile(file);
    }

    private static byte[] read(String where, InputStream stdin, String what) throws IOException {
        if ("-".equals(where)) {
            return stdin.readAllBytes();
        }
        Path file = Path.of(where);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IOException("cannot read " + what + " file " + where);
        }
        return Files.readAllBytes(file);
    }

    private static int usage(PrintStream err, String problem) {
        err.println("verify-release: " + problem);
        err.println(USAGE_TEXT);
        return USAGE;
    }
}
