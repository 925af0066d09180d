package io.countersign.audit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.audit.AuditCodec;
import io.countersign.audit.AuditExporter;
import io.countersign.audit.ChainVerifier;
import io.countersign.audit.CheckpointSigner;
import io.countersign.audit.SignedNote;
import io.countersign.audit.merkle.CompactRange;
import io.countersign.audit.witness.WitnessRequirement;
import io.countersign.common.json.JsonSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Offline verifier of a JSON Lines audit export, usable without the server:
 * {@code verify-audit export.jsonl (--jwks file|URL | --key name+id+key) [--origin name]}.
 * Recomputes every event hash and chain link, the Merkle roots of the signed checkpoints in
 * the export and the consistency proof to the covering checkpoint, checks the Ed25519
 * signatures against keys the auditor trusts, and reports the first bad sequence number.
 * Lines are parsed, canonicalised and hashed by {@code --threads} worker threads (default:
 * one per processor) in order-preserving chunks; the chain and Merkle fold is sequential.
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

    /** The required witness cosignatures on the newest checkpoint are missing ({@code --witness}). */
    public static final int NOT_WITNESSED = 5;

    /** Size of the chunks the reader cuts the export into (at line ends) for the worker threads. */
    public static final int CHUNK_BYTES = 1 << 20;

    private static final String USAGE_TEXT = "usage: verify-audit <export.jsonl|-> (--jwks <file|URL> | --key <note verifier key>...) "
            + "[--origin <name>] [--threads <n>] [--witness <witness vkey>]... [--witness-quorum <k>] [--min-tree-size <n>]\n"
            + "exit codes: 0 verified, 1 altered (first bad sequence number printed), 2 usage, 3 unreadable input or keys, "
            + "4 not a Countersign audit export, 5 the newest checkpoint lacks the required witness cosignatures";

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
        List<String> noteKeys = new ArrayList<>();
        String origin = null;
        int threads = Runtime.getRuntime().availableProcessors();
        List<String> witnessKeys = new ArrayList<>();
        Integer witnessQuorum = null;
        Long minTreeSize = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i == 0 && a.equals("verify-audit")) {
                continue;
            }
            switch (a) {
                case "--witness", "--witness-quorum", "--min-tree-size" -> {
                    if (i + 1 >= args.length) {
                        err.println(a + " needs a value\n" + USAGE_TEXT);
                        return USAGE;
                    }
                    String v = args[++i];
                    try {
                        if (a.equals("--witness")) {
                            witnessKeys.add(v);
                        } else if (a.equals("--witness-quorum")) {
                            witnessQuorum = Integer.parseInt(v);
                        } else {
                            minTreeSize = Long.parseLong(v);
                        }
                    } catch (NumberFormatException e) {
                        err.println(a + " needs a number, not " + v + "\n" + USAGE_TEXT);
                        return USAGE;
                    }
                }
                case "--jwks", "--key", "--origin", "--threads" -> {
                    if (i + 1 >= args.length) {
                        err.println(a + " needs a value\n" + USAGE_TEXT);
                        return USAGE;
                    }
                    String v = args[++i];
                    if (a.equals("--jwks")) {
                        jwks = v;
                    } else if (a.equals("--key")) {
                        noteKeys.add(v);
                    } else if (a.equals("--threads")) {
                        try {
                            threads = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            threads = 0;
                        }
                        if (threads < 1 || threads > 256) {
                            err.println("--threads needs a number from 1 to 256, not " + v + "\n" + USAGE_TEXT);
                            return USAGE;
                        }
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
        if (file == null || (jwks == null) == noteKeys.isEmpty()) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        WitnessRequirement witnesses;
        try {
            witnesses = WitnessRequirement.of(witnessKeys, witnessQuorum, minTreeSize);
        } catch (WitnessRequirement.Invalid e) {
            err.println(e.getMessage() + "\n" + USAGE_TEXT);
            return USAGE;
        }
        List<byte[]> jwkKeys = new ArrayList<>();
        List<SignedNote.VerifierKey> parsedNoteKeys = new ArrayList<>();
        try {
            if (!noteKeys.isEmpty()) {
                for (String k : noteKeys) {
                    parsedNoteKeys.add(SignedNote.VerifierKey.parse(k));
                }
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
        try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
            return verify(in, threads, jwkKeys, parsedNoteKeys, origin, witnesses, out, err);
        } catch (NoSuchFileException e) {
            err.println("no such file: " + file);
            return UNREADABLE;
        } catch (OutOfMemoryError e) {
            err.println("not enough memory to read " + file + " (a line longer than the heap allows?); give java a larger -Xmx");
            return UNREADABLE;
        } catch (IOException e) {
            err.println("cannot read " + file + ": " + e.getMessage());
            return UNREADABLE;
        }
    }

    private static int verify(InputStream in, int threads, List<byte[]> jwkKeys, List<SignedNote.VerifierKey> noteKeys,
            String originArg, WitnessRequirement witnesses, PrintStream out, PrintStream err) throws IOException {
        try (Pipeline records = new Pipeline(in, threads)) {
            return verify(records, jwkKeys, noteKeys, originArg, witnesses, out, err);
        }
    }

    private static int verify(Pipeline records, List<byte[]> jwkKeys, List<SignedNote.VerifierKey> noteKeys, String originArg,
            WitnessRequirement witnesses, PrintStream out, PrintStream err) throws IOException {
        Rec first = records.next();
        JsonNode header = first == null ? null : first.node();
        String format = header == null ? "" : header.path("format").asText();
        if (!"header".equals(header == null ? null : header.path("kind").asText())
                || !(AuditExporter.FORMAT.equals(format) || AuditExporter.FORMAT_1.equals(format))) {
            err.println("not a Countersign audit export (expected a header line with format " + AuditExporter.FORMAT + " or "
                    + AuditExporter.FORMAT_1 + ")");
            return NOT_AN_EXPORT;
        }
        String origin = originArg != null ? originArg : !noteKeys.isEmpty() ? noteKeys.get(0).name() : header.path("origin").asText();
        List<SignedNote.VerifierKey> keys = new ArrayList<>(noteKeys);
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
        String lastCoveringNote = null;
        Rec r;
        while (v.ok() && (r = records.next()) != null) {
            if (ended) {
                v.fail(v.size() + 1, "data after the end record");
                break;
            }
            JsonNode n = r.node();
            switch (r.kind()) {
                case INVALID -> v.fail(v.size() + 1, "line after event " + v.size() + " is not valid JSON");
                case CUT_OFF -> v.fail(v.size() + 1, "the export is truncated after event " + v.size()
                        + ": its last line breaks off without a line end (the download or the server stopped mid-stream)");
                case BAD_SEQ -> v.fail(v.size() + 1, "event after " + v.size() + " has no valid sequence number");
                case EVENT -> v.event(r.event());
                case CHECKPOINT -> v.checkpoint(n.path("note").asText());
                case COVERING -> {
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
                        lastCoveringNote = n.path("note").asText();
                    }
                }
                case END -> {
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
        ChainVerifier.Result res = v.finish(null, null);
        if (!res.ok()) {
            out.println("FAILED at sequence number " + res.firstBadSeq() + ": " + res.message());
            return TAMPERED;
        }
        if (witnesses.any()) {
            int code = checkWitnesses(witnesses, Math.max(lastCoveringSize, 0), lastCoveringNote, out);
            if (code != OK) {
                return code;
            }
        }
        out.println("OK: " + res.message() + (filtered ? "" : "; events " + fromSeq + ".." + v.size()
                + " are included in the signed log of " + lastCoveringSize + " events"));
        return OK;
    }

    /**
     * The witness requirements on the export's covering checkpoint, the newest of the log when
     * the export was made: at least the minimum size, and the required cosignatures.
     */
    private static int checkWitnesses(WitnessRequirement witnesses, long newestSize, String newestNote, PrintStream out) {
        String problem = witnesses.sizeProblem(newestSize);
        if (problem != null) {
            out.println("FAILED at sequence number " + (newestSize + 1) + ": " + problem);
            return TAMPERED;
        }
        problem = witnesses.cosignatureProblem(newestSize, newestNote);
        if (problem != null) {
            out.println("NOT WITNESSED: " + problem);
            return NOT_WITNESSED;
        }
        out.println("witnessed: the newest checkpoint (" + newestSize + " events) carries " + witnesses.quorum()
                + " required witness cosignature(s)" + (witnesses.minTreeSize() > 0 ? ", and the log has at least "
                        + witnesses.minTreeSize() + " events" : ""));
        return OK;
    }

    /** What a line of the export is, decided by a worker thread. */
    enum Kind {
        HEADER, EVENT, BAD_SEQ, CHECKPOINT, COVERING, END, UNKNOWN, INVALID,
        /** The input's last line: not valid JSON and without a line end, i.e. the export broke off inside it. */
        CUT_OFF
    }

    /**
     * One non-empty line: events carry only their prepared check (the parsed tree is dropped
     * at once), the few other records their JSON.
     */
    record Rec(Kind kind, JsonNode node, ChainVerifier.Prepared event) {
    }

    /**
     * Reads the export as raw bytes on one thread, cuts it at line ends into chunks of about
     * {@link #CHUNK} bytes and lets worker threads parse, canonicalise and hash each chunk's
     * events ({@link ChainVerifier#prepare}); {@link #next()} hands the records out in file
     * order, so the chain and Merkle fold stays sequential and the first bad sequence number
     * stays exact. At most {@code 2 * threads} chunks wait for the fold, which bounds memory
     * whatever the export's size.
     */
    static final class Pipeline implements AutoCloseable {
        static final int CHUNK = CHUNK_BYTES;
        private static final Future<List<Rec>> EOF = CompletableFuture.completedFuture(List.of());

        private final ExecutorService workers;
        private final BlockingQueue<Future<List<Rec>>> ready;
        private final Thread reader;
        private List<Rec> current = List.of();
        private int pos;
        private boolean eof;

        Pipeline(InputStream in, int threads) {
            AtomicInteger n = new AtomicInteger();
            workers = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "verify-audit-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            ready = new ArrayBlockingQueue<>(2 * threads);
            reader = new Thread(() -> read(in), "verify-audit-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read(InputStream in) {
            try {
                byte[] buf = new byte[CHUNK];
                int len = 0;
                boolean first = true;
                while (true) {
                    int r = in.read(buf, len, buf.length - len);
                    if (r < 0) {
                        if (len > 0) {
                            submit(buf, len, first, true);
                        }
                        break;
                    }
                    len += r;
                    if (len < buf.length) {
                        continue;
                    }
                    int cut = len;
                    while (cut > 0 && buf[cut - 1] != '\n') {
                        cut--;
                    }
                    if (cut == 0) { // one line longer than the buffer
                        buf = Arrays.copyOf(buf, buf.length * 2);
                        continue;
                    }
                    byte[] next = new byte[Math.max(CHUNK, 2 * (len - cut))];
                    System.arraycopy(buf, cut, next, 0, len - cut);
                    submit(buf, cut, first, false);
                    first = false;
                    buf = next;
                    len = len - cut;
                }
                ready.put(EOF);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // closed: the fold stopped early
            } catch (IOException | RuntimeException | Error e) {
                // hand every failure (also OutOfMemoryError on an endless line) to the fold, which would otherwise wait forever
                try {
                    ready.put(CompletableFuture.failedFuture(e));
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void submit(byte[] buf, int len, boolean first, boolean last) throws InterruptedException {
            ready.put(workers.submit(() -> parse(buf, len, first, last)));
        }

        /** {@code last}: the chunk ends the input, so a final line without '\n' is where the input broke off. */
        private static List<Rec> parse(byte[] buf, int len, boolean first, boolean last) {
            List<Rec> out = new ArrayList<>(len / 512 + 4);
            MessageDigest md = AuditCodec.sha256();
            int start = 0;
            while (start < len) {
                int end = start;
                while (end < len && buf[end] != '\n') {
                    end++;
                }
                int stop = end > start && buf[end - 1] == '\r' ? end - 1 : end;
                if (first) {
                    out.add(new Rec(Kind.HEADER, tree(buf, start, stop), null));
                    first = false;
                } else if (stop > start) {
                    ChainVerifier.Prepared event = EventLines.prepare(md, buf, start, stop);
                    Rec rec = event != null ? new Rec(Kind.EVENT, null, event) : record(md, tree(buf, start, stop));
                    out.add(rec.kind() == Kind.INVALID && last && end == len ? new Rec(Kind.CUT_OFF, null, null) : rec);
                }
                start = end + 1;
            }
            return out;
        }

        private static JsonNode tree(byte[] buf, int from, int to) {
            try {
                return JsonSupport.MAPPER.readTree(buf, from, to - from);
            } catch (IOException e) {
                return null;
            }
        }

        private static Rec record(MessageDigest md, JsonNode n) {
            if (n == null) {
                return new Rec(Kind.INVALID, null, null);
            }
            return switch (n.path("kind").asText()) {
                case "event" -> n.path("seq").isIntegralNumber()
                        ? new Rec(Kind.EVENT, null, ChainVerifier.prepare(md, version(n), n.path("seq").asLong(-1), text(n, "ts"),
                                text(n, "actorKind"), text(n, "actorId"), text(n, "agentId"), text(n, "requestId"), text(n, "type"),
                                n.hasNonNull("data") ? n.get("data") : null, text(n, "prevHash"), text(n, "hash")))
                        : new Rec(Kind.BAD_SEQ, null, null);
                case "checkpoint" -> new Rec(Kind.CHECKPOINT, n, null);
                case "covering" -> new Rec(Kind.COVERING, n, null);
                case "end" -> new Rec(Kind.END, n, null);
                default -> new Rec(Kind.UNKNOWN, n, null);
            };
        }

        /** The next record in file order, or null at the end of the input. */
        Rec next() throws IOException {
            while (pos == current.size()) {
                if (eof) {
                    return null;
                }
                Future<List<Rec>> f;
                try {
                    f = ready.take();
                    current = f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    if (e.getCause() instanceof Error fatal) {
                        throw fatal;
                    }
                    throw new IllegalStateException(e.getCause());
                }
                eof = f == EOF;
                pos = 0;
            }
            return current.get(pos++);
        }

        @Override
        public void close() {
            reader.interrupt();
            workers.shutdownNow();
        }
    }

    /** The event's format version: 1 when absent, an impossible one (0) when not a small whole number. */
    static int version(JsonNode n) {
        JsonNode v = n.get("v");
        return v == null ? AuditCodec.FORMAT_1 : v.isInt() ? v.intValue() : 0;
    }

    static String text(JsonNode n, String field) {
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
            byte[] x = CheckpointSigner.ed25519PublicKey(k);
            if (x != null) {
                keys.add(x);
            }
        }
        return keys;
    }
}
