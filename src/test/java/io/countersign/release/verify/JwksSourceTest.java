package io.countersign.release.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JwksSourceTest {

    private HttpServer server;
    private final AtomicReference<String> body = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private final MutableClock clock = new MutableClock();

    @BeforeEach
    void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks", exchange -> {
            fetches.incrementAndGet();
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private JwksSource source() {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
        return new JwksSource.Remote(uri, HttpClient.newHttpClient(), Duration.ofMinutes(5), Duration.ofSeconds(10), clock);
    }

    private static String jwk(String kid) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        ECPublicKey key = (ECPublicKey) gen.generateKeyPair().getPublic();
        return "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"" + kid + "\",\"x\":\"" + b64(key.getW().getAffineX())
                + "\",\"y\":\"" + b64(key.getW().getAffineY()) + "\"}";
    }

    private static String b64(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, out, 32 - n, n);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    @Test
    void cachesTheSetAndRefetchesEarlyForAnUnknownKidAtMostEveryTenSeconds() throws Exception {
        body.set("{\"keys\":[" + jwk("old") + "]}");
        JwksSource jwks = source();
        assertTrue(jwks.find("old").isPresent());
        assertTrue(jwks.find("old").isPresent());
        assertEquals(1, fetches.get(), "a known kid is served from the cache");

        body.set("{\"keys\":[" + jwk("old") + "," + jwk("new") + "]}");
        clock.advance(Duration.ofSeconds(11));
        assertTrue(jwks.find("new").isPresent(), "an unknown kid triggers a refetch: rotation needs no restart");
        assertEquals(2, fetches.get());

        assertTrue(jwks.find("bogus").isEmpty());
        assertTrue(jwks.find("bogus").isEmpty());
        assertEquals(2, fetches.get(), "unknown kids cannot make the verifier hammer Countersign");
        clock.advance(Duration.ofSeconds(11));
        assertTrue(jwks.find("bogus").isEmpty());
        assertEquals(3, fetches.get());
    }

    @Test
    void refetchesWhenTheCacheExpiresAndDropsRemovedKeys() throws Exception {
        body.set("{\"keys\":[" + jwk("old") + "]}");
        JwksSource jwks = source();
        assertTrue(jwks.find("old").isPresent());
        body.set("{\"keys\":[" + jwk("new") + "]}");
        clock.advance(Duration.ofMinutes(6));
        assertTrue(jwks.find("old").isEmpty(), "a key removed after its grace period stops verifying");
        assertEquals(2, fetches.get());
    }

    @Test
    void reportsAnUnusableEndpoint() {
        body.set("<html>not a jwks</html>");
        JwksUnavailableException e = assertThrows(JwksUnavailableException.class, () -> source().find("any"));
        assertTrue(e.getMessage().contains("cannot fetch JWKS"), e.getMessage());
    }

    /** A clock the test moves by hand. */
    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2030-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
