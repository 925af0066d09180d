package io.countersign.notification;

import io.countersign.action.ActionService;
import io.countersign.action.ActionStatus;
import io.countersign.action.ActionStatusChanged;
import io.countersign.action.ActionView;
import io.countersign.common.webhook.StandardWebhooks;
import io.countersign.identity.Identities;
import io.countersign.notification.Notice.Kind;
import io.countersign.review.InboxChanged;
import io.countersign.review.InboxTask;
import io.countersign.review.ReviewAccess;
import io.countersign.review.ReviewDecided;
import io.countersign.review.ReviewReminded;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns review events into notification rows, inside the transaction that causes them (a
 * rollback leaves none; the request never waits for a message). One row per person and message,
 * de-duplicated by a key naming the cause and the person, ordered per request and person so the
 * end of a review never overtakes the ask.
 */
@ApplicationScoped
public class ReviewerNotices {

    /** The channels, as rows' {@code command_type}: e-mail to a person; a group's webhook or Teams channel. */
    static final String EMAIL = "EMAIL";
    static final String WEBHOOK = "WEBHOOK";
    static final String TEAMS = "TEAMS";
    static final String SLACK = "SLACK";

    private static final Set<ActionStatus> REVIEW_ENDS = EnumSet.of(ActionStatus.APPROVED, ActionStatus.REJECTED,
            ActionStatus.CHANGES_REQUESTED, ActionStatus.CANCELLED, ActionStatus.EXPIRED);

    @Inject
    NotificationConfig config;

    @Inject
    NotificationStore store;

    @Inject
    NotificationRelay relay;

    @Inject
    Contacts contacts;

    @Inject
    ReviewAccess access;

    @Inject
    TransactionSynchronizationRegistry transactions;

    @Inject
    EntityManager em;

    @Inject
    FloodControl flood;

    @Inject
    ActionService actions;

