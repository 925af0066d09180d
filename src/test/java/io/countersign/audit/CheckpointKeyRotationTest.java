package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.audit.cli.VerifyAuditCommand;
import io.countersign.audit.merkle.CompactRange;
import io.countersign.audit.merkle.Merkle;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotation of the checkpoint signing key: the new key signs, retired public keys stay
 * published and keep verifying the checkpoints they signed, on the server (the signer's
 * verifier list, used by AuditVerifier) and offline (JWKS or several --key options).
 */
class CheckpointKeyRotationTest {

    @TempDir
    Path dir;

    private static AuditConfig config(Map<String, Object> values) {
        Map<String, Object> v = new HashMap<>(Map.of("origin", "rot.test/audit", "generateKey", true, "keyJwk", Optional.empty(),
                "retiredKeys", Optional.empty(), "retiredKeysFile", Optional.empty()));
        v.putAll(values);
        return (AuditConfig) Proxy.newProxyInstance(AuditConfig.class.getClassLoader(), new Class<?>[] { AuditConfig.class },
                (p, m, a) -> {
                    if (!v.containsKey(m.getName())) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    return v.get(m.getName());
                });
    }

    private static CheckpointSigner signer(AuditConfig config) {
        CheckpointSigner s = new CheckpointSigner();
        s.config = config;
        s.init();
        return s;
    }

    /** The public half of a signer's current key as a JWKS. */
    private static String publicJwks(CheckpointSigner s) throws Exception {
        return io.countersign.common.json.JsonSupport.MAPPER.writeValueAsString(Map.of("keys", List.of(s.publicJwks().get(0))));
    }

