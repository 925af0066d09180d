package io.countersign.audit.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.audit.Checkpoint;
import io.countersign.audit.SignedNote;
import io.countersign.audit.merkle.Merkle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The witness protocol (c2sp.org/tlog-witness) status by status, on a real state directory. */
class WitnessHandlerTest {

    static final String ORIGIN = "example.test/log";

    @TempDir
    Path dir;

    /** A tiny log: Ed25519 key plus in-memory leaves. */
    static final class TestLog {
        final String origin;
        final KeyPair keys;
        final SignedNote.VerifierKey verifier;
        final List<byte[]> leafHashes = new ArrayList<>();
        final String salt;

        TestLog(String origin) throws Exception {
            this(origin, KeyPairGenerator.getInstance("Ed25519").generateKeyPair(), "");
        }

        TestLog(String origin, KeyPair keys, String salt) {
            this.origin = origin;
            this.keys = keys;
            this.salt = salt;
            byte[] x509 = keys.getPublic().getEncoded();
            byte[] raw = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
            verifier = new SignedNote.VerifierKey(origin, SignedNote.keyId(origin, raw), raw);
        }

        void append(int n) {
            for (int i = 0; i < n; i++) {
                leafHashes.add(Merkle.leafHash(("leaf " + leafHashes.size() + " of " + origin + salt).getBytes(StandardCharsets.UTF_8)));
            }
        }

        byte[] root(int size) {
            return Merkle.inMemory(leafHashes).hash(0, size);
        }

        String note(int size, byte[] root) {
            return SignedNote.sign(new Checkpoint(origin, size, root, Instant.parse("2026-01-01T00:00:00Z")).text(), origin,
                    verifier.keyId(), keys.getPrivate());
        }

        String note(int size) {
            return note(size, root(size));
        }

        List<byte[]> proof(int from, int to) {
            return Merkle.resolve(Merkle.consistencyRanges(from, to), Merkle.inMemory(leafHashes));
        }
    }

    static String body(long old, List<byte[]> proof, String note) {
        StringBuilder sb = new StringBuilder("old " + old + "\n");
        for (byte[] p : proof) {
            sb.append(Base64.getEncoder().encodeToString(p)).append('\n');
        }
        return sb.append('\n').append(note).toString();
    }

