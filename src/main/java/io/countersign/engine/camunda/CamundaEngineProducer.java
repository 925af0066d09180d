package io.countersign.engine.camunda;

import io.countersign.engine.BpmnResource;
import io.countersign.engine.DeploymentResult;
import io.countersign.engine.WorkflowEngine;
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
 * deploys the packaged BPMN models in the background at start-up, retrying until the cluster
 * answers, so the application starts without a cluster.
 */
@ApplicationScoped
@IfBuildProperty(name = "countersign.engine", stringValue = "camunda")
public class CamundaEngineProducer {

    private volatile boolean stopping;
    private Thread deployer;

    @Produces
    @Singleton
    CamundaWorkflowEngine camundaWorkflowEngine(CamundaConfig config) {
        return new CamundaWorkflowEngine(new CamundaClientProvider(config), config);
    }

    void close(@Disposes CamundaWorkflowEngine engine) {
        engine.close();
    }

    void onStart(@Observes StartupEvent event, CamundaWorkflowEngine engine, CamundaConfig config) {
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
        deployer = new Thread(() -> deployUntilDone(engine, resources, config.deploy().retryDelay()),
                "camunda-deployer");
        deployer.setDaemon(true);
        deployer.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        if (deployer != null) {
            deployer.interrupt();
        }
    }

    private void deployUntilDone(WorkflowEngine engine, List<BpmnResource> resources, Duration firstDelay) {
        Duration delay = firstDelay;
        while (!stopping) {
            try {
                DeploymentResult result = engine.deploy(resources);
                result.processes().forEach(p -> Log.infof("Camunda: process %s version %d (%s)", p.processId(),
                        p.version(), p.newVersion() ? "new" : "unchanged"));
                return;
            } catch (CamundaUnavailableException e) {
                Log.warnf("Camunda deployment failed, retrying in %s: %s", delay, e.getMessage());
            } catch (RuntimeException e) {
                // An invalid model will not become valid by retrying: say so loudly and stop.
                Log.errorf("Camunda refused the BPMN models: %s", e.getMessage());
                return;
            }
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            delay = delay.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1)
                    : delay.multipliedBy(2);
        }
    }
}
