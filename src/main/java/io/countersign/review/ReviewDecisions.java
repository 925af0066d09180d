package io.countersign.review;

import io.countersign.review.Views.Reviewer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;

/**
 * The decision use case: record the decision (one transaction, every rule checked), then
 * complete the user task in the engine after the commit. If the engine call is lost, the
 * reconciler completes the task from the recorded decision.
 */
@ApplicationScoped
public class ReviewDecisions {

    @Inject
    ReviewService reviews;

    @Inject
    ReviewProcesses processes;

    /** Decides on a task of a request; refusals are problem+json exceptions naming the rule. */
    public void decide(Reviewer who, UUID requestId, long taskKey, Decision decision, String comment,
            String shownDigest) {
        ReviewService.RecordedDecision d = reviews.recordDecision(who, requestId, taskKey, decision, comment, shownDigest);
        processes.completeInEngine(d);
    }
}
