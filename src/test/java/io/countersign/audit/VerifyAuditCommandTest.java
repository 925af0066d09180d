package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.audit.cli.VerifyAuditCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import io.countersign.common.json.JsonSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line behaviour of the offline verifier that needs no server. */
class VerifyAuditCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return VerifyAuditCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String someKey() throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] enc = kp.getPublic().getEncoded();
        byte[] raw = Arrays.copyOfRange(enc, enc.length - 32, enc.length);
        return new SignedNote.VerifierKey("log", SignedNote.keyId("log", raw), raw).format();
    }

    @Test
    void missingKeyOptionIsAUsageError() {
        assertEquals(VerifyAuditCommand.USAGE, run("verify-audit", "export.jsonl"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: verify-audit"));
    }

    @Test
    void bothKeyOptionsOrAStrayArgumentAreUsageErrors() throws Exception {
        assertEquals(VerifyAuditCommand.USAGE, run("a.jsonl", "--jwks", "x.json", "--key", someKey()));
        assertEquals(VerifyAuditCommand.USAGE, run("a.jsonl", "b.jsonl", "--key", someKey()));
        assertEquals(VerifyAuditCommand.USAGE, run("a.jsonl", "--key"));
    }

    @Test
    void unreadableExportOrKeysHaveTheirOwnExitCode() throws Exception {
        assertEquals(VerifyAuditCommand.UNREADABLE, run("/nonexistent/export.jsonl", "--key", someKey()));
        assertEquals(VerifyAuditCommand.UNREADABLE, run("x.jsonl", "--jwks", "/nonexistent/jwks.json"));
        assertEquals(VerifyAuditCommand.UNREADABLE, run("x.jsonl", "--key", "not-a-key"));
    }

    @Test
    void fileThatIsNotAnExportIsRefused() throws Exception {
        Path f = Files.createTempFile("not-export", ".jsonl");
        Files.writeString(f, "{\"hello\":\"world\"}\n");
        assertEquals(VerifyAuditCommand.NOT_AN_EXPORT, run(f.toString(), "--key", someKey()));
        Files.delete(f);
    }

    @Test
    void emptyExportWithoutEndRecordIsReportedAsTruncated() throws Exception {
        Path f = Files.createTempFile("empty-export", ".jsonl");
        Files.writeString(f, "{\"kind\":\"header\",\"format\":\"" + AuditExporter.FORMAT + "\",\"origin\":\"log\",\"filtered\":false,"
                + "\"fromSeq\":1,\"toSeq\":0,\"prevHash\":\"" + AuditCodec.GENESIS_HASH + "\",\"frontier\":{\"size\":0,\"nodes\":[]}}\n");
        assertEquals(VerifyAuditCommand.TAMPERED, run(f.toString(), "--key", someKey()));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("FAILED at sequence number 1"));
        Files.delete(f);
    }

    @Test
    void threadsOptionMustBeASmallPositiveNumber() throws Exception {
        assertEquals(VerifyAuditCommand.USAGE, run("a.jsonl", "--key", someKey(), "--threads", "0"));
        assertEquals(VerifyAuditCommand.USAGE, run("a.jsonl", "--key", someKey(), "--threads", "many"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--threads needs a number from 1 to 256, not many"));
    }

    /** A multi-chunk export (about 4.5 MiB, more than the 1 MiB chunks the reader hands to the workers). */
    private static final int EVENTS = 5000;

    private static ExportFixture fixture;
    private static List<String> lines;

    @BeforeAll
    static void writeExport(@TempDir Path dir) throws Exception {
        fixture = new ExportFixture("countersign.test/audit").bigEvent(1200, (1 << 20) + 4096);
        Path f = dir.resolve("export.jsonl");
        fixture.write(f, EVENTS, 100);
        lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        assertTrue(Files.size(f) > 2 * VerifyAuditCommand.CHUNK_BYTES, "export spans several chunks: " + Files.size(f));
    }

    private int verifyLines(List<String> content, int threads) throws Exception {
        Path f = Files.createTempFile("export", ".jsonl");
        try {
            Files.writeString(f, String.join("\n", content) + "\n", StandardCharsets.UTF_8);
            out.reset();
            return run(f.toString(), "--key", fixture.key.format(), "--threads", Integer.toString(threads));
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void largeExportVerifiesWithOneOrManyThreads() throws Exception {
        for (int threads : new int[] { 1, 2, 5 }) {
            assertEquals(VerifyAuditCommand.OK, verifyLines(lines, threads), out.toString(StandardCharsets.UTF_8));
            assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("OK: verified " + EVENTS + " events and 51 signed checkpoints;"),
                    out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void crlfLineEndsAreAccepted() throws Exception {
        List<String> crlf = lines.stream().map(l -> l + "\r").toList();
        assertEquals(VerifyAuditCommand.OK, verifyLines(crlf, 3), out.toString(StandardCharsets.UTF_8));
    }

    /** Sequence numbers whose lines sit on both sides of every chunk boundary, plus first, last and the huge line. */
    private static List<Long> positionsAroundChunkBoundaries() {
        java.util.TreeSet<Long> seqs = new java.util.TreeSet<>(List.of(1L, 1199L, 1200L, 1201L, (long) EVENTS));
        long chunkStart = 0; // replays the reader: fill the buffer, cut after its last complete line
        long capacity = VerifyAuditCommand.CHUNK_BYTES;
        long offset = 0;
        String previous = null;
        for (String l : lines) {
            long end = offset + l.getBytes(StandardCharsets.UTF_8).length + 1;
            while (end > chunkStart + capacity) {
                if (offset == chunkStart) {
                    capacity *= 2; // a line longer than the buffer: the buffer grows
                    continue;
                }
                if (l.startsWith("{\"kind\":\"event\"")) {
                    seqs.add(seqOf(l)); // first line of the next chunk
                }
                if (previous.startsWith("{\"kind\":\"event\"")) {
                    seqs.add(seqOf(previous)); // last line of this chunk
                }
                long carry = chunkStart + capacity - offset;
                chunkStart = offset;
                capacity = Math.max(VerifyAuditCommand.CHUNK_BYTES, 2 * carry);
            }
            previous = l;
            offset = end;
        }
        return List.copyOf(seqs);
    }

    private static long seqOf(String eventLine) {
        try {
            return JsonSupport.MAPPER.readTree(eventLine).get("seq").asLong();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(long seq) {
        String prefix = "{\"kind\":\"event\",\"seq\":" + seq + ",";
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new IllegalStateException("no event " + seq);
    }

    @Test
    void tamperingIsLocatedExactlyWhateverTheThreadCount() throws Exception {
        List<Long> positions = positionsAroundChunkBoundaries();
        assertTrue(positions.size() >= 8, "boundaries found: " + positions);
        int round = 0;
        for (long seq : positions) {
            int threads = round++ % 2 == 0 ? 3 : 1;
            int i = indexOf(seq);
            List<String> altered = new ArrayList<>(lines);
            altered.set(i, lines.get(i).replace("\"actorKind\":\"AGENT\"", "\"actorKind\":\"USER\""));
            assertEquals(VerifyAuditCommand.TAMPERED, verifyLines(altered, threads));
            assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("FAILED at sequence number " + seq + ": event " + seq
                    + " was altered"), seq + " altered, " + threads + " threads: " + out.toString(StandardCharsets.UTF_8));
            List<String> deleted = new ArrayList<>(lines);
            deleted.remove(i);
            assertEquals(VerifyAuditCommand.TAMPERED, verifyLines(deleted, threads));
            assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("FAILED at sequence number " + seq + ": "),
                    seq + " deleted, " + threads + " threads: " + out.toString(StandardCharsets.UTF_8));
            List<String> garbled = new ArrayList<>(lines);
            garbled.set(i, lines.get(i).substring(0, lines.get(i).length() / 2));
            assertEquals(VerifyAuditCommand.TAMPERED, verifyLines(garbled, threads));
            assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("FAILED at sequence number " + seq + ": line after event "
                    + (seq - 1) + " is not valid JSON"), seq + " garbled, " + threads + " threads: " + out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void swappedEventsAcrossAChunkBoundaryFailAtTheFirstSwappedPosition() throws Exception {
        long seq = positionsAroundChunkBoundaries().get(2);
        List<String> swapped = new ArrayList<>(lines);
        int i = indexOf(seq);
        int j = indexOf(seq + 1);
        swapped.set(i, lines.get(j));
        swapped.set(j, lines.get(i));
        assertEquals(VerifyAuditCommand.TAMPERED, verifyLines(swapped, 4));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("FAILED at sequence number " + seq + ": event " + seq + " is missing"),
                out.toString(StandardCharsets.UTF_8));
    }

    private List<String> small(ExportFixture f, int events, int checkpointEvery) throws Exception {
        Path file = Files.createTempFile("small-export", ".jsonl");
        try {
            f.write(file, events, checkpointEvery);
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } finally {
            Files.delete(file);
        }
    }

    private String verify(ExportFixture f, String content) throws Exception {
        Path file = Files.createTempFile("export", ".jsonl");
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
            out.reset();
            run(file.toString(), "--key", f.key.format());
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void exportThatBreaksOffInsideALineIsReportedAsTruncatedNotAsInvalidJson() throws Exception {
        ExportFixture f = new ExportFixture("countersign.test/audit");
        List<String> content = small(f, 10, 4);
        String whole = String.join("\n", content) + "\n";
        String line7 = content.get(indexOf(content, 7));
        // what a client keeps when the server stops mid-stream: everything up to the middle of a line
        String cut = whole.substring(0, whole.indexOf(line7) + line7.length() / 2);
        String result = verify(f, cut);
        assertTrue(result.startsWith("FAILED at sequence number 7: the export is truncated after event 6"), result);
        assertTrue(!result.contains("not valid JSON"), result);
    }

    @Test
    void exportWithEventsOfBothFormatsVerifiesAndAnAgentEditIsLocated() throws Exception {
        ExportFixture f = new ExportFixture("countersign.test/audit").formatTwoFrom(4);
        List<String> content = small(f, 10, 3);
        assertTrue(!JsonSupport.MAPPER.readTree(content.get(indexOf(content, 3))).has("agentId"), "format 1 lines carry no agent");
        assertTrue(content.get(indexOf(content, 4)).contains("\"v\":2"), content.get(indexOf(content, 4)));
        assertTrue(verify(f, String.join("\n", content) + "\n").startsWith("OK: verified 10 events"));

        List<String> agentEdited = new ArrayList<>(content);
        agentEdited.set(indexOf(content, 5), withField(content.get(indexOf(content, 5)), "agentId", "agent-9"));
        String r = verify(f, String.join("\n", agentEdited) + "\n");
        assertTrue(r.startsWith("FAILED at sequence number 5: event 5 was altered"), r);

        List<String> agentAdded = new ArrayList<>(content);
        agentAdded.set(indexOf(content, 2), withField(content.get(indexOf(content, 2)), "agentId", "agent-2"));
        r = verify(f, String.join("\n", agentAdded) + "\n");
        assertTrue(r.startsWith("FAILED at sequence number 2: event 2 names an agent, which its format (1) does not cover"), r);

        List<String> downgraded = new ArrayList<>(content);
        downgraded.set(indexOf(content, 6), content.get(indexOf(content, 6)).replace("\"v\":2,", ""));
        r = verify(f, String.join("\n", downgraded) + "\n");
        assertTrue(r.startsWith("FAILED at sequence number 6: "), r);
    }

    @Test
    void exportOfTheFirstFormatStillVerifies() throws Exception {
        ExportFixture f = new ExportFixture("countersign.test/audit");
        List<String> content = new ArrayList<>(small(f, 10, 3));
        content.set(0, content.get(0).replace(AuditExporter.FORMAT, AuditExporter.FORMAT_1));
        String r = verify(f, String.join("\n", content) + "\n");
        assertTrue(r.startsWith("OK: verified 10 events"), r);
    }

    @Test
    void deletedCheckpointIsFoundAtTheCheckpointThatNamesIt() throws Exception {
        ExportFixture f = new ExportFixture("countersign.test/audit");
        List<String> content = new ArrayList<>(small(f, 10, 3));
        int at = -1;
        for (int i = 0; i < content.size(); i++) {
            if (content.get(i).startsWith("{\"kind\":\"checkpoint\",\"treeSize\":6,")) {
                at = i;
            }
        }
        content.remove(at);
        String r = verify(f, String.join("\n", content) + "\n");
        assertTrue(r.startsWith("FAILED at sequence number 6: the signed checkpoint of 6 events is missing: the checkpoint of 9 "
                + "events names it as its predecessor"), r);
    }

    private static String withField(String line, String field, String value) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode) JsonSupport.MAPPER.readTree(line);
        return JsonSupport.MAPPER.writeValueAsString(n.put(field, value));
    }

    private static int indexOf(List<String> content, long seq) {
        String prefix = "{\"kind\":\"event\",\"seq\":" + seq + ",";
        for (int i = 0; i < content.size(); i++) {
            if (content.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new IllegalStateException("no event " + seq);
    }
}
