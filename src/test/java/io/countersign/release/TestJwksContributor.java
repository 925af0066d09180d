package io.countersign.release;

import io.countersign.common.JwksContributor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stands in for the audit checkpoint signer: contributes one good key and one that must be dropped. */
@ApplicationScoped
public class TestJwksContributor implements JwksContributor {

    static final String KID = "test-checkpoint-key";

    @Override
    public List<Map<String, Object>> jwks() {
        Map<String, Object> good = new LinkedHashMap<>();
        good.put("kty", "OKP");
        good.put("crv", "Ed25519");
        good.put("kid", KID);
        good.put("use", "sig");
        good.put("x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
        Map<String, Object> leaky = new LinkedHashMap<>(good);
        leaky.put("kid", "leaky-key");
        leaky.put("d", "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");
        return List.of(good, leaky);
    }
}
