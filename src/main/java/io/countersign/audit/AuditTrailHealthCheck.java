package io.countersign.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the decision trail: unsequenced events, rows the sequencer did not write (a
 * row inserted straight into the database, see {@link AuditSequencer}) and whether the newest
 * checkpoint the chain head names exists. With such a finding the state is {@code tampered}
 * but the check stays UP by default: the gateway and the trail keep working, and someone who
 * can insert a row must not be able to take every replica out of the load balancer (set
 * {@code countersign.audit.health-down-when-tampered=true} for DOWN). DOWN while the trail
 * cannot be read. The checks are index lookups, cheap enough for every probe.
 */
@Readiness
@ApplicationScoped
public class AuditTrailHealthCheck implements HealthCheck {

    private static final String NAME = "audit-trail";

    /** Foreign rows below 1 and beyond the head (parameter), counted up to 1,000 on each side. */
    static final String FOREIGN_ROWS_SQL = "(SELECT seq FROM audit_event WHERE seq >= " + Long.MIN_VALUE + " AND seq < 1 "
            + "ORDER BY seq DESC LIMIT 1000) UNION ALL (SELECT seq FROM audit_event WHERE seq > ? AND seq <= " + Long.MAX_VALUE
            + " ORDER BY seq LIMIT 1000)";

    @Inject
    AuditQueries queries;
    @Inject
    AuditConfig config;

    @Override
    public HealthCheckResponse call() {
        try (Connection c = queries.readConnection()) {
            try {
                return check(c);
            } finally {
                c.rollback();
            }
        } catch (SQLException | RuntimeException e) {
            return HealthCheckResponse.named(NAME).down().withData("error", "cannot read the audit trail: " + e.getMessage()).build();
        }
    }

    private HealthCheckResponse check(Connection c) throws SQLException {
        AuditSequencer.Head head = AuditSequencer.head(c);
        long headSeq = head.seq();
        long foreign = 0;
        Long firstForeign = null;
        // two range scans of the seq index, bounded on both sides so that they stay range scans under
        // a generic plan and without statistics (an OR, or "seq > $1", is planned as a full scan)
        try (PreparedStatement ps = c.prepareStatement(FOREIGN_ROWS_SQL)) {
            ps.setLong(1, headSeq);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    foreign++;
                    // a set-aside row holds the negative of the number it claimed (unless that was taken)
                    long claimed = Math.abs(rs.getLong(1));
                    firstForeign = firstForeign == null ? claimed : Math.min(firstForeign, claimed);
                }
            }
        }
        boolean checkpointMissing = !head.checkpointPresent();
        long pending;
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM audit_event WHERE seq IS NULL");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            pending = rs.getLong(1);
        }
        boolean tampered = foreign > 0 || checkpointMissing;
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME)
                .withData("state", tampered ? "tampered" : "ok")
                .withData("head", headSeq)
                .withData("pendingEvents", pending)
                .withData("foreignRows", foreign)
                .withData("newestCheckpointMissing", checkpointMissing);
        if (firstForeign != null) {
            b.withData("firstForeignSeq", firstForeign);
        }
        return (tampered && config.healthDownWhenTampered() ? b.down() : b.up()).build();
    }
}
