package io.countersign.policy;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.camunda.feel.api.FeelEngineApi;
import org.camunda.feel.api.FeelEngineBuilder;

/**
 * Decides requests against the policy in force and reloads it on demand. The policy is
 * loaded at start-up (an invalid file stops the application) and swapped atomically on a
 * successful reload; a refused reload leaves the old policy in force. Evaluation takes no
 * lock and touches no database.
 */
@Startup
@ApplicationScoped
public class PolicyEvaluator {

    /** Receives reload outcomes; in the application these become CDI events. */
    interface ReloadListener {
        void reloaded(PolicyReloaded event);

        void rejected(PolicyReloadRejected event);
    }

    private final PolicySource source;
    private final PolicyCompiler compiler;
    private final ReloadListener listener;
    private final AtomicReference<CompiledPolicy> active = new AtomicReference<>();
    private final ReentrantLock reloadLock = new ReentrantLock();

    @Inject
    public PolicyEvaluator(PolicyConfig config, Event<PolicyReloaded> reloaded, Event<PolicyReloadRejected> rejected) {
        this(new PolicySource(config.file().map(Path::of).orElse(null), config.maxFileBytes()),
                newCompiler(config), new ReloadListener() {
                    // Observers (the audit trail) run in one transaction that commits before the
                    // swap: if they fail, the old policy stays and nothing was recorded.
                    @Override
                    public void reloaded(PolicyReloaded event) {
                        QuarkusTransaction.requiringNew().run(() -> reloaded.fire(event));
                    }

                    @Override
                    public void rejected(PolicyReloadRejected event) {
                        QuarkusTransaction.requiringNew().run(() -> rejected.fire(event));
                    }
                });
    }

    PolicyEvaluator(PolicySource source, PolicyCompiler compiler, ReloadListener listener) {
        this.source = source;
        this.compiler = compiler;
        this.listener = listener;
        CompiledPolicy initial = compiler.compile(source.read(), source.describe());
        active.set(initial);
        Log.infof("Policy %s loaded from %s (%d rules)", initial.version(), initial.source(), initial.rules().size());
    }

    static PolicyCompiler newCompiler(PolicyConfig config) {
        // External (Java) functions stay disabled: conditions must not reach into the JVM.
        FeelEngineApi feel = FeelEngineBuilder.create().build();
        return new PolicyCompiler(feel, config.defaultReviewTimeout(), config.maxReviewTimeout());
    }

    /** Decides {@code input} with the policy in force; never null, never throws for any input. */
    public PolicyDecision evaluate(PolicyInput input) {
        return active.get().decide(Objects.requireNonNull(input, "input"));
    }

    /** The policy in force. */
    public PolicySummary active() {
        return active.get().summary();
    }

    /**
     * Re-reads the configured file. On success the new policy is in force when this returns
     * and {@link PolicyReloaded} has been observed; on refusal {@link PolicyReloadRejected} is
     * observed, the old policy stays, and {@link PolicyLoadException} names every violation.
     */
    public PolicySummary reload(String actor) {
        reloadLock.lock();
        try {
            CompiledPolicy previous = active.get();
            CompiledPolicy next;
            try {
                next = compiler.compile(source.read(), source.describe());
            } catch (PolicyLoadException e) {
                Log.warnf("Policy reload by %s refused; %s stays in force. %s", actor, previous.version(), e.getMessage());
                listener.rejected(new PolicyReloadRejected(previous.version(), actor, e.source(), e.violations()));
                throw e;
            }
            listener.reloaded(new PolicyReloaded(previous.version(), next.version(), actor, next.source()));
            active.set(next);
            Log.infof("Policy reloaded by %s: %s -> %s from %s (%d rules)", actor, previous.version(), next.version(),
                    next.source(), next.rules().size());
            return next.summary();
        } finally {
            reloadLock.unlock();
        }
    }
}
