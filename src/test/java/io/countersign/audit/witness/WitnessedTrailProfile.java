package io.countersign.audit.witness;

import io.countersign.audit.SignedNote;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Countersign configured with two witnesses on loopback (w1, w2) and a checkpoint file. Creates
 * the keys the way docs/audit.md does ({@code witness keygen}); {@link WitnessedTrailTest}
 * starts the witness processes on the ports chosen here, from the values in the configuration.
 */
public class WitnessedTrailProfile implements QuarkusTestProfile {

    static final String ORIGIN = "countersign.local/audit";

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            Path dir = Files.createTempDirectory(Path.of("target"), "witnessed-trail");
            KeyPair log = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] x509 = log.getPublic().getEncoded();
            byte[] x = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
            byte[] pkcs8 = log.getPrivate().getEncoded();
            byte[] d = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            Map<String, String> config = new HashMap<>();
            config.put("countersign.audit.key-jwk", "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + b64.encodeToString(x)
                    + "\",\"d\":\"" + b64.encodeToString(d) + "\"}");
            config.put("witness-test.log-key", new SignedNote.VerifierKey(ORIGIN, SignedNote.keyId(ORIGIN, x), x).format());
            config.put("witness-test.dir", dir.toAbsolutePath().toString());
            for (String w : new String[] { "w1", "w2" }) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int code = WitnessCommand.run(new String[] { "keygen", "--name", "witness.test/" + w, "--key",
                        dir.resolve(w + ".key").toString() }, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
                if (code != 0) {
                    throw new IllegalStateException("witness keygen failed: " + code);
                }
                int port;
                try (ServerSocket s = new ServerSocket(0)) {
                    port = s.getLocalPort();
                }
                config.put("countersign.audit.witness.targets." + w + ".url", "http://127.0.0.1:" + port);
                config.put("countersign.audit.witness.targets." + w + ".key", out.toString(StandardCharsets.UTF_8).trim());
            }
            config.put("countersign.audit.witness.poll", "PT0.1S");
            config.put("countersign.audit.witness.initial-backoff", "PT0.1S");
            config.put("countersign.audit.witness.max-backoff", "PT0.3S");
            config.put("countersign.audit.witness.await-cosignatures", "PT15S");
            config.put("countersign.audit.witness.max-pending", "0");
            config.put("countersign.audit.checkpoint-sink.file", dir.resolve("checkpoints.log").toString());
            // checkpoints only when the test asks for them, so each test knows the sizes it works with
            config.put("countersign.audit.checkpoint-events", "100000");
            config.put("countersign.audit.checkpoint-interval", "PT1H");
            return config;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
