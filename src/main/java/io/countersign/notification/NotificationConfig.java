package io.countersign.notification;

import io.countersign.common.delivery.DeliverySettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reviewer notifications ({@code countersign.notifications.*}, docs/notifications.md). */
@ConfigMapping(prefix = "countersign.notifications")
public interface NotificationConfig extends DeliverySettings {

    /** Off: nothing is written for delivery (reviewers only see the inbox). */
    @WithDefault("true")
    boolean enabled();

    /**
     * Where people reach Countersign's pages, e.g. {@code https://countersign.example.com}: the one
     * link in every message is {@code <base-url>/inbox/requests/<id>}. Required once any message
     * can be sent (the start refuses without it).
     */
    Optional<String> baseUrl();

    /** Routing per reviewer group (the policy's {@code review.groups} and escalation group). */
    Map<String, Route> routes();

    /** Whether the members of a group without a route of its own are e-mailed. */
    @WithDefault("true")
    boolean emailMembersByDefault();

    /** Whether an agent's owner is e-mailed each reviewer decision on, and the end of, their agent's requests. */
    @WithDefault("true")
    boolean emailOwners();

    /** Which channels tell one group. */
    interface Route {
        /** E-mail the group's members (people seen at sign-in with the group, with a verified address). */
        @WithDefault("true")
        boolean email();

        /** A reviewer-side webhook (PagerDuty, ticketing): JSON events signed the Standard Webhooks way. */
        Optional<String> webhookUrl();

        /** The webhook's secrets ({@code whsec_…}), newest first; during a rotation each signs. */
        Optional<List<String>> webhookSecret();

        /** A Microsoft Teams incoming webhook or Workflows URL: an Adaptive Card per event. */
        Optional<String> teamsWebhookUrl();

        /** A Slack channel id (e.g. {@code C0123ABCD}) the bot posts to, updating each message in place. */
        Optional<String> slackChannel();

        /**
         * Quiet hours of the group, e.g. {@code 22:00-07:00} in {@link #timeZone()}: asks and
         * reminders written then wait until the end (the inbox still shows the request at once).
         */
        Optional<String> quietHours();
    }

    /** The time zone of every route's quiet hours. */
    @WithDefault("UTC")
    String timeZone();

    /** No flood: per recipient and channel, asks beyond {@code threshold} within {@code window} become one digest. */
    Digest digest();

    interface Digest {
        @WithDefault("5")
        int threshold();

        @WithDefault("10m")
        Duration window();
    }

    /** At most one reminder per review step and recipient within this time. */
    @WithDefault("1h")
    Duration reminderMinInterval();

    /** The Slack app (docs/notifications.md, "Slack"). */
    Slack slack();

    interface Slack {
        /** The bot token ({@code xoxb-…}, COUNTERSIGN_SLACK_BOT_TOKEN). */
        Optional<String> botToken();

        /** The app's signing secret (COUNTERSIGN_SLACK_SIGNING_SECRET): interactivity requests are verified with it. */
        Optional<String> signingSecret();

        /** The workspace (team id) whose clicks count; clicks from any other are refused. */
        Optional<String> teamId();

        /** Slack's Web API. */
        @WithDefault("https://slack.com/api")
        String apiUrl();

        /**
         * A click counts as a person's approval only if they signed in to Countersign through the
         * identity provider within this time (so a chat account alone, kept after someone left or
         * taken over, cannot approve for long).
         */
        @WithDefault("12h")
        Duration signInMaxAge();

        /**
         * Step-up: the highest risk ({@code low}, {@code medium}, {@code high}, {@code critical}, or
         * {@code none}) whose requests can be decided from Slack; riskier ones show only "Open in
         * Countersign", and the decision happens in the inbox after IdP sign-in.
         */
        @WithDefault("medium")
        String decideMaxRisk();

        /** Step-up: whether requests that need two approvals can be decided from Slack. */
        @WithDefault("false")
        boolean decideFourEyes();

        /** How far a request's timestamp may be from now (Slack's replay window). */
        @WithDefault("5m")
        Duration maxClockSkew();
    }

    /** Hosts a webhook or Teams URL may reach over plain http (tests, a local relay); every other URL must be https. */
    Optional<List<String>> allowHttpHosts();

    /** How long one HTTP delivery may take before it counts as failed and is retried. */
    @WithDefault("10s")
    Duration httpTimeout();

    /** Whether this replica runs the relay (every replica may: rows are claimed atomically). */
    @WithDefault("true")
    boolean relayEnabled();

    @WithDefault("1s")
    @Override
    Duration pollInterval();

    @WithDefault("50")
    @Override
    int batchSize();

    @WithDefault("2")
    @Override
    int deliveryThreads();

    @WithDefault("10")
    @Override
    int maxAttempts();

    @WithDefault("5s")
    @Override
    Duration initialBackoff();

    @WithDefault("10m")
    @Override
    Duration maxBackoff();

    @WithDefault("2m")
    @Override
    Duration claimTimeout();

    /** Readiness goes DOWN (instead of UP with status=degraded) while notifications are parked. */
    @WithDefault("false")
    boolean healthDownWhenParked();
}
