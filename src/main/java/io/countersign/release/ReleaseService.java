package io.countersign.release;

import io.countersign.common.Problem;
import io.countersign.common.ProblemException;
import io.countersign.release.ReleaseKeyMaterial.LoadedKey;
import io.countersign.release.verify.JwksSource;
import io.countersign.release.verify.ReleaseClaims;
import io.countersign.release.verify.ReleaseVerification;
import io.countersign.release.verify.ReleaseVerifier;
import io.countersign.release.verify.VerificationFailure;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Issues release tokens for approved requests and redeems them exactly once. Issuing and
 * redeeming fire {@link ReleaseIssued} / {@link ReleaseRedeemed} inside the same transaction,
 * so an observer's writes (the audit trail) commit or roll back with the change.
 */
@ApplicationScoped
@Transactional
public class ReleaseService {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    @Inject
    ReleaseConfig config;

    @Inject
    ReleaseKeys keys;

    @Inject
    EntityManager em;

    @Inject
    Event<ReleaseIssued> issuedEvents;

    @Inject
    Event<ReleaseRedeemed> redeemedEvents;

    @Inject
    Event<ReleaseRedeemRefused> refusedEvents;

    /**
     * Issues (or returns the already issued, unexpired) release for an approved request; call
     * inside the caller's transaction, only after the request reached APPROVED. A request whose
     * token was redeemed never gets another one (this returns the redeemed token); an unused
     * token that expired is superseded by a new one, atomically with respect to redemption.
     */
    public IssuedRelease issue(ReleaseRequest request) {
        return issue(request, Instant.now());
    }

    /** {@link #issue(ReleaseRequest)} at a given time (tests issue tokens that are already expired). */
    IssuedRelease issue(ReleaseRequest r, Instant at) {
        validate(r);
        Instant now = at.truncatedTo(ChronoUnit.SECONDS);
        ReleaseTokenEntity latest = latest(r.requestId());
        int generation = 1;
        if (latest != null) {
            if (!latest.agentId.equals(r.agentId())) {
                throw new IllegalStateException("request " + r.requestId() + " was released to agent " + latest.agentId);
            }
            if (latest.redeemedAt != null) {
                return alreadyRedeemed(latest, r);
            }
            if (latest.supersededAt == null && latest.expiresAt.isAfter(now) && latest.payloadSha256.equals(r.payloadSha256())) {
                return toIssued(latest);
            }
            if (latest.supersededAt == null) {
                // Same row as the redeem UPDATE: whichever commits first wins, the other sees 0 rows.
                int retired = em.createQuery("update ReleaseTokenEntity t set t.supersededAt = :now where t.jti = :jti"
                        + " and t.redeemedAt is null and t.supersededAt is null")
                        .setParameter("now", now).setParameter("jti", latest.jti).executeUpdate();
                if (retired == 0) {
                    em.refresh(latest);
                    if (latest.redeemedAt != null) {
                        return alreadyRedeemed(latest, r);
                    }
                }
            }
            generation = latest.generation + 1;
        }
        return create(r, now, generation);
    }

    /** The current release for a request, if any (the agent reads it on the request resource). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<IssuedRelease> find(UUID requestId) {
        return Optional.ofNullable(latest(requestId)).map(ReleaseService::toIssued);
    }

    /**
     * Redeems a release once: verifies the token's signature, {@code typ} and {@code alg}
     * against Countersign's own keys, then marks it redeemed with one conditional UPDATE.
     *
     * @param redeemer the authenticated executor, or null when redeeming with the token alone
     */
    public RedeemedRelease redeem(String jti, String token, String redeemer) {
        if (token == null || token.isBlank()) {
            throw ProblemException.validation(List.of(new Problem.FieldError("token", "is required: the compact JWS to redeem")));
        }
        ReleaseVerification verified = new ReleaseVerifier(JwksSource.ofKeys(keys.verificationKeys())).verifyAuthenticity(token);
        if (!verified.ok()) {
            if (verified.failure() == VerificationFailure.MALFORMED) {
                throw new ProblemException(400, "release-token-malformed", "Malformed release token", verified.message());
            }
            throw new ProblemException(422, "release-token-invalid", "Release token refused", verified.message());
        }
        ReleaseClaims claims = verified.claims();
        if (!claims.jti().equals(jti)) {
            throw ProblemException.badRequest("release-jti-mismatch",
                    "the path names release " + jti + " but the token is release " + claims.jti());
        }
        if (redeemer != null) {
            requireNamedExecutor(jti, claims, redeemer);
        }
        String by = redeemer != null ? redeemer : "aud:" + String.join(",", claims.audience());
        Instant now = Instant.now();
        int redeemed = em.createQuery("update ReleaseTokenEntity t set t.redeemedAt = :now, t.redeemedBy = :by"
                + " where t.jti = :jti and t.requestId = :request and t.payloadSha256 = :digest"
                + " and t.redeemedAt is null and t.supersededAt is null and t.expiresAt > :now")
                .setParameter("now", now).setParameter("by", by).setParameter("jti", jti)
                .setParameter("request", claims.requestId()).setParameter("digest", claims.payloadSha256())
                .executeUpdate();
        if (redeemed == 1) {
            redeemedEvents.fire(new ReleaseRedeemed(jti, claims.requestId(), by, now, claims.agentId()));
            Log.infof("Release %s of request %s redeemed by %s", jti, claims.requestId(), by);
            return new RedeemedRelease(jti, claims.requestId(), now, by, claims.json());
        }
        throw whyNotRedeemed(jti, claims);
    }

