package io.countersign.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.countersign.review.InboxChanged;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The NOTIFY payload of an inbox change: round trip, escaping, the size limit and what a receiver refuses. */
class InboxChangePayloadTest {

    private static final String REPLICA = UUID.randomUUID().toString();
    private static final UUID REQUEST = UUID.randomUUID();

    @Test
    void roundTripsEveryField() {
        InboxChanged change = new InboxChanged(REQUEST, 4_503_599_627_370_497L, "decided", Set.of("dba", "sre"), "dora");

        InboxChangePayload.Decoded d = InboxChangePayload.decode(InboxChangePayload.encode(REPLICA, change));

        assertThat(d.replicaId()).isEqualTo(REPLICA);
        assertThat(d.groupsOmitted()).isFalse();
        assertThat(d.change()).isEqualTo(change);
    }

    @Test
    void escapesSeparatorsAndNonAsciiInNamesAndKeepsANullAssignee() {
        InboxChanged change = new InboxChanged(REQUEST, 7, "created",
                Set.of("a:b", "c,d", "100%", "plus+space here", "*", "?", "Zürich-ops"), null);

        String payload = InboxChangePayload.encode(REPLICA, change);
        InboxChangePayload.Decoded d = InboxChangePayload.decode(payload);

        assertThat(payload).matches("inbox:[0-9a-f-]{36}:created:[0-9a-f-]{36}:7::[A-Za-z0-9.*_+%,-]+");
        assertThat(d.change()).isEqualTo(change);
        assertThat(d.change().assignee()).isNull();
        assertThat(d.groupsOmitted()).isFalse();
    }

    @Test
    void groupsThatWouldExceedPostgresPayloadLimitAreLeftForTheReceiverToLookUp() {
        Set<String> groups = new LinkedHashSet<>();
        for (int i = 0; i < 400; i++) {
            groups.add("group-with-a-rather-long-name-" + i);
        }
        InboxChanged change = new InboxChanged(REQUEST, 9, "closed", groups, "dora");

        String payload = InboxChangePayload.encode(REPLICA, change);
        InboxChangePayload.Decoded d = InboxChangePayload.decode(payload);

        assertThat(payload.getBytes(StandardCharsets.UTF_8).length).isLessThan(8000);
        assertThat(payload).endsWith(":dora:" + InboxChangePayload.GROUPS_OMITTED);
        assertThat(d.groupsOmitted()).isTrue();
        assertThat(d.change().groups()).isEmpty();
        assertThat(d.change().assignee()).isEqualTo("dora");
    }

    @Test
    void aPayloadJustUnderTheLimitKeepsItsGroups() {
        InboxChanged probe = new InboxChanged(REQUEST, 9, "closed", Set.of("g"), null);
        int room = InboxChangePayload.MAX_BYTES - InboxChangePayload.encode(REPLICA, probe).length() + 1;
        InboxChanged full = new InboxChanged(REQUEST, 9, "closed", Set.of("g".repeat(room)), null);
        InboxChanged over = new InboxChanged(REQUEST, 9, "closed", Set.of("g".repeat(room + 1)), null);

        assertThat(InboxChangePayload.encode(REPLICA, full)).hasSize(InboxChangePayload.MAX_BYTES);
        assertThat(InboxChangePayload.decode(InboxChangePayload.encode(REPLICA, full)).change()).isEqualTo(full);
        assertThat(InboxChangePayload.encode(REPLICA, over)).endsWith(":" + InboxChangePayload.GROUPS_OMITTED);
    }

    @Test
    void aChangeThatCannotFitEvenWithoutGroupsIsNotEncoded() {
        InboxChanged change = new InboxChanged(REQUEST, 9, "assigned", Set.of("dba"), "u".repeat(8000));

        assertThat(InboxChangePayload.encode(REPLICA, change)).isNull();
    }

    @Test
    void refusesMalformedPayloadsNamingWhatIsWrong() {
        String ok = InboxChangePayload.encode(REPLICA, new InboxChanged(REQUEST, 1, "created", Set.of("dba"), null));
        String tail = ok.substring(ok.indexOf(':', InboxChangePayload.PREFIX.length()));

        assertRefused(REQUEST.toString(), "not an inbox change");
        assertRefused(ok + ":extra", "expected 6 fields");
        assertRefused("inbox:" + REPLICA + ":created", "expected 6 fields");
        assertRefused("inbox:not-a-uuid" + tail, "replica id is not a UUID");
        assertRefused(ok.replace(":created:", ":deleted:"), "unknown kind");
        assertRefused(ok.replace(":" + REQUEST + ":", ":x:"), "request id is not a UUID");
        assertRefused(ok.replace(":1::", ":1e3::"), "task key is not a number");
        assertRefused(ok.replace("::dba", ":%zz:dba"), "assignee is not URL-encoded");
        assertRefused(ok.replace("::dba", "::dba,"), "group is empty");
        assertRefused(ok.replace("::dba", "::dba,%G1"), "group is not URL-encoded");
    }

    private static void assertRefused(String payload, String reason) {
        assertThatThrownBy(() -> InboxChangePayload.decode(payload))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason);
    }
}
