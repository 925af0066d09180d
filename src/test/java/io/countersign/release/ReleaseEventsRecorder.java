package io.countersign.release;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test observer standing in for the audit trail: records release events and can veto one redemption. */
@ApplicationScoped
public class ReleaseEventsRecorder {

    /** An event as seen, with whether a transaction was active when it was observed. */
    public record Seen(Object event, boolean inTransaction) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Set<String> vetoRedeemOf = ConcurrentHashMap.newKeySet();

    @Inject
    TransactionManager tm;

    void issued(@Observes ReleaseIssued e) throws SystemException {
        seen.add(new Seen(e, tm.getStatus() == Status.STATUS_ACTIVE));
    }

    void redeemed(@Observes ReleaseRedeemed e) throws SystemException {
        seen.add(new Seen(e, tm.getStatus() == Status.STATUS_ACTIVE));
        if (vetoRedeemOf.remove(e.jti())) {
            throw new IllegalStateException("audit write failed (simulated)");
        }
    }

    /** Makes the next ReleaseRedeemed observation of {@code jti} fail, as a failing audit write would. */
    void vetoNextRedeemOf(String jti) {
        vetoRedeemOf.add(jti);
    }

    List<Seen> about(String jti) {
        return seen.stream().filter(s -> (s.event() instanceof ReleaseIssued i && i.jti().equals(jti))
                || (s.event() instanceof ReleaseRedeemed r && r.jti().equals(jti))).toList();
    }
}
