package io.countersign.faults;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs bearer tokens with the fixture issuer key (JDK only, usable from bench programs) and
 * forges the broken ones an attacker would try: alg none, another key under the real kid,
 * HS256 keyed with the public key, tampered claims, expired, wrong issuer/audience, garbage.
 */
public final class JwtForge {

    public static final String ISSUER = "https://countersign.dev/issuer";
    public static final String KID = "dev-issuer-1";

    private final PrivateKey issuerKey;
    private final PrivateKey otherKey;
    private final byte[] publicKeyPem;

    public JwtForge(PrivateKey issuerKey, PrivateKey otherKey, byte[] publicKeyPem) {
        this.issuerKey = issuerKey;
        this.otherKey = otherKey;
        this.publicKeyPem = publicKeyPem;
    }

    /** Loads the fixture keys from a directory holding dev-issuer-private.pem, other-private.pem, dev-issuer-public.pem. */
    public static JwtForge fromDirectory(Path dir) throws Exception {
        return new JwtForge(loadKey(dir.resolve("dev-issuer-private.pem")), loadKey(dir.resolve("other-private.pem")),
                Files.readAllBytes(dir.resolve("dev-issuer-public.pem")));
    }

    /** A valid token of the fixture issuer for {@code sub} with {@code groups}. */
    public String valid(String sub, String... groups) {
        return rs256(issuerKey, header("RS256", KID), claims(sub, ISSUER, "countersign", now() - 5, now() + 3600, groups));
    }

    /** A forged or broken token; {@code sub} and {@code groups} are what the attacker claims to be. */
    public String forged(Random rnd, String sub, String... groups) {
        List<java.util.function.Supplier<String>> forgeries = new ArrayList<>();
        String claims = claims(sub, ISSUER, "countersign", now() - 5, now() + 3600, groups);
        forgeries.add(() -> b64(header("none", KID)) + "." + b64(claims) + ".");
        forgeries.add(() -> b64("{\"alg\":\"NONE\",\"typ\":\"JWT\"}") + "." + b64(claims) + ".");
        forgeries.add(() -> b64("{\"alg\":\"nOnE\"}") + "." + b64(claims) + "." + b64("sig"));
        forgeries.add(() -> rs256(otherKey, header("RS256", KID), claims));
        forgeries.add(() -> rs256(issuerKey, header("RS256", "unknown-kid"), claims));
        forgeries.add(() -> rs256(issuerKey, header("RS256", "../../../../../dev/null"), claims));
        forgeries.add(() -> rs256(issuerKey, header("RS256", "' OR '1'='1"), claims));
        forgeries.add(() -> hs256(publicKeyPem, header("HS256", KID), claims));
        forgeries.add(() -> rs256(issuerKey, "{\"alg\":\"RS256\",\"kid\":\"" + KID + "\",\"jku\":\"http://127.0.0.1:1/jwks\"}", claims));
        forgeries.add(() -> rs256(issuerKey, "{\"alg\":\"RS256\",\"kid\":\"" + KID + "\",\"crit\":[\"exp\",\"x-unknown\"]}", claims));
        forgeries.add(() -> rs256(issuerKey, header("RS256", KID), claims(sub, ISSUER, "countersign", now() - 7200, now() - 3600, groups)));
        forgeries.add(() -> rs256(issuerKey, header("RS256", KID), claims(sub, "https://evil.example", "countersign", now(), now() + 600, groups)));
        forgeries.add(() -> rs256(issuerKey, header("RS256", KID), claims(sub, ISSUER, "someone-else", now(), now() + 600, groups)));
        forgeries.add(() -> rs256(issuerKey, header("RS256", KID), "{\"iss\":\"" + ISSUER + "\",\"aud\":\"countersign\",\"sub\":\""
                + sub + "\",\"groups\":[\"admin\"]}")); // no exp
        forgeries.add(() -> rs256(issuerKey, header("RS256", KID), "[1,2,3]"));
        forgeries.add(() -> rs256(issuerKey, header("RS256", KID), "{\"iss\":" + ISSUER.length() + ",\"exp\":\"soon\",\"groups\":\"admin\"}"));
        forgeries.add(() -> {
            String t = valid(sub, groups);
            String[] p = t.split("\\.");
            return p[0] + "." + b64(new String(Base64.getUrlDecoder().decode(p[1]), StandardCharsets.UTF_8)
                    .replace("\"groups\":[", "\"groups\":[\"admin\",\"auditor\",")) + "." + p[2];
        });
        forgeries.add(() -> {
            String t = valid(sub, groups);
            return t.substring(0, t.length() - 4) + "AAAA";
        });
        forgeries.add(() -> "garbage");
        forgeries.add(() -> "a.b.c");
        forgeries.add(() -> "..");
        forgeries.add(() -> "eyJhbGciOiJSUzI1NiJ9.%%%.***");
        forgeries.add(() -> b64("{not json") + "." + b64(claims) + ".x");
        forgeries.add(() -> "A".repeat(20_000));
        forgeries.add(() -> valid(sub, groups) + ".extra");
        forgeries.add(() -> valid(sub, groups).replace('.', '\u2024')); // one-dot leader look-alike
        return forgeries.get(rnd.nextInt(forgeries.size())).get();
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static String header(String alg, String kid) {
        return "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\",\"kid\":\"" + kid.replace("\"", "\\\"") + "\"}";
    }

    private static String claims(String sub, String iss, String aud, long iat, long exp, String... groups) {
        StringBuilder g = new StringBuilder();
        for (String s : groups) {
            g.append(g.length() == 0 ? "" : ",").append('"').append(s).append('"');
        }
        String quotedSub = MiniJson.quote(sub);
        return "{\"iss\":\"" + iss + "\",\"aud\":\"" + aud + "\",\"sub\":" + quotedSub + ",\"upn\":" + quotedSub
                + ",\"groups\":[" + g + "],\"iat\":" + iat + ",\"exp\":" + exp + "}";
    }

    private static String rs256(PrivateKey key, String header, String claims) {
        try {
            String signingInput = b64(header) + "." + b64(claims);
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hs256(byte[] secret, String header, String claims) {
        try {
            String signingInput = b64(header) + "." + b64(claims);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static PrivateKey loadKey(Path pem) throws Exception {
        String b = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b)));
    }
}
