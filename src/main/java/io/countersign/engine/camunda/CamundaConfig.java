package io.countersign.engine.camunda;

import io.countersign.engine.WorkflowEngine;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Connection and worker settings of the Camunda 8 adapter ({@code countersign.camunda.*}). */
@ConfigMapping(prefix = "countersign.camunda")
public interface CamundaConfig {

    /** Zeebe gateway gRPC address (scheme http = plaintext, https = TLS). */
    @WithDefault("http://localhost:26500")
    URI grpcAddress();

    /** Orchestration cluster REST address (user-task commands and the search API). */
    @WithDefault("http://localhost:8088")
    URI restAddress();

    /** Send commands over REST where the client supports both; false keeps them on gRPC. */
    @WithDefault("false")
    boolean preferRest();

    /** Tenant to deploy to, start in and fetch jobs for; unset = the default tenant. */
    Optional<String> tenantId();

    /** Timeout of one request to the cluster. */
    @WithDefault("10s")
    Duration requestTimeout();

    /** How the client authenticates. */
    Auth auth();

    /** Deployment of the BPMN models at start-up. */
    Deploy deploy();

    /** Job worker settings. */
    Worker worker();

    /**
     * Name of a start variable whose string value is sent as the process instance's business id
     * (Camunda 8.9 can refuse a second active instance with the same business id).
     */
    @WithDefault(WorkflowEngine.BUSINESS_ID_VARIABLE)
    String businessIdVariable();

    /** Client authentication. Secrets come from the environment only. */
    interface Auth {

        /** none, basic or oauth. */
        @WithDefault("none")
        AuthMode mode();

        /** Basic auth user name. */
        Optional<String> username();

        /** Basic auth password (env COUNTERSIGN_CAMUNDA_AUTH_PASSWORD). */
        Optional<String> password();

        /** OAuth client id (env COUNTERSIGN_CAMUNDA_AUTH_CLIENT_ID). */
        Optional<String> clientId();

        /** OAuth client secret (env COUNTERSIGN_CAMUNDA_AUTH_CLIENT_SECRET). */
        Optional<String> clientSecret();

        /** OAuth token endpoint; SaaS: https://login.cloud.camunda.io/oauth/token. */
        Optional<String> tokenUrl();

        /** OAuth audience; SaaS: zeebe.camunda.io. */
        Optional<String> audience();

        /** OAuth scope (some identity providers need it). */
        Optional<String> scope();
    }

    /** Deployment at start-up. */
    interface Deploy {

        /** Whether the adapter deploys the models at start-up (in the background, retried until it succeeds). */
        @WithDefault("true")
        boolean onStartup();

        /** Classpath resources to deploy; Zeebe keeps the version of unchanged resources, so this is idempotent. */
        @WithDefault("bpmn")
        String classpathDirectory();

        /** Explicit classpath resources (e.g. bpmn/approval.bpmn) used when the directory cannot be listed. */
        Optional<List<String>> resources();

        /** First delay before retrying a failed start-up deployment (doubles up to one minute). */
        @WithDefault("2s")
        Duration retryDelay();
    }

    /** Job workers. */
    interface Worker {

        /** Threads that run job handlers. */
        @WithDefault("4")
        int threads();

        /** Pause between two job activation polls when the last one returned nothing. */
        @WithDefault("100ms")
        Duration pollInterval();

        /** Name reported to the cluster as the job's worker. */
        @WithDefault("countersign")
        String name();

        /** Backoff of a failed job on its first failure; doubles with every failure used up. */
        @WithDefault("5s")
        Duration failureBackoff();

        /** Longest backoff of a failed job. */
        @WithDefault("5m")
        Duration maxFailureBackoff();

        /** Use job streaming (gRPC) instead of polling. */
        @WithDefault("false")
        boolean streamEnabled();
    }

    /** Authentication mode. */
    enum AuthMode {
        /** No credentials (local self-managed without identity). */
        NONE,
        /** HTTP basic auth (self-managed with basic authentication). */
        BASIC,
        /** OAuth 2 client credentials (SaaS, self-managed with an identity provider). */
        OAUTH
    }
}
