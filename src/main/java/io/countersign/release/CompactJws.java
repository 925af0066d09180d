package io.countersign.release;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.util.Base64URL;
import java.security.interfaces.ECPrivateKey;
import java.text.ParseException;
import java.util.Base64;
import java.util.Map;

/**
 * RFC 7515 compact serialization signed ES256 by Nimbus JOSE+JWT. Header and claims are
 * written by Jackson exactly as given (member order kept) and Nimbus signs those bytes, so a
 * token reads the same as the ones Countersign issued before it used Nimbus.
 */
final class CompactJws {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CompactJws() {
    }

    static String sign(Map<String, ?> header, Map<String, ?> claims, ECPrivateKey key) {
        try {
            JWSObject jws = new JWSObject(JWSHeader.parse(new Base64URL(part(header))), new Payload(new Base64URL(part(claims))));
            jws.sign(new ECDSASigner(key));
            return jws.serialize();
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("ES256 signing failed: " + e.getMessage(), e);
        }
    }

    /** One base64url (unpadded) JSON part of a compact JWS. */
    static String part(Map<String, ?> json) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JWS part is not serializable", e);
        }
    }
}
