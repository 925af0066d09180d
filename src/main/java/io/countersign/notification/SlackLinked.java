package io.countersign.notification;

/**
 * Fired inside the transaction that links a Slack user to a Countersign person (the audit trail
 * records it: from then on that Slack account's clicks count as the person's decisions).
 *
 * @param previousUserId the person the Slack user was linked to before, or null
 */
public record SlackLinked(String teamId, String slackUserId, String userId, String previousUserId) {
}