    /**
     * 403 unless the release's audience is one the executor is mapped to: a release is for the
     * executor it names, and a redeem by any other would use it up. The refusal is audited in a
     * transaction of its own (this one rolls back), since it may be an executor probing releases.
     */
    private void requireNamedExecutor(String jti, ReleaseClaims claims, String redeemer) {
        ReleaseConfig.Executor mapped = config.executors().get(redeemer);
        List<String> allowed = mapped == null ? List.of() : mapped.audiences();
        if (claims.audience().stream().anyMatch(allowed::contains)) {
            return;
        }
        refusedEvents.fire(new ReleaseRedeemRefused(jti, claims.requestId(), redeemer, claims.audience()));
        Log.warnf("Executor %s refused to redeem release %s for audience %s", redeemer, jti, claims.audience());
        String detail = mapped == null
                ? "executor " + redeemer + " has no audiences configured (countersign.release.executors.\"" + redeemer
                        + "\".audiences), so it may redeem no release; release " + jti + " is for "
                        + String.join(", ", claims.audience())
                : "release " + jti + " is for " + String.join(", ", claims.audience()) + ", and executor " + redeemer
                        + " may redeem only releases for " + String.join(", ", allowed);
        throw ProblemException.forbidden("release-wrong-executor", detail + "; the release stays unredeemed.");
    }

    private ProblemException whyNotRedeemed(String jti, ReleaseClaims claims) {
        ReleaseTokenEntity row = ReleaseTokenEntity.findById(jti);
        if (row == null) {
            return new ProblemException(404, "release-not-found", "Unknown release",
                    "no release with jti " + jti + " was issued by this Countersign");
        }
        if (!row.requestId.equals(claims.requestId()) || !row.payloadSha256.equals(claims.payloadSha256())) {
            return new ProblemException(422, "release-token-invalid", "Release token refused",
                    "the token does not match the release issued as " + jti);
        }
        if (row.redeemedAt != null) {
            return new ProblemException(409, "release-already-redeemed", "Release already redeemed",
                    "release " + jti + " was redeemed at " + row.redeemedAt + " by " + row.redeemedBy + "; a release is single-use");
        }
        if (row.supersededAt != null) {
            return new ProblemException(410, "release-superseded", "Release superseded",
                    "release " + jti + " expired unused and was replaced by a newer release of request " + row.requestId);
        }
        return new ProblemException(410, "release-expired", "Release expired",
                "release " + jti + " expired at " + row.expiresAt);
    }

    private IssuedRelease create(ReleaseRequest r, Instant now, int generation) {
        LoadedKey key = keys.signing();
        String jti = UUID.randomUUID().toString();
        String audience = config.audiences().getOrDefault(r.actionType(), config.defaultAudience());
        Instant expires = now.plus(config.ttl()).truncatedTo(ChronoUnit.SECONDS);

        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", ReleaseVerifier.ALG);
        header.put("typ", ReleaseVerifier.TYP);
        header.put("kid", key.kid());
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", config.issuer());
        claims.put("sub", r.agentId());
        claims.put("aud", audience);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", expires.getEpochSecond());
        claims.put("jti", jti);
        claims.put("request_id", r.requestId().toString());
        claims.put("action_type", r.actionType());
        claims.put("target", r.target());
        claims.put("environment", r.environment());
        claims.put("payload_sha256", r.payloadSha256());
        claims.put("approvers", List.copyOf(r.approvers()));
        claims.put("policy_version", r.policyVersion());
        claims.put("policy_rule", r.policyRule());
        if (r.approvalAuditSeq() != null) {
            claims.put("audit_seq", r.approvalAuditSeq());
        }
        String token = CompactJws.sign(header, claims, key.privateKey());

        ReleaseTokenEntity row = new ReleaseTokenEntity();
        row.jti = jti;
        row.requestId = r.requestId();
        row.generation = generation;
        row.agentId = r.agentId();
        row.audience = audience;
        row.actionType = r.actionType();
        row.payloadSha256 = r.payloadSha256();
        row.kid = key.kid();
        row.token = token;
        row.issuedAt = now;
        row.expiresAt = expires;
        row.persist();
        issuedEvents.fire(new ReleaseIssued(jti, r.requestId(), r.agentId(), audience, r.actionType(), r.payloadSha256(),
                key.kid(), now, expires, r.approvalAuditSeq()));
        Log.infof("Release %s issued for request %s (audience %s, key %s, generation %d)", jti, r.requestId(), audience,
                key.kid(), generation);
        return toIssued(row);
    }

    private static IssuedRelease alreadyRedeemed(ReleaseTokenEntity latest, ReleaseRequest r) {
        if (!latest.payloadSha256.equals(r.payloadSha256())) {
            throw new IllegalStateException("request " + r.requestId() + " already redeemed a release for another payload");
        }
        return toIssued(latest);
    }

    private static ReleaseTokenEntity latest(UUID requestId) {
        return ReleaseTokenEntity.<ReleaseTokenEntity>find("requestId = ?1 order by generation desc", requestId)
                .firstResultOptional().orElse(null);
    }

    private static IssuedRelease toIssued(ReleaseTokenEntity e) {
        return new IssuedRelease(e.token, e.jti, e.audience, e.expiresAt);
    }

    private static void validate(ReleaseRequest r) {
        if (r == null || r.requestId() == null || blank(r.agentId()) || blank(r.actionType()) || r.target() == null
                || blank(r.environment()) || r.approvers() == null || r.policyVersion() == null || r.policyRule() == null) {
            throw new IllegalArgumentException("release request is incomplete: " + r);
        }
        if (r.payloadSha256() == null || !SHA256_HEX.matcher(r.payloadSha256()).matches()) {
            throw new IllegalArgumentException("payloadSha256 must be the lower-case hex SHA-256 of the canonical payload");
        }
        if (r.approvers().stream().anyMatch(a -> a == null)) {
            throw new IllegalArgumentException("approvers must not contain null");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
