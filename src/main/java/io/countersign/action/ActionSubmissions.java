package io.countersign.action;

import io.countersign.common.Problem;
import io.countersign.common.ProblemException;
import io.countersign.common.text.VisibleText;
import io.countersign.identity.AgentRegistry;
import io.countersign.identity.RegisteredAgent;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hibernate.PessimisticLockException;
import org.hibernate.exception.ConstraintViolationException;
import org.hibernate.exception.LockTimeoutException;

/**
 * The submission use case around {@link ActionService#submit}: registry check, idempotent
 * replay, quotas, and turning a lost race on an Idempotency-Key into a replay or a 409.
 * Not transactional itself, so a refusal can be recorded while the refused work rolls back.
 */
@ApplicationScoped
public class ActionSubmissions {

    static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

    @Inject
    AgentRegistry registry;

    @Inject
    ActionService actions;

    @Inject
    SubmissionRateLimiter rateLimiter;

    @Inject
    ActionMetrics metrics;

    @Inject
    Event<QuotaRefused> quotaRefused;

    /**
     * Submits {@code body} for agent {@code agentId} under {@code idempotencyKey}. A request
     * policy approved at once is answered as a read answers it, release included, so the agent
     * needs no second call; so is every replay of that submission while the request is APPROVED.
     */
    public ActionService.SubmissionResult submit(String agentId, String idempotencyKey, byte[] body) {
        return withRelease(agentId, decide(agentId, idempotencyKey, body));
    }

    /**
     * The response with the request's current release when the submission approved it. The release
     * is minted after the submission committed (its token names the approval's audit sequence
     * number, a few milliseconds later), in a transaction of its own; should that fail — the trail
     * does not chain the approval in time, the database or the key is unavailable — the 201 of the
     * committed submission still goes out, without {@code release}, and the agent's read hands it
     * out (CrashSmokeTest).
     */
    private ActionService.SubmissionResult withRelease(String agentId, ActionService.SubmissionResult r) {
        if (r.decided() != ActionStatus.APPROVED) {
            return r;
        }
        ActionView now;
        try {
            now = actions.get(registry.requireEnabled(agentId).id(), r.requestId());
        } catch (RuntimeException e) {
            Log.warnf("Submission %s answered without its release: %s", r.requestId(), e.toString());
            return r;
        }
        if (now.status() != ActionStatus.APPROVED || now.release() == null) {
            return r; // an outcome was reported since: the replay is the original answer
        }
        return new ActionService.SubmissionResult(r.requestId(), r.status(), ActionService.toJson(now), r.replayed(),
                r.decided());
    }

    private ActionService.SubmissionResult decide(String agentId, String idempotencyKey, byte[] body) {
        RegisteredAgent agent = registry.requireEnabled(agentId);
        String keyProblem = idempotencyKeyProblem(idempotencyKey);
        if (keyProblem != null) {
            throw ProblemException.validation(List.of(new Problem.FieldError("Idempotency-Key", keyProblem)));
        }
        ActionSubmission s = ActionSubmission.parse(body);
        // No read of the key up front: the submission transaction claims it (a retry is the
        // rare case), and only a refusal looks for a stored response first, so that a retry of
        // an accepted request is answered even when the agent is at its quota.
        long retryAfter = rateLimiter.tryAcquire(agentId, agent.requestsPerMinute());
        if (retryAfter > 0) {
            return replay(agentId, idempotencyKey, s).orElseThrow(() -> refuse(agentId, "requests-per-minute",
                    agent.requestsPerMinute(), retryAfter, "Agent " + agentId + " exceeded its quota of "
                            + agent.requestsPerMinute() + " requests per minute."));
        }
        try {
            return actions.submit(agent, idempotencyKey, s);
        } catch (ActionService.PendingReviewQuotaExceeded e) {
            return replay(agentId, idempotencyKey, s).orElseThrow(() -> refuse(agentId, "pending-reviews", e.limit, 60,
                    "Agent " + agentId + " already has " + e.limit + " requests waiting for review; "
                            + "wait for decisions or cancel some."));
        } catch (RuntimeException e) {
            if (!(e instanceof ActionService.IdempotencyKeyTaken) && !isConstraintViolation(e)) {
                throw e;
            }
            rateLimiter.release(agentId);
            // The key has a response (a retry), or another request with it is still being
            // written (a concurrent twin on H2): replay it once it is committed.
            return replay(agentId, idempotencyKey, s).orElseThrow(() -> ProblemException.conflict(
                    "idempotency-in-progress",
                    "A request with Idempotency-Key '" + idempotencyKey + "' is being processed; retry shortly."));
        }
    }

    /** What is wrong with the Idempotency-Key header as sent (absent, empty, too long, a character), or null. */
    static String idempotencyKeyProblem(String key) {
        String rule = "1 to 255 visible ASCII characters (U+0021 to U+007E), e.g. a UUID";
        if (key == null) {
            return "header required: " + rule;
        }
        if (IDEMPOTENCY_KEY.matcher(key).matches()) {
            return null;
        }
        if (key.isEmpty()) {
            return "is empty; it must be " + rule;
        }
        int position = 1;
        for (int i = 0; i < key.length(); position++) {
            int cp = key.codePointAt(i);
            if (cp < 0x21 || cp > 0x7e) {
                return "contains " + VisibleText.describe(cp) + " at character " + position + "; it must be " + rule;
            }
            i += Character.charCount(cp);
        }
        return "is " + key.length() + " characters long; it must be " + rule;
    }

    private Optional<ActionService.SubmissionResult> replay(String agentId, String key, ActionSubmission s) {
        var stored = actions.replay(agentId, key, s.requestSha256());
        stored.ifPresent(r -> metrics.replayed());
        return stored;
    }

    private ProblemException refuse(String agentId, String quota, int limit, long retryAfterSeconds, String detail) {
        metrics.quotaRefused(quota);
        quotaRefused.fire(new QuotaRefused(agentId, quota, limit));
        return new ProblemException(429, "quota-exceeded", "Quota exceeded", detail, List.of(),
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    private static boolean isConstraintViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConstraintViolationException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                return true;
            }
            if (t instanceof LockTimeoutException
                    || t instanceof PessimisticLockException) {
                return true;
            }
        }
        return false;
    }
}
