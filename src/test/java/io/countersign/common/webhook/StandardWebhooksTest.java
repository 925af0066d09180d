package io.countersign.common.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.countersign.testsupport.NodeScripts;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Countersign's signatures as the official Standard Webhooks library (npm standardwebhooks) verifies them. */
class StandardWebhooksTest {

    static NodeScripts.Result verify(String secret, StandardWebhooks.Headers h, String body) {
        return NodeScripts.run("verify-webhook.mjs", body, secret, h.id(), h.timestamp(), h.signature());
    }

    @Test
    void theOfficialLibraryAcceptsTheSignatureAndRefusesAnyChange() {
        String secret = StandardWebhooks.newSecret();
        String body = "{\"type\":\"review.requested\",\"data\":{\"summary\":\"caf\u00e9 \u202e\"}}";
        StandardWebhooks.Headers h = StandardWebhooks.sign(List.of(secret), "ntf_42", Instant.now().getEpochSecond(), body);
        assertThat(h.signature()).startsWith("v1,");
        NodeScripts.Result ok = verify(secret, h, body);
        assertThat(ok.exit()).as(ok.out()).isZero();
        assertThat(ok.out()).contains("review.requested");

        assertThat(verify(secret, h, body.replace("requested", "approved")).exit()).as("another body").isOne();
        assertThat(verify(secret, new StandardWebhooks.Headers("ntf_43", h.timestamp(), h.signature()), body).exit())
                .as("another id").isOne();
        assertThat(verify(StandardWebhooks.newSecret(), h, body).exit()).as("another secret").isOne();
        StandardWebhooks.Headers old = StandardWebhooks.sign(List.of(secret), "ntf_42",
                Instant.now().minusSeconds(3600).getEpochSecond(), body);
        assertThat(verify(secret, old, body).exit()).as("an hour-old timestamp").isOne();
    }

    @Test
    void duringARotationEitherSecretVerifies() {
        String older = StandardWebhooks.newSecret();
        String newer = StandardWebhooks.newSecret();
        String body = "{}";
        StandardWebhooks.Headers h = StandardWebhooks.sign(List.of(newer, older), "ntf_7", Instant.now().getEpochSecond(),
                body);
        assertThat(h.signature().split(" ")).hasSize(2);
        assertThat(verify(older, h, body).exit()).isZero();
        assertThat(verify(newer, h, body).exit()).isZero();
    }

    @Test
    void unusableSecretsAndIdsAreRefusedByName() {
        assertThat(StandardWebhooks.problem("s3cret")).isEqualTo("must start with whsec_");
        assertThat(StandardWebhooks.problem("whsec_!!!")).isEqualTo("its key after whsec_ is not base64");
        assertThat(StandardWebhooks.problem("whsec_AAAA")).isEqualTo("its key must be 24 to 64 bytes, not 3");
        assertThat(StandardWebhooks.problem(StandardWebhooks.newSecret())).isNull();
        assertThatThrownBy(() -> StandardWebhooks.sign(List.of("nope"), "a", 1, "{}"))
                .hasMessage("webhook secret must start with whsec_");
        assertThatThrownBy(() -> StandardWebhooks.sign(List.of(StandardWebhooks.newSecret()), "a.b", 1, "{}"))
                .hasMessageContaining("must not contain '.'");
    }
}
