package io.countersign.audit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.audit.AuditExporter;
import io.countersign.audit.ChainVerifier;
import io.countersign.audit.SignedNote;
import io.countersign.audit.merkle.CompactRange;
import io.countersign.common.json.JsonSupport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Offline verifier of a JSON Lines audit export, usable without the server:
 * {@code verify-audit export.jsonl (--jwks file|URL | --key name+id+key) [--origin name]}.
 * Recomputes every event hash and chain link, the Merkle roots of the signed checkpoints in
 * the export and the consistency proof to the covering checkpoint, checks the Ed25519
 * signatures against keys the auditor trusts, and reports the first bad sequence number.
 */
public final class VerifyAuditCommand {

    /** Export verified. */
    public static final int OK = 0;
    /** The export was altered: the first bad sequence number is printed. */
    public static final int TAMPERED = 1;
    /** Wrong command line. */
    public static final int USAGE = 2;
    /** The export or the keys cannot be read. */
    public static final int UNREADABLE = 3;
    /** The input is not a Countersign audit export of a supported format. */
    public static final int NOT_AN_EXPORT = 4;

    private static final String USAGE_TEXT = "usage: verify-audit <export.jsonl|-> (--jwks <file|URL> | --key <note verifier key>) "
            + "[--origin <name>]\n"
            + "exit codes: 0 verified, 1 altered (first bad sequence number printed), 2 usage, 3 unreadable input or keys, "
            + "4 not a Countersign audit export";

    private VerifyAuditCommand() {
    }

