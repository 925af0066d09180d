package io.countersign.notification;

import io.countersign.common.DomainException;
import io.countersign.common.DomainException.Kind;
import io.countersign.common.delivery.DeliveryStatus;
import io.countersign.common.delivery.DeliveryTable;
import io.countersign.identity.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Admin API of reviewer notifications: the backlog and parked messages, and retrying them. */
@Path("/api/v1/admin/notifications")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "Notifications")
public class NotificationAdminResource {

    /** One message as an admin sees it (the address is not shown: the user id says who). */
    public record Entry(long id, String channel, Notice.Kind kind, UUID requestId, String userId, DeliveryStatus status,
            int attempts, OffsetDateTime nextAttemptAt, String lastError, String outcome, OffsetDateTime createdAt,
            OffsetDateTime deliveredAt) {
        static Entry of(DeliveryTable.Row r) {
            Notice n = Notice.read(r.payload());
            return new Entry(r.id(), r.type(), n.kind(), n.requestId(), n.userId(), r.status(), r.attempts(),
                    r.nextAttemptAt(), r.lastError(), r.outcome(), r.createdAt(), r.deliveredAt());
        }
    }

    /** Counts per status plus the listed rows. */
    public record Overview(Map<DeliveryStatus, Long> counts, List<Entry> entries) {
    }

    /** How many parked rows a bulk retry put back. */
    public record RetryResult(int retried) {
    }

    @Inject
    NotificationStore store;

    @Inject
    NotificationRelay relay;

    @GET
    @Operation(summary = "Notification counts and messages", description = "status=PARKED (default), PENDING, DELIVERED or ALL")
    public Overview list(@QueryParam("status") @DefaultValue("PARKED") String status,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        DeliveryStatus filter = DeliveryStatus.filter(status);
        if (limit < 1 || limit > 1000) {
            throw new DomainException(Kind.REJECTED, "invalid-limit", "Bad request", "limit must be between 1 and 1000");
        }
        return new Overview(store.counts(), store.rows(filter, limit).stream().map(Entry::of).toList());
    }

    @POST
    @Path("{id}/retry")
    @Operation(summary = "Retry one parked message")
    public Entry retry(@PathParam("id") long id) {
        DeliveryTable.Row row = store.row(id).orElseThrow(
                () -> new DomainException(Kind.NOT_FOUND, "not-found", "Not found", "no notification " + id));
        if (!store.retryParked(id)) {
            throw new DomainException(Kind.CONFLICT, "notification-not-parked", "Conflict",
                    "notification " + id + " is " + row.status() + ", only PARKED notifications can be retried");
        }
        Entry retried = Entry.of(store.row(id).orElseThrow());
        relay.wake();
        return retried;
    }

    @POST
    @Path("retry-parked")
    @Operation(summary = "Retry every parked message")
    public RetryResult retryAll() {
        int retried = store.retryAllParked();
        relay.wake();
        return new RetryResult(retried);
    }
}
