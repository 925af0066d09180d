package io.countersign.release;

import io.countersign.action.ReleaseProvider;
import io.countersign.audit.AuditTrail;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/**
 * Gives an approved request's agent its release token. The token carries the audit sequence
 * number of the approval event, so it is minted once the sequencer has chained that event
 * (a few milliseconds after the approval commits), in its own transaction.
 */
@ApplicationScoped
public class ActionReleases implements ReleaseProvider {

    /** Audit events that approve a request: a policy auto-approval is recorded at submission. */
    static final List<String> APPROVAL_EVENTS = List.of("action.approved", "action.submitted");
    private static final Duration MAX_SEQUENCING_WAIT = Duration.ofSeconds(5);

    @Inject
    ReleaseService releases;

    @Inject
    AuditTrail audit;

    @Override
    public ReleaseView releaseFor(ApprovedAction a) {
        Long seq = audit.lastEventId(a.requestId(), APPROVAL_EVENTS)
                .stream().mapToObj(id -> audit.awaitSequence(id, MAX_SEQUENCING_WAIT)).findFirst().orElse(null);
        ReleaseRequest request = new ReleaseRequest(a.requestId(), a.agentId(), a.type(), a.target(), a.environment(),
                a.payloadSha256(), a.approvers(), a.policyVersion(), a.policyRule(), seq);
        IssuedRelease issued;
        try {
            issued = QuarkusTransaction.requiringNew().call(() -> releases.issue(request));
        } catch (RuntimeException e) {
            // Two readers raced to mint the first token: the loser's insert hit the unique
            // (request, generation) key; the winner's token is the one to hand out.
            issued = releases.find(a.requestId()).orElseThrow(() -> e);
        }
        return new ReleaseView(issued.token(), issued.jti(), issued.audience(), issued.expiresAt());
    }
}