    TestLog log;
    WitnessKey key;
    WitnessHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        log = new TestLog(ORIGIN);
        log.append(20);
        key = WitnessKey.generate("witness.test/w1", dir.resolve("w1.key"));
        handler = newHandler();
    }

    WitnessHandler newHandler() throws Exception {
        return new WitnessHandler(WitnessKey.read(dir.resolve("w1.key")), List.of(log.verifier), new WitnessState(dir.resolve("state")),
                Clock.fixed(Instant.parse("2026-05-01T00:00:00Z"), ZoneOffset.UTC));
    }

    WitnessHandler.Reply post(String body) {
        return handler.addCheckpoint(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void cosignsTheFirstCheckpointAndThenOnlyConsistentLargerOnes() {
        WitnessHandler.Reply first = post(body(0, List.of(), log.note(5)));
        assertEquals(200, first.status(), first.body());
        String cosigned = Cosignature.withSignatures(log.note(5), List.of(first.body()));
        List<Cosignature.Verified> v = Cosignature.verified(cosigned, List.of(key.verifier()));
        assertEquals(1, v.size());
        assertEquals(Instant.parse("2026-05-01T00:00:00Z").getEpochSecond(), v.get(0).time());

        WitnessHandler.Reply next = post(body(5, log.proof(5, 12), log.note(12)));
        assertEquals(200, next.status(), next.body());
        // the same tree again is fine (idempotent resubmission)
        assertEquals(200, post(body(12, List.of(), log.note(12))).status());
    }

    @Test
    void answers409WithItsSizeWhenOldDoesNotMatch() {
        assertEquals(200, post(body(0, List.of(), log.note(8))).status());
        WitnessHandler.Reply stale = post(body(0, List.of(), log.note(10)));
        assertEquals(409, stale.status());
        assertEquals(WitnessHandler.SIZE_TYPE, stale.contentType());
        assertEquals("8\n", stale.body());
        // rollback: a smaller tree than the one cosigned
        WitnessHandler.Reply smaller = post(body(3, log.proof(3, 5), log.note(5)));
        assertEquals(409, smaller.status());
        assertEquals("8\n", smaller.body());
    }

    @Test
    void refusesASecondTreeOfTheSameSize() {
        assertEquals(200, post(body(0, List.of(), log.note(8))).status());
        byte[] otherRoot = log.root(7); // any other root, validly signed by the log: a fork
        WitnessHandler.Reply fork = post(body(8, List.of(), log.note(8, otherRoot)));
        assertEquals(409, fork.status());
        assertEquals("8\n", fork.body());
    }

    @Test
    void answers422WhenTheConsistencyProofDoesNotVerify() throws Exception {
        assertEquals(200, post(body(0, List.of(), log.note(8))).status());
        List<byte[]> proof = log.proof(8, 16);
        proof.set(0, Merkle.leafHash("forged".getBytes(StandardCharsets.UTF_8)));
        assertEquals(422, post(body(8, proof, log.note(16))).status());
        // a forked log extending a different tree of size 8 cannot prove consistency either
        TestLog fork = new TestLog(ORIGIN, log.keys, " forked");
        fork.append(16);
        assertEquals(422, post(body(8, fork.proof(8, 16), fork.note(16))).status());
        assertEquals(200, post(body(8, log.proof(8, 16), log.note(16))).status(), "the witness state is unchanged");
    }

    @Test
    void answers404ForAnUnknownLogAnd403ForABadSignature() throws Exception {
        TestLog other = new TestLog("other.test/log");
        other.append(4);
        assertEquals(404, post(body(0, List.of(), other.note(4))).status());
        TestLog impostor = new TestLog(ORIGIN); // right origin, another key
        impostor.append(4);
        assertEquals(403, post(body(0, List.of(), impostor.note(4))).status());
    }

    @Test
    void answers400ForMalformedRequests() {
        String note = log.note(5);
        for (String bad : List.of("", "old 1", "old 01\n\n" + note, "new 0\n\n" + note, "old -1\n\n" + note,
                "old 0\nnot-base64!\n\n" + note, "old 0\n" + Base64.getEncoder().encodeToString(new byte[5]) + "\n\n" + note,
                "old 0\n" + note, "old 0\n\nnot a note\n", "old 9\n\n" + note,
                body(0, List.of(new byte[32]), note), "old 0\n" + (Base64.getEncoder().encodeToString(new byte[32]) + "\n").repeat(64)
                        + "\n" + note)) {
            WitnessHandler.Reply r = post(bad);
            assertEquals(400, r.status(), bad + " -> " + r.body());
        }
        assertEquals(400, handler.addCheckpoint(new byte[] { 'o', 'l', 'd', ' ', '0', '\n', '\n', (byte) 0xff }).status());
    }

    @Test
    void aRestartedWitnessRemembersTheLatestCosignedTree() throws Exception {
        assertEquals(200, post(body(0, List.of(), log.note(9))).status());
        handler = newHandler();
        WitnessHandler.Reply r = post(body(0, List.of(), log.note(4)));
        assertEquals(409, r.status());
        assertEquals("9\n", r.body());
        String state = Files.readString(WitnessCommand.stateFile(dir.resolve("state"), ORIGIN));
        assertEquals("9", state.split("\n")[1]);
        assertEquals(1, Cosignature.verified(state, List.of(key.verifier())).size());
        assertTrue(SignedNote.verify(state, List.of(log.verifier)).startsWith(ORIGIN));
    }

    @Test
    void theCommandServesTheProtocolOverHttp() throws Exception {
        String[] args = { "--key", dir.resolve("w1.key").toString(), "--log-key", log.verifier.format(), "--state-dir",
                dir.resolve("http-state").toString(), "--listen", "127.0.0.1:0" };
        try (WitnessCommand.Running w = WitnessCommand.start(args)) {
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + w.port() + "/add-checkpoint");
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(
                    body(0, List.of(), log.note(6)))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
            assertTrue(ok.body().startsWith("\u2014 witness.test/w1 "));
            HttpResponse<String> conflict = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(
                    body(0, List.of(), log.note(6)))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(409, conflict.statusCode());
            assertEquals("text/x.tlog.size", conflict.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("6\n", conflict.body());
            assertEquals(405, http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(404, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + w.port() + "/other")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }
}
