package io.countersign.engine.camunda;

import io.camunda.client.CamundaClient;
import io.camunda.client.CamundaClientBuilder;
import io.camunda.client.CredentialsProvider;
import io.camunda.client.api.command.CommandWithTenantStep;
import io.camunda.client.impl.NoopCredentialsProvider;
import io.quarkus.logging.Log;
import java.util.List;

/**
 * Builds the {@link CamundaClient} on first use, so the application starts (and the embedded
 * parts, the inbox and the outbox keep working) while no cluster is reachable; calls then fail
 * fast with a client exception that the outbox retries. Thread-safe; {@link #close()} releases it.
 */
public final class CamundaClientProvider implements AutoCloseable {

    private final CamundaConfig config;
    private volatile CamundaClient client;
    private boolean closed;

    public CamundaClientProvider(CamundaConfig config) {
        this.config = config;
    }

    /** The client, built now if this is the first call. */
    public CamundaClient get() {
        CamundaClient current = client;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("Camunda client already closed (application shutting down)");
            }
            if (client == null) {
                client = build();
            }
            return client;
        }
    }

    private CamundaClient build() {
        CamundaClientBuilder builder = CamundaClient.newClientBuilder()
                // Countersign's configuration is the only source: ignore CAMUNDA_* variables that
                // would silently redirect the client somewhere else.
                .applyEnvironmentVariableOverrides(false)
                .grpcAddress(config.grpcAddress())
                .restAddress(config.restAddress())
                .preferRestOverGrpc(config.preferRest())
                .defaultRequestTimeout(config.requestTimeout())
                .numJobWorkerExecutionThreads(config.worker().threads())
                .defaultJobPollInterval(config.worker().pollInterval())
                .defaultJobWorkerName(config.worker().name())
                .defaultJobWorkerStreamEnabled(config.worker().streamEnabled())
                .credentialsProvider(credentials());
        config.tenantId().ifPresent(tenant -> builder.defaultTenantId(tenant)
                .defaultJobWorkerTenantIds(List.of(tenant)));
        if (config.tenantId().isEmpty()) {
            builder.defaultTenantId(CommandWithTenantStep.DEFAULT_TENANT_IDENTIFIER);
        }
        Log.infof("Camunda client: gRPC %s, REST %s, auth %s", config.grpcAddress(), config.restAddress(),
                config.auth().mode());
        return builder.build();
    }

    private CredentialsProvider credentials() {
        CamundaConfig.Auth auth = config.auth();
        return switch (auth.mode()) {
            case NONE -> new NoopCredentialsProvider();
            case BASIC -> CredentialsProvider.newBasicAuthCredentialsProviderBuilder()
                    .applyEnvironmentOverrides(false)
                    .username(required(auth.username().orElse(null), "countersign.camunda.auth.username"))
                    .password(required(auth.password().orElse(null), "countersign.camunda.auth.password"))
                    .build();
            case OAUTH -> {
                var oauth = CredentialsProvider.newCredentialsProviderBuilder()
                        .applyEnvironmentOverrides(false)
                        .clientId(required(auth.clientId().orElse(null), "countersign.camunda.auth.client-id"))
                        .clientSecret(required(auth.clientSecret().orElse(null),
                                "countersign.camunda.auth.client-secret"))
                        .authorizationServerUrl(required(auth.tokenUrl().orElse(null),
                                "countersign.camunda.auth.token-url"));
                auth.audience().ifPresent(oauth::audience);
                auth.scope().ifPresent(oauth::scope);
                yield oauth.build();
            }
        };
    }

    private static String required(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(key + " must be set for this Camunda auth mode");
        }
        return value;
    }

    /** Closes the client if it was ever built; later {@link #get()} calls fail. */
    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
