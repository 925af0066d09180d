package io.countersign.faults;

import io.countersign.action.ActionStatus;
import io.countersign.action.ActionStatusChanged;
import io.countersign.release.ReleaseIssued;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test-only "crash" in the middle of a transaction: armed for one agent and one step, it
 * throws from a synchronous observer of the event that step fires, after the rows of the
 * step are written and before commit. Unarmed (every other test) it does nothing.
 */
@ApplicationScoped
public class FaultInjector {

    /** The failure it throws; the app must roll back and answer 500 without internals. */
    public static final class InjectedCrash extends RuntimeException {
        InjectedCrash(String where) {
            super("injected crash " + where, null, false, false);
        }
    }

    /** A step that can be made to fail: a status change to {@code to}, or a release being issued. */
    public record Step(ActionStatus to, boolean onRelease) {
        public static Step statusTo(ActionStatus to) {
            return new Step(to, false);
        }

        public static Step releaseIssued() {
            return new Step(null, true);
        }
    }

    private static final Map<String, Step> ARMED = new ConcurrentHashMap<>();

    public static void arm(String agentId, Step step) {
        ARMED.put(agentId, step);
    }

    public static void disarm(String agentId) {
        ARMED.remove(agentId);
    }

    void onStatusChanged(@Observes ActionStatusChanged e) {
        Step s = ARMED.get(e.agentId());
        if (s != null && !s.onRelease() && s.to() == e.to()) {
            throw new InjectedCrash("on " + e.to());
        }
    }

    void onReleaseIssued(@Observes ReleaseIssued e) {
        Step s = ARMED.get(e.agentId());
        if (s != null && s.onRelease()) {
            throw new InjectedCrash("on release issue");
        }
    }
}
