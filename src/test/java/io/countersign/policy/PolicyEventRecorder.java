package io.countersign.policy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test observer that records the policy reload events the application fires. */
@ApplicationScoped
public class PolicyEventRecorder {

    private final List<Object> events = new CopyOnWriteArrayList<>();

    void onReloaded(@Observes PolicyReloaded event) {
        events.add(event);
    }

    void onRejected(@Observes PolicyReloadRejected event) {
        events.add(event);
    }

    public List<Object> events() {
        return List.copyOf(events);
    }
}
