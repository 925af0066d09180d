package io.countersign.release;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.util.Base64;
import java.util.Map;

/** RFC 7515 compact serialization with ES256 (JDK's P1363 ECDSA gives the raw r||s JWS needs). */
final class CompactJws {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CompactJws() {
    }

    static String sign(Map<String, ?> header, Map<String, ?> claims, ECPrivateKey key) {
        String signingInput = part(header) + "." + part(claims);
        try {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(key);
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + ReleaseKeyMaterial.b64(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ES256 signing failed", e);
        }
    }

    static String part(Map<String, ?> json) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JWS part is not serializable", e);
        }
    }
}
