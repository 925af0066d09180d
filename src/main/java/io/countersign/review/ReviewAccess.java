package io.countersign.review;

import io.countersign.common.ProblemException;
import io.countersign.identity.AgentRegistry;
import io.countersign.identity.Identities;
import io.countersign.review.Views.Reviewer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Who may see a review and who may take which decision on it: task visibility (candidate groups
 * or assignee), the agent-is-not-a-person rule, separation of duties within a round (one
 * approval per person under {@link Identities#same}), and who a task may be handed to. Shared by
 * the decisions of {@link ReviewService} and the pages of {@link ReviewQueries}, so what a page
 * offers is what a decision allows.
 */
@ApplicationScoped
@Transactional
public class ReviewAccess {

    /** Placeholder so an IN list is never empty (no real group can contain a NUL character). */
    private static final String NO_GROUP = "\u0000";

    @Inject
    EntityManager em;

    @Inject
    AgentRegistry agents;

    /** Whether any task of the request is visible to the reviewer (groups, assignee or own decision). */
    public boolean visible(Reviewer who, UUID requestId) {
        Long n = em.createQuery("select count(t) from InboxTask t where t.requestId = :r and (t.assignee = :me or exists "
                + "(select 1 from InboxTaskGroup g where g.id.taskKey = t.taskKey and g.id.groupName in :groups))", Long.class)
                .setParameter("r", requestId).setParameter("me", who.userId()).setParameter("groups", groupsParam(who))
                .getSingleResult();
        return n > 0;
    }

    /** Groups of the task (for live-update routing). */
    public Set<String> groupsOf(long taskKey) {
        return new TreeSet<>(em.createQuery("select g.id.groupName from InboxTaskGroup g where g.id.taskKey = ?1",
                String.class).setParameter(1, taskKey).getResultList());
    }

    boolean taskVisible(Reviewer who, InboxTask t) {
        if (who.userId().equals(t.assignee)) {
            return true;
        }
        Set<String> groups = groupsOf(t.taskKey);
        return who.groups().stream().anyMatch(groups::contains);
    }

    List<String> reassignCandidates(InboxTask t, Reviewer who) {
        if (t == null) {
            return List.of();
        }
        return mayDecide(t.requestId, t.agentId, t.round, groupsOf(t.taskKey)).stream()
                .filter(u -> !Identities.same(u, who.userId())).toList();
    }

    /**
     * The people seen at sign-in with one of {@code groups} who may still decide the request's
     * round: not the agent's owner, not the agent, not who already decided in the round.
     */
    public List<String> mayDecide(UUID requestId, String agentId, int round, Set<String> groups) {
        if (groups.isEmpty()) {
            return List.of();
        }
        String owner = ownerOf(agentId);
        Set<String> decided = new TreeSet<>(em.createQuery("select d.reviewer from ReviewDecision d where d.requestId = ?1 "
                + "and d.round = ?2", String.class).setParameter(1, requestId).setParameter(2, round).getResultList());
        return em.createQuery("select distinct m.id.userId from InboxMember m where m.id.groupName in ?1 order by 1",
                String.class).setParameter(1, groups).getResultList().stream()
                .filter(u -> !Identities.same(u, owner) && !Identities.same(u, agentId)
                        && decided.stream().noneMatch(d -> Identities.same(d, u)))
                .toList();
    }

    /** Whether this person (under {@link Identities#same}) already approved in the round. */
    boolean approvedThisRound(UUID requestId, int round, String userId) {
        return approversOfRound(requestId, round).stream().anyMatch(r -> Identities.same(r, userId));
    }

    /**
     * Why {@code who} may take no decision on a request of {@code agentId}, or null: an identity
     * with the agent role, the requesting agent itself, or any registered agent is not a person.
     */
    String agentRefusal(Reviewer who, String agentId) {
        if (who.agentRole()) {
            return "Your token carries the agent role: agents never decide on requests.";
        }
        if (Identities.same(who.userId(), agentId)) {
            return who.userId() + " is an agent: the requesting agent " + agentId + " can never decide on its own request.";
        }
        if (agents.isAgentId(who.userId())) {
            return who.userId() + " is an agent (a registered agent id), and agents never decide on requests.";
        }
        return null;
    }

    /** Distinct approvers of the round: one person counts once, whatever the spelling of their id. */
    long countApprovals(UUID requestId, int round) {
        return approversOfRound(requestId, round).size();
    }

    List<String> approvers(UUID requestId) {
        ReviewProcess p = ReviewProcess.findById(requestId);
        return approversOfRound(requestId, p == null ? 0 : p.round);
    }

    /** The round's approvers in decision order, one entry per person under {@link Identities#key}. */
    private List<String> approversOfRound(UUID requestId, int round) {
        Map<String, String> byKey = new LinkedHashMap<>();
        em.createQuery("select d.reviewer from ReviewDecision d where d.requestId = ?1 and d.round = ?2 "
                + "and d.decision = ?3 order by d.decidedAt, d.id", String.class).setParameter(1, requestId)
                .setParameter(2, round).setParameter(3, Decision.APPROVE).getResultList()
                .forEach(r -> byKey.putIfAbsent(Identities.key(r), r));
        return List.copyOf(byKey.values());
    }

    public String ownerOf(String agentId) {
        try {
            return agents.get(agentId).ownerUserId();
        } catch (ProblemException e) {
            return null;
        }
    }

    static Set<String> groupsParam(Reviewer who) {
        return who.groups().isEmpty() ? Set.of(NO_GROUP) : who.groups();
    }

    /** The answer to a reviewer who may not see the request: the same as for one that does not exist. */
    static ProblemException notFound(UUID id) {
        return ProblemException.notFound("No review of request " + id + " for you.");
    }
}