    @Test
    void newKeySignsAndRetiredKeysStillVerifyOnlineAndOffline() throws Exception {
        CheckpointSigner old = signer(config(Map.of("keyFile", dir.resolve("old.jwk").toString())));
        Path retiredFile = dir.resolve("retired.json");
        Files.writeString(retiredFile, publicJwks(old));
        CheckpointSigner current = signer(config(Map.of("keyFile", dir.resolve("new.jwk").toString(),
                "retiredKeysFile", Optional.of(retiredFile.toString()))));
        assertTrue(!current.keyIdHex().equals(old.keyIdHex()));
        assertEquals(2, current.verifiers().size());
        assertEquals(List.of("countersign-audit-" + current.keyIdHex(), "countersign-audit-" + old.keyIdHex()),
                current.publicJwks().stream().map(k -> k.get("kid")).toList());
        assertTrue(current.publicJwks().stream().noneMatch(k -> k.containsKey("d")));

        // an export whose first checkpoint was signed before the rotation and whose second after it
        CompactRange range = new CompactRange();
        StringBuilder export = new StringBuilder("{\"kind\":\"header\",\"format\":\"" + AuditExporter.FORMAT
                + "\",\"origin\":\"rot.test/audit\",\"filtered\":false,\"fromSeq\":1,\"toSeq\":4,\"prevHash\":\"" + AuditCodec.GENESIS_HASH
                + "\",\"frontier\":{\"size\":0,\"nodes\":[]}}\n");
        String prev = AuditCodec.GENESIS_HASH;
        String lastNote = null;
        // online: AuditVerifier checks the table with signer.verifiers(); the same ChainVerifier rules here
        ChainVerifier online = new ChainVerifier(current.verifiers(), "rot.test/audit", 1, AuditCodec.GENESIS_HASH, new CompactRange());
        ChainVerifier onlineWithoutRetired = new ChainVerifier(List.of(current.verifier()), "rot.test/audit", 1, AuditCodec.GENESIS_HASH,
                new CompactRange());
        for (long seq = 1; seq <= 4; seq++) {
            String ts = "2026-01-01T00:00:0" + seq + "Z";
            String hash = AuditCodec.chainHash(prev, AuditCodec.canonicalEvent(seq, ts, "SYSTEM", "s", null, "t",
                    io.countersign.common.json.JsonSupport.MAPPER.createObjectNode()));
            export.append("{\"kind\":\"event\",\"seq\":").append(seq).append(",\"ts\":\"").append(ts)
                    .append("\",\"actorKind\":\"SYSTEM\",\"actorId\":\"s\",\"requestId\":null,\"type\":\"t\",\"data\":{},\"prevHash\":\"")
                    .append(prev).append("\",\"hash\":\"").append(hash).append("\"}\n");
            range.append(Merkle.leafHash(AuditCodec.unhex(hash)));
            for (ChainVerifier v : List.of(online, onlineWithoutRetired)) {
                v.event(AuditCodec.FORMAT_1, seq, ts, "SYSTEM", "s", null, null, "t", io.countersign.common.json.JsonSupport.MAPPER.createObjectNode(), prev, hash);
            }
            prev = hash;
            if (seq % 2 == 0) {
                CheckpointSigner by = seq == 2 ? old : current;
                lastNote = by.sign(new Checkpoint("rot.test/audit", seq, range.root(), Instant.parse(ts)));
                online.checkpoint(lastNote);
                onlineWithoutRetired.checkpoint(lastNote);
                export.append("{\"kind\":\"checkpoint\",\"treeSize\":").append(seq).append(",\"note\":")
                        .append(io.countersign.common.json.JsonSupport.MAPPER.writeValueAsString(lastNote)).append("}\n");
            }
        }
        export.append("{\"kind\":\"covering\",\"fromSize\":4,\"treeSize\":4,\"proof\":[],\"note\":")
                .append(io.countersign.common.json.JsonSupport.MAPPER.writeValueAsString(lastNote)).append("}\n{\"kind\":\"end\",\"events\":4}\n");
        Path file = dir.resolve("export.jsonl");
        Files.writeString(file, export, StandardCharsets.UTF_8);

        ChainVerifier.Result r = online.finish(4L, prev);
        assertTrue(r.ok(), r.message());
        assertEquals(2, r.checkpoints());
        ChainVerifier.Result withoutRetired = onlineWithoutRetired.finish(4L, prev);
        assertEquals(1L, withoutRetired.firstBadSeq(), withoutRetired.message());

        // offline: the published JWKS (current + retired) or both note keys
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, io.countersign.common.json.JsonSupport.MAPPER.writeValueAsString(Map.of("keys", current.publicJwks())));
        Outcome viaJwks = runOffline(file, "--jwks", jwks.toString());
        assertEquals(VerifyAuditCommand.OK, viaJwks.code, viaJwks.out);
        Outcome viaKeys = runOffline(file, "--key", current.verifierKey(), "--key", old.verifierKey());
        assertEquals(VerifyAuditCommand.OK, viaKeys.code, viaKeys.out);
        Outcome newOnly = runOffline(file, "--key", current.verifierKey());
        assertEquals(VerifyAuditCommand.TAMPERED, newOnly.code, "the old checkpoint needs the retired key: " + newOnly.out);
        assertTrue(newOnly.out.startsWith("FAILED at sequence number 1: "), newOnly.out);
        Outcome oldOnly = runOffline(file, "--key", old.verifierKey());
        assertEquals(VerifyAuditCommand.TAMPERED, oldOnly.code);
        assertTrue(oldOnly.out.startsWith("FAILED at sequence number 3: "), oldOnly.out);
    }

    @Test
    void malformedRetiredKeysStopStartup() throws Exception {
        for (String bad : List.of("{}", "{\"keys\":[]}", "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\"}]}",
                "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AAAA\"}]}", "not json")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> signer(config(Map.of(
                    "keyFile", dir.resolve("k.jwk").toString(), "retiredKeys", Optional.of(bad)))));
            assertTrue(e.getMessage().startsWith("cannot load the retired audit checkpoint keys"), e.getMessage());
        }
        assertThrows(IllegalStateException.class, () -> signer(config(Map.of("keyFile", dir.resolve("k.jwk").toString(),
                "retiredKeysFile", Optional.of(dir.resolve("missing.json").toString())))));
    }

    private record Outcome(int code, String out) {
    }

    private static Outcome runOffline(Path file, String... keyArgs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] args = new String[keyArgs.length + 1];
        args[0] = file.toString();
        System.arraycopy(keyArgs, 0, args, 1, keyArgs.length);
        int code = VerifyAuditCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8));
    }
}
