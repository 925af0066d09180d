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
import java.util.Arrays;
import org.junit.jupiter.api.Test;

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
}
