package io.countersign.review;

import java.util.UUID;

/**
 * Fired inside the transaction of the review's reminder timer (the process's non-interrupting
 * escalation timer), once per firing, before the escalation group (if any) is added to the open
 * tasks; notifications tell the reviewers of the open tasks again.
 */
public record ReviewReminded(UUID requestId, long jobKey) {
}