    /** Command-line entry point. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the verifier; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String file = null;
        String jwks = null;
        String key = null;
        String origin = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i == 0 && a.equals("verify-audit")) {
                continue;
            }
            switch (a) {
                case "--jwks", "--key", "--origin" -> {
                    if (i + 1 >= args.length) {
                        err.println(a + " needs a value\n" + USAGE_TEXT);
                        return USAGE;
                    }
                    String v = args[++i];
                    if (a.equals("--jwks")) {
                        jwks = v;
                    } else if (a.equals("--key")) {
                        key = v;
                    } else {
                        origin = v;
                    }
                }
                case "-h", "--help" -> {
                    out.println(USAGE_TEXT);
                    return OK;
                }
                default -> {
                    if (a.startsWith("--") || file != null) {
                        err.println("unexpected argument " + a + "\n" + USAGE_TEXT);
                        return USAGE;
                    }
                    file = a;
                }
            }
        }
        if (file == null || (jwks == null) == (key == null)) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        List<byte[]> jwkKeys = new ArrayList<>();
        SignedNote.VerifierKey noteKey = null;
        try {
            if (key != null) {
                noteKey = SignedNote.VerifierKey.parse(key);
            } else {
                jwkKeys = readJwks(jwks);
                if (jwkKeys.isEmpty()) {
                    err.println("no Ed25519 (OKP) key in " + jwks);
                    return UNREADABLE;
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            err.println("cannot read the verification keys: " + e.getMessage());
            return UNREADABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNREADABLE;
        }
        try (Reader r = file.equals("-") ? new InputStreamReader(System.in, StandardCharsets.UTF_8)
                : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            return verify(new BufferedReader(r, 1 << 16), jwkKeys, noteKey, origin, out, err);
        } catch (NoSuchFileException e) {
            err.println("no such file: " + file);
            return UNREADABLE;
        } catch (IOException e) {
            err.println("cannot read " + file + ": " + e.getMessage());
            return UNREADABLE;
        }
    }

    private static int verify(BufferedReader in, List<byte[]> jwkKeys, SignedNote.VerifierKey noteKey, String originArg,
            PrintStream out, PrintStream err) throws IOException {
        String first = in.readLine();
        JsonNode header;
        try {
            header = first == null ? null : JsonSupport.MAPPER.readTree(first);
        } catch (IOException e) {
            header = null;
        }
        if (header == null || !"header".equals(header.path("kind").asText())
                || !AuditExporter.FORMAT.equals(header.path("format").asText())) {
            err.println("not a Countersign audit export (expected a header line with format " + AuditExporter.FORMAT + ")");
            return NOT_AN_EXPORT;
        }
        String origin = originArg != null ? originArg : noteKey != null ? noteKey.name() : header.path("origin").asText();
        List<SignedNote.VerifierKey> keys = new ArrayList<>();
        if (noteKey != null) {
            keys.add(noteKey);
        }
        for (byte[] x : jwkKeys) {
            keys.add(new SignedNote.VerifierKey(origin, SignedNote.keyId(origin, x), x));
        }
        boolean filtered = header.path("filtered").asBoolean(true);
        long fromSeq = header.path("fromSeq").asLong(1);
        ChainVerifier v;
        if (filtered) {
            v = new ChainVerifier(keys, origin, fromSeq, null, null);
        } else {
            CompactRange frontier;
            try {
                List<byte[]> nodes = new ArrayList<>();
                for (JsonNode n : header.path("frontier").path("nodes")) {
                    nodes.add(HexFormat.of().parseHex(n.asText()));
                }
                frontier = CompactRange.of(header.path("frontier").path("size").asLong(-1), nodes);
            } catch (IllegalArgumentException e) {
                err.println("export header has no valid frontier: " + e.getMessage());
                return NOT_AN_EXPORT;
            }
            if (frontier.size() != fromSeq - 1) {
                err.println("export header frontier does not end before its first event");
                return NOT_AN_EXPORT;
            }
            v = new ChainVerifier(keys, origin, fromSeq, header.path("prevHash").asText(null), frontier);
        }
        boolean ended = false;
        boolean covered = false;
        long lastCoveringSize = -1;
        String line;
        while ((line = in.readLine()) != null && v.ok()) {
            if (line.isEmpty()) {
                continue;
            }
            if (ended) {
                v.fail(v.size() + 1, "data after the end record");
                break;
            }
            JsonNode n;
            try {
                n = JsonSupport.MAPPER.readTree(line);
            } catch (IOException e) {
                v.fail(v.size() + 1, "line after event " + v.size() + " is not valid JSON");
                break;
            }
            switch (n.path("kind").asText()) {
                case "event" -> {
                    if (!n.path("seq").isIntegralNumber()) {
                        v.fail(v.size() + 1, "event after " + v.size() + " has no valid sequence number");
                        break;
                    }
                    v.event(n.path("seq").asLong(-1), text(n, "ts"), text(n, "actorKind"), text(n, "actorId"),
                        text(n, "requestId"), text(n, "type"), n.hasNonNull("data") ? n.get("data") : null, text(n, "prevHash"),
                        text(n, "hash"));
                }
                case "checkpoint" -> v.checkpoint(n.path("note").asText());
                case "covering" -> {
                    List<byte[]> proof = new ArrayList<>();
                    try {
                        for (JsonNode p : n.path("proof")) {
                            proof.add(HexFormat.of().parseHex(p.asText()));
                        }
                    } catch (IllegalArgumentException e) {
                        v.fail(v.size() + 1, "covering proof is malformed");
                        break;
                    }
                    if (v.covering(n.path("note").asText(), n.path("fromSize").asLong(-1), proof)) {
                        covered = true;
                        lastCoveringSize = n.path("treeSize").asLong(-1);
                    }
                }
                case "end" -> {
                    ended = true;
                    if (n.path("events").asLong(-1) != v.events()) {
                        v.fail(v.size() + 1, "the end record counts " + n.path("events").asLong(-1) + " events, found "
                                + v.events());
                    }
                }
                default -> v.fail(v.size() + 1, "unknown record after event " + v.size());
            }
        }
        if (v.ok() && !ended) {
            v.fail(v.size() + 1, "the export is truncated after event " + v.size() + " (no end record)");
        }
        if (v.ok() && v.events() > 0 && !covered) {
            v.fail(v.size() + 1, "no signed checkpoint covers the export's last event " + v.size());
        }
        ChainVerifier.Result r = v.finish(null, null);
        if (!r.ok()) {
            out.println("FAILED at sequence number " + r.firstBadSeq() + ": " + r.message());
            return TAMPERED;
        }
        out.println("OK: " + r.message() + (filtered ? "" : "; events " + fromSeq + ".." + v.size()
                + " are included in the signed log of " + lastCoveringSize + " events"));
        return OK;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.isTextual() ? v.textValue() : v.toString();
    }

    private static List<byte[]> readJwks(String location) throws IOException, InterruptedException {
        String text;
        if (location.startsWith("https://") || location.startsWith("http://")) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> resp = client.send(HttpRequest.newBuilder(URI.create(location)).timeout(Duration.ofSeconds(20))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
                throw new IOException("GET " + location + " returned " + resp.statusCode());
            }
            text = resp.body();
        } else {
            text = Files.readString(Path.of(location), StandardCharsets.UTF_8);
        }
        JsonNode root = JsonSupport.MAPPER.readTree(text);
        List<byte[]> keys = new ArrayList<>();
        JsonNode list = root.has("keys") ? root.get("keys") : JsonSupport.MAPPER.createArrayNode().add(root);
        for (JsonNode k : list) {
            if ("OKP".equals(k.path("kty").asText()) && "Ed25519".equals(k.path("crv").asText()) && k.hasNonNull("x")) {
                byte[] x = Base64.getUrlDecoder().decode(k.get("x").asText());
                if (x.length == 32) {
                    keys.add(x);
                }
            }
        }
        return keys;
    }
}
