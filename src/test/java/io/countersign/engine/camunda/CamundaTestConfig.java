package io.countersign.engine.camunda;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Builds a real {@link CamundaConfig} mapping (defaults included) from a few properties. */
final class CamundaTestConfig {

    private CamundaTestConfig() {
    }

    static CamundaConfig of(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(CamundaConfig.class)
                // Quarkus's "2s"/"100ms" duration syntax, as in application.properties.
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        return config.getConfigMapping(CamundaConfig.class);
    }

    static CamundaConfig forFake(FakeCamundaGateway fake) {
        Map<String, String> properties = new HashMap<>();
        properties.put("countersign.camunda.grpc-address", fake.grpcAddress());
        properties.put("countersign.camunda.rest-address", fake.restAddress());
        properties.put("countersign.camunda.request-timeout", "5s");
        properties.put("countersign.camunda.worker.poll-interval", "20ms");
        properties.put("countersign.camunda.worker.failure-backoff", "2s");
        return of(properties);
    }
}
