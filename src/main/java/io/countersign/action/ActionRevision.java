package io.countersign.action;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An earlier revision of a request, as it was before the agent's next revision replaced it.
 *
 * @param revision 0 for the original submission, then 1, 2, … (the review round it was decided in)
 * @param payloadSha256 SHA-256 of its canonical payload (the digest reviewers decided on then)
 */
public record ActionRevision(int revision, String summary, String justification, JsonNode payload,
        String payloadSha256) {
}
