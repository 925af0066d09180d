package io.countersign.engine.camunda;

import io.countersign.common.background.BackgroundLoop;
import io.countersign.common.background.BackgroundLoop.Next;
import io.countersign.engine.BpmnResource;
import io.countersign.engine.DeploymentResult;
import io.countersign.engine.WorkflowEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;

/**
 * Wires the Camunda 8 adapter as the application's {@link WorkflowEngine} when the build sets
 * {@code countersign.engine=camunda} (the same build-time switch the embedded engine uses), and
 * deploys the packaged BPMN models in the background at start-up, retrying (backing off from
 * {@code deploy.retry-delay} to a minute) until the cluster answers, so the application starts
 * without a cluster.
 */
@ApplicationScoped
@IfBuildProperty(name = "countersign.engine", stringValue = "camunda")
public class CamundaEngineProducer {

    private BackgroundLoop deployer;

    @Produces
    @Singleton
    CamundaWorkflowEngine camundaWorkflowEngine(CamundaConfig config) {
        return new CamundaWorkflowEngine(new CamundaClientProvider(config), config);
    }

    void close(@Disposes CamundaWorkflowEngine engine) {
        engine.close();
    }

    void onStart(@Observes StartupEvent event, CamundaWorkflowEngine engine, CamundaConfig config, MeterRegistry registry) {
        if (!config.deploy().onStartup()) {
            return;
        }
        List<BpmnResource> resources = BpmnClasspathResources.load(Thread.currentThread().getContextClassLoader(),
                config.deploy().classpathDirectory(), config.deploy().resources());
        if (resources.isEmpty()) {
            Log.warnf("no BPMN models found under classpath:%s: nothing deployed to Camunda",
                    config.deploy().classpathDirectory());
            return;
        }
        deployer = BackgroundLoop.named("camunda-deployer").metrics(registry)
                .backoff(config.deploy().retryDelay(), Duration.ofMinutes(1))
                .outage(CamundaUnavailableException.class::isInstance, "Camunda")
                .build(() -> deploy(engine, resources));
        deployer.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (deployer != null) {
            deployer.stop();
        }
    }

    /** One attempt; an unreachable cluster throws (the loop backs off and retries), anything else ends the loop. */
    private static Next deploy(WorkflowEngine engine, List<BpmnResource> resources) {
        try {
            DeploymentResult result = engine.deploy(resources);
            result.processes().forEach(p -> Log.infof("Camunda: process %s version %d (%s)", p.processId(),
                    p.version(), p.newVersion() ? "new" : "unchanged"));
        } catch (CamundaUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            // An invalid model will not become valid by retrying: say so loudly and stop.
            Log.errorf("Camunda refused the BPMN models: %s", e.getMessage());
        }
        return Next.done();
    }
}
