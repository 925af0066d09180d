package io.countersign.release;

import io.countersign.release.ReleaseKeyMaterial.LoadedKey;
import io.countersign.release.verify.ReleaseVerifier;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds release headers, claims and tokens for tests, with any key and any (bad) header. */
final class TestReleases {

    private TestReleases() {
    }

    static Map<String, Object> header(String kid) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("alg", ReleaseVerifier.ALG);
        h.put("typ", ReleaseVerifier.TYP);
        h.put("kid", kid);
        return h;
    }

    static Map<String, Object> claims(String audience, String payloadSha256, Instant iat, Instant exp) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", "countersign");
        c.put("sub", "agent-7");
        c.put("aud", audience);
        c.put("iat", iat.getEpochSecond());
        c.put("exp", exp.getEpochSecond());
        c.put("jti", UUID.randomUUID().toString());
        c.put("request_id", UUID.randomUUID().toString());
        c.put("action_type", "db.schema.change");
        c.put("target", "orders-db");
        c.put("environment", "production");
        c.put("payload_sha256", payloadSha256);
        c.put("approvers", List.of("dba-dora", "dba-dan"));
        c.put("policy_version", "7");
        c.put("policy_rule", "prod-schema-two-dbas");
        c.put("audit_seq", 42L);
        return c;
    }

    static String sign(LoadedKey key, Map<String, Object> header, Map<String, Object> claims) {
        return CompactJws.sign(header, claims, key.privateKey());
    }

    static String jwksJson(LoadedKey... keys) {
        StringBuilder sb = new StringBuilder("{\"keys\":[");
        for (int i = 0; i < keys.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(CompactJwsTestJson.write(ReleaseKeyMaterial.publicJwk(keys[i].kid(), keys[i].publicKey())));
        }
        return sb.append("]}").toString();
    }

    /** Unpadded base64url, as JWS and JWK use it. */
    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A P-256 coordinate as the 32 big-endian bytes of a JWK's "x" or "y", computed here independently of Nimbus. */
    static byte[] coordinate(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }

    /** JSON writing for test fixtures. */
    static final class CompactJwsTestJson {
        private static final com.fasterxml.jackson.databind.ObjectMapper M = new com.fasterxml.jackson.databind.ObjectMapper();

        static String write(Object o) {
            try {
                return M.writeValueAsString(o);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
