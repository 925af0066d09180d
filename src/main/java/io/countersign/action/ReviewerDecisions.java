package io.countersign.action;

import java.util.List;
import java.util.UUID;

/**
 * The reviewers' decisions on a request, for its agent (so it can revise without a human
 * relaying the comment). Implemented by the review feature; the action feature only asks.
 */
public interface ReviewerDecisions {

    /** Every decision recorded on the request, in every review round, oldest first. */
    List<ActionView.ReviewerDecision> on(UUID requestId);
}
