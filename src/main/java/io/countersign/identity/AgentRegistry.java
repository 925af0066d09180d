package io.countersign.identity;

import io.countersign.common.Problem;
import io.countersign.common.ProblemException;
import io.countersign.common.Violations;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;

/** The agent registry: the authority on what each agent may do (the token only identifies it). */
@ApplicationScoped
@Transactional
public class AgentRegistry {

    static final Pattern AGENT_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{1,127}");
    static final Pattern ACTION_TYPE = Pattern.compile("[a-z][a-z0-9]*(\\.[a-z0-9-]+)*");
    static final Pattern ENVIRONMENT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final int MAX_LIST = 100;

    @Inject
    AgentRegistryConfig config;

    @Inject
    Event<AgentChanged> changed;

    @Inject
    Event<AgentRefused> refused;

    @Inject
    AgentCache cache;

    /** The enabled agent {@code id}, or 403 when it is unknown or disabled. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public RegisteredAgent requireEnabled(String id) {
        boolean[] registered = new boolean[1]; // set by the loader, which always runs when agent is null
        RegisteredAgent agent = id == null ? null : cache.get(id, () -> {
            Agent a = Agent.findById(id);
            registered[0] = a != null;
            return a != null && a.enabled ? toRegistered(a) : null;
        });
        if (agent == null) {
            refused.fire(new AgentRefused(id, registered[0]));
            throw ProblemException.forbidden("agent-not-registered",
                    "Agent '" + id + "' is not registered or is disabled; ask an administrator to register it.");
        }
        return agent;
    }

    /**
     * Locks the agent's row until the caller's transaction ends, so checks on the agent's
     * pending requests and the insert they guard are one atomic step.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lock(String id) {
        Agent.findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * Whether {@code subject} names a registered agent (enabled or not) under
     * {@link Identities#key}: agent ids are lower-case ASCII, so the key is the id itself.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public boolean isAgentId(String subject) {
        String key = Identities.key(subject);
        return key != null && AGENT_ID.matcher(key).matches() && Agent.findById(key) != null;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<AgentView> list() {
        return Agent.<Agent>listAll(Sort.by("id")).stream().map(AgentView::of).toList();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public AgentView get(String id) {
        Agent a = Agent.findById(id);
        if (a == null) {
            throw ProblemException.notFound("No agent with id '" + id + "'.");
        }
        return AgentView.of(a);
    }

    public AgentView create(AgentInput in, String actor) {
        validate(in, true);
        if (Agent.findById(in.id()) != null) {
            throw ProblemException.conflict("agent-exists", "An agent with id '" + in.id() + "' already exists.");
        }
        Agent a = new Agent();
        a.id = in.id();
        a.createdAt = now();
        apply(a, in);
        a.persistAndFlush();
        AgentView view = AgentView.of(a);
        changed.fire(new AgentChanged("agent.created", actor, null, view));
        return view;
    }

    public AgentView replace(String id, AgentInput in, String actor) {
        if (in.id() != null && !in.id().equals(id)) {
            throw ProblemException.validation(List.of(new Problem.FieldError("id",
                    "must equal the id in the path or be omitted")));
        }
        validate(in, false);
        Agent a = Agent.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (a == null) {
            throw ProblemException.notFound("No agent with id '" + id + "'.");
        }
        AgentView before = AgentView.of(a);
        apply(a, in);
        a.flush();
        AgentView after = AgentView.of(a);
        changed.fire(new AgentChanged("agent.updated", actor, before, after));
        return after;
    }

    private void apply(Agent a, AgentInput in) {
        a.displayName = in.displayName().strip();
        a.ownerUserId = in.ownerUserId().strip();
        a.allowedTypes = List.copyOf(in.allowedTypes());
        a.allowedTargets = List.copyOf(in.allowedTargets());
        a.allowedEnvironments = List.copyOf(in.allowedEnvironments());
        AgentInput.Quotas q = in.quotas();
        a.quotaRequestsPerMinute = q != null && q.requestsPerMinute() != null ? q.requestsPerMinute()
                : config.defaultRequestsPerMinute();
        a.quotaMaxPendingReviews = q != null && q.maxPendingReviews() != null ? q.maxPendingReviews()
                : config.defaultMaxPendingReviews();
        a.enabled = in.enabled() == null || in.enabled();
        a.updatedAt = now();
    }

    private static void validate(AgentInput in, boolean creating) {
        Violations v = new Violations();
        if (creating) {
            v.check(in.id() != null && AGENT_ID.matcher(in.id()).matches(), "id",
                    "required; 2-128 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit");
        }
        // Unpaired surrogates would reach the audit event and fail it (a 500 found by bench/fuzz.sh).
        v.check(in.displayName() != null && !in.displayName().isBlank() && in.displayName().length() <= 200
                && Violations.wellFormedText(in.displayName()),
                "displayName", "required, at most 200 characters, no control characters");
        v.check(in.ownerUserId() != null && !in.ownerUserId().isBlank() && in.ownerUserId().length() <= 200
                && Violations.wellFormedText(in.ownerUserId()),
                "ownerUserId", "required: the user id of the human who owns this agent");
        checkList(v, "allowedTypes", in.allowedTypes(), ACTION_TYPE, "an action type such as db.schema.change");
        checkList(v, "allowedTargets", in.allowedTargets(), null, "a target glob of at most 512 characters");
        checkList(v, "allowedEnvironments", in.allowedEnvironments(), ENVIRONMENT,
                "an environment name of a-z, 0-9, '.', '_', '-'");
        if (in.quotas() != null) {
            Integer rpm = in.quotas().requestsPerMinute();
            Integer pending = in.quotas().maxPendingReviews();
            v.check(rpm == null || (rpm >= 1 && rpm <= 100_000), "quotas.requestsPerMinute", "must be between 1 and 100000");
            v.check(pending == null || (pending >= 0 && pending <= 100_000), "quotas.maxPendingReviews",
                    "must be between 0 and 100000");
        }
        v.throwIfAny();
    }

    private static void checkList(Violations v, String field, List<String> list, Pattern pattern, String what) {
        if (!v.check(list != null && !list.isEmpty() && list.size() <= MAX_LIST, field,
                "required: 1 to " + MAX_LIST + " entries")) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            String s = list.get(i);
            boolean ok = s != null && !s.isBlank() && s.length() <= 512 && s.chars().noneMatch(c -> c < 0x20)
                    && Violations.wellFormedText(s) && (pattern == null || pattern.matcher(s).matches());
            v.check(ok, field + "[" + i + "]", "must be " + what);
        }
    }

    private static RegisteredAgent toRegistered(Agent a) {
        return new RegisteredAgent(a.id, a.displayName, a.ownerUserId, a.allowedTypes,
                a.allowedTargets.stream().map(TargetGlob::compile).toList(), a.allowedEnvironments,
                a.quotaRequestsPerMinute, a.quotaMaxPendingReviews);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