    void onStart(@Observes StartupEvent e) {
        if (config.enabled() && config.baseUrl().isEmpty()) {
            Log.warn("Reviewer notifications are off: set countersign.notifications.base-url "
                    + "(COUNTERSIGN_NOTIFICATIONS_BASE_URL) to the address of Countersign's pages (docs/notifications.md)");
        }
        List<String> problems = routeProblems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Notification routes refused (docs/notifications.md): " + String.join("; ",
                    problems));
        }
    }

    /** What is wrong with the configured routes: every problem, naming the key. */
    static List<String> routeProblems(NotificationConfig config) {
        List<String> problems = new ArrayList<>();
        Set<String> httpHosts = config.allowHttpHosts().map(Set::copyOf).orElse(Set.of());
        for (Map.Entry<String, NotificationConfig.Route> e : new TreeMap<>(config.routes()).entrySet()) {
            String key = "countersign.notifications.routes." + e.getKey() + ".";
            NotificationConfig.Route r = e.getValue();
            r.webhookUrl().ifPresent(url -> urlProblem(url, httpHosts).ifPresent(p -> problems.add(key + "webhook-url " + p)));
            r.quietHours().map(FloodControl::quietProblem).ifPresent(p -> problems.add(key + "quiet-hours " + p));
            r.teamsWebhookUrl().ifPresent(url -> urlProblem(url, httpHosts).ifPresent(p -> problems.add(key
                    + "teams-webhook-url " + p)));
            if (r.webhookUrl().isPresent()) {
                List<String> secrets = r.webhookSecret().orElse(List.of());
                if (secrets.isEmpty()) {
                    problems.add(key + "webhook-secret is required with webhook-url");
                }
                for (String secret : secrets) {
                    String p = StandardWebhooks.problem(secret.strip());
                    if (p != null) {
                        problems.add(key + "webhook-secret " + p);
                    }
                }
            } else if (r.webhookSecret().isPresent()) {
                problems.add(key + "webhook-secret is set but webhook-url is not");
            }
        }
        try {
            ZoneId.of(config.timeZone());
        } catch (DateTimeException ex) {
            problems.add("countersign.notifications.time-zone is not a time zone: " + config.timeZone());
        }
        if (config.digest().threshold() < 1) {
            problems.add("countersign.notifications.digest.threshold must be at least 1");
        }
        if (config.routes().values().stream().anyMatch(r -> r.slackChannel().isPresent())) {
            NotificationConfig.Slack slack = config.slack();
            if (slack.botToken().isEmpty()) {
                problems.add("countersign.notifications.slack.bot-token is required with a slack-channel route");
            }
            if (slack.signingSecret().isEmpty()) {
                problems.add("countersign.notifications.slack.signing-secret is required with a slack-channel route");
            }
            if (slack.teamId().isEmpty()) {
                problems.add("countersign.notifications.slack.team-id is required with a slack-channel route");
            }
            urlProblem(slack.apiUrl(), httpHosts).ifPresent(p -> problems.add("countersign.notifications.slack.api-url " + p));
            if (!Set.of("low", "medium", "high", "critical", "none").contains(slack.decideMaxRisk().toLowerCase(Locale.ROOT))) {
                problems.add("countersign.notifications.slack.decide-max-risk must be low, medium, high, critical or none");
            }
        }
        for (Map.Entry<String, NotificationConfig.Route> e : new TreeMap<>(config.routes()).entrySet()) {
            e.getValue().slackChannel().filter(c -> !c.matches("[CGD][A-Z0-9]{6,}")).ifPresent(c -> problems.add(
                    "countersign.notifications.routes." + e.getKey() + ".slack-channel must be a channel id such as "
                            + "C0123ABCD (not a name: messages are updated by id)"));
        }
        return problems;
    }

    static Optional<String> urlProblem(String url, Set<String> httpHosts) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException ex) {
            return Optional.of("is not a URL: " + ex.getMessage());
        }
        if (u.getHost() == null || u.getUserInfo() != null) {
            return Optional.of("must be an absolute URL with a host and without credentials");
        }
        if ("https".equals(u.getScheme()) || "http".equals(u.getScheme()) && httpHosts.contains(u.getHost())) {
            return Optional.empty();
        }
        return Optional.of("must be https (plain http only to hosts in countersign.notifications.allow-http-hosts)");
    }

    /** Whether messages are written at all. */
    boolean active() {
        return config.enabled() && config.baseUrl().isPresent();
    }

    void onInboxChanged(@Observes InboxChanged e) {
        if (!active()) {
            return;
        }
        if ("created".equals(e.kind())) {
            askToReview(e.taskKey(), e.groups(), Kind.REVIEW_REQUESTED, null, "task:" + e.taskKey());
        } else if ("escalated".equals(e.kind())) {
            String group = e.groups().iterator().next();
            askToReview(e.taskKey(), e.groups(), Kind.REVIEW_ESCALATED, group, "escalated:" + e.taskKey());
        }
    }

    void onReminder(@Observes ReviewReminded e) {
        if (!active()) {
            return;
        }
        for (InboxTask t : InboxTask.<InboxTask>list("requestId = ?1 and state = ?2", e.requestId(), InboxTask.OPEN)) {
            askToReview(t.taskKey, access.groupsOf(t.taskKey), Kind.REVIEW_REMINDER, null, "reminder:" + e.jobKey() + ":" + t.taskKey);
        }
    }

    void onStatusChanged(@Observes ActionStatusChanged e) {
        if (!active() || e.from() == null || !REVIEW_ENDS.contains(e.to())) {
            return;
        }
        String status = e.to().name();
        if (e.from() == ActionStatus.PENDING_REVIEW) {
            Integer round = em.createQuery("select max(t.round) from InboxTask t where t.requestId = ?1", Integer.class)
                    .setParameter(1, e.requestId()).getSingleResult();
            // who decided in the round that ended knows: they are not told again
            List<String> decided = em.createQuery("select d.reviewer from ReviewDecision d where d.requestId = ?1 "
                    + "and d.round = ?2", String.class).setParameter(1, e.requestId()).setParameter(2, round == null ? 0 : round)
                    .getResultList();
            for (NotificationStore.Recipient c : store.recipients(e.requestId())) {
                if (!EMAIL.equals(c.channel())) {
                    enqueue(c.channel(), new Notice(Kind.REVIEW_CLOSED, e.requestId(), null, null, null, c.target(), null,
                            null, null, null, null, status), "closed:" + e.requestId() + ":" + round);
                } else if (decided.stream().noneMatch(d -> Identities.same(d, c.target()))) {
                    enqueue(EMAIL, new Notice(Kind.REVIEW_CLOSED, e.requestId(), c.target(), c.email(), null, null, null,
                            null, null, null, null, status), "closed:" + e.requestId() + ":" + round);
                }
            }
        }
        if (e.to() == ActionStatus.EXPIRED && config.emailOwners()) {
            owner(e.agentId()).ifPresent(c -> enqueue(EMAIL, new Notice(Kind.OWNER_EXPIRED, e.requestId(), c.userId(), c.email(),
                    null, null, null, null, null, null, null, status), "owner-expired:" + e.requestId()));
        }
    }

    void onReviewDecided(@Observes ReviewDecided e) {
        if (!active() || !config.emailOwners()) {
            return;
        }
        owner(e.agentId()).filter(c -> !Identities.same(c.userId(), e.reviewer())).ifPresent(c -> enqueue(EMAIL,
                new Notice(Kind.OWNER_DECISION, e.requestId(), c.userId(), c.email(), null, null, e.reviewer(),
                        e.decision().name(), e.comment(), e.approvalsSoFar(), e.approvalsRequired(), null),
                "owner-decision:" + e.requestId() + ":" + e.round() + ":" + ref(e.reviewer())));
    }

    private Optional<Contacts.Contact> owner(String agentId) {
        String owner = access.ownerOf(agentId);
        return contacts.emailOf(owner).map(email -> new Contacts.Contact(owner, email));
    }

    /**
     * Tells the members of {@code groups} who may decide the step (never the agent's owner) by
     * e-mail, and each group with a channel of its own on that channel; within the flood limits
     * and after quiet hours (FloodControl).
     */
    private void askToReview(long taskKey, Set<String> groups, Kind kind, String group, String cause) {
        InboxTask t = InboxTask.findById(taskKey);
        if (t == null || !InboxTask.OPEN.equals(t.state)) {
            return;
        }
        OffsetDateTime now = store.now();
        // the rule's review.notify, when it names channels, is the most they may use
        List<String> allowed = actions.find(t.requestId).map(ActionView::review).map(ActionView.ReviewView::notifyChannels)
                .orElse(null);
        Set<String> mailed = allowed != null && !allowed.contains("email") ? Set.of()
                : groups.stream().filter(this::emailsMembers).collect(Collectors.toSet());
        OffsetDateTime mailQuiet = flood.quietUntil(mailed, now).orElse(null);
        List<String> people = access.mayDecide(t.requestId, t.agentId, t.round, mailed);
        for (Contacts.Contact c : contacts.withEmail(people)) {
            Notice digest = new Notice(Kind.DIGEST, null, c.userId(), c.email(), null, null, null, null, null, null, null,
                    null, null);
            if (admitted(EMAIL, kind, taskKey, now, digest)) {
                store.recordRecipient(t.requestId, new NotificationStore.Recipient(EMAIL, c.userId(), c.email()));
                enqueue(EMAIL, new Notice(kind, t.requestId, c.userId(), c.email(), taskKey, group, null, null, null, null,
                        null, null), cause, mailQuiet);
            }
        }
        for (String g : new TreeSet<>(groups)) {
            NotificationConfig.Route route = config.routes().get(g);
            if (route == null) {
                continue;
            }
            OffsetDateTime quiet = flood.quietUntil(Set.of(g), now).orElse(null);
            for (String channel : channels(route)) {
                if (allowed != null && !allowed.contains(channel.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                Notice digest = new Notice(Kind.DIGEST, null, null, null, null, g, null, null, null, null, null, null, null);
                if (admitted(channel, kind, taskKey, now, digest)) {
                    store.recordRecipient(t.requestId, new NotificationStore.Recipient(channel, g, null));
                    enqueue(channel, new Notice(kind, t.requestId, null, null, taskKey, g, null, null, null, null, null,
                            null), cause, quiet);
                }
            }
        }
    }

    /**
     * Whether an ask or reminder goes out to the recipient of {@code digest}: reminders at most one
     * per step and interval; asks up to the digest threshold per window, the first one held back
     * beyond it writes the window's digest (due at the window's end).
     */
    private boolean admitted(String channel, Kind kind, long taskKey, OffsetDateTime now, Notice digest) {
        String to = recipient(digest);
        if (kind == Kind.REVIEW_REMINDER) {
            return flood.remind(channel, to, taskKey, now);
        }
        FloodControl.Admission a = flood.admit(channel, to, now);
        if (a == FloodControl.Admission.HOLD_FIRST) {
            OffsetDateTime window = flood.windowStart(now);
            Notice n = new Notice(Kind.DIGEST, null, digest.userId(), digest.email(), null, digest.group(), null, null, null,
                    null, null, null, window.toInstant().toString());
            enqueue(channel, n, "window:" + window.toInstant(), window.plus(flood.window()));
        }
        return a == FloodControl.Admission.SEND;
    }

    /** The key a recipient is counted and ordered by: a person's id, else the group. */
    static String recipient(Notice n) {
        return n.userId() != null ? ref(n.userId()) : "group-" + ref(n.group());
    }

    /** The group channels of a route. */
    static List<String> channels(NotificationConfig.Route route) {
        List<String> out = new ArrayList<>();
        route.slackChannel().ifPresent(c -> out.add(SLACK));
        route.teamsWebhookUrl().ifPresent(u -> out.add(TEAMS));
        route.webhookUrl().ifPresent(u -> out.add(WEBHOOK));
        return out;
    }

    private boolean emailsMembers(String group) {
        NotificationConfig.Route route = config.routes().get(group);
        return route == null ? config.emailMembersByDefault() : route.email();
    }

    private void enqueue(String channel, Notice n, String cause) {
        enqueue(channel, n, cause, null);
    }

    /**
     * One row, due at {@code notBefore} (null: now); the recipient makes the key and the ordering
     * per request (digests: per recipient).
     */
    private void enqueue(String channel, Notice n, String cause, OffsetDateTime notBefore) {
        String to = recipient(n);
        String c = channel.toLowerCase(Locale.ROOT);
        store.insert(c + ":" + n.kind().name().toLowerCase(Locale.ROOT) + ":" + cause + ":" + to,
                c + ":" + (n.requestId() == null ? "digest" : n.requestId()) + ":" + to, channel, n.json(), notBefore);
        relay.wakeAfterCommit(transactions);
    }

    /** A short fixed-length stand-in for a user id in keys (ids may be 200 characters long). */
    static String ref(String userId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(Identities.key(userId).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
