package io.countersign.audit.witness;

import io.countersign.audit.AuditQueries;
import io.countersign.audit.ChainVerifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The witness part of the server-side verification: after the chain itself verified, fails
 * when a configured witness contradicts it (it cosigned a larger tree, or another history),
 * when the chain is shorter than a required minimum, or when the newest checkpoint lacks the
 * required cosignatures. The wait for those cosignatures ({@link #awaitCosignatures}) comes before
 * the verification's read transaction, so no connection is held while it waits.
 */
@ApplicationScoped
public class WitnessVerification {

    @Inject
    CheckpointPublisher publisher;
    @Inject
    CosignatureStore store;
    @Inject
    AuditQueries queries;

    /**
     * Call before opening the verification's transaction: when witnesses are required, waits (at
     * most countersign.audit.witness.await-cosignatures, holding no connection) for the newest
     * checkpoint's cosignatures and returns its tree size, the one {@link #check} then requires
     * them on (0: no checkpoint, or no witness required).
     */
    public long awaitCosignatures(WitnessRequirement req) throws SQLException {
        if (req.witnesses().isEmpty()) {
            return 0;
        }
        long newest;
        try (Connection c = queries.readConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT MAX(tree_size) FROM audit_checkpoint"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                newest = rs.getLong(1);
            } finally {
                c.rollback();
            }
        }
        if (newest > 0) {
            publisher.awaitCosigned(newest);
        }
        return newest;
    }

    /**
     * The chain result, turned into a failure when a witness check fails; the required
     * cosignatures are those of the checkpoint of {@code awaited} events (from {@link #awaitCosignatures}).
     */
    public ChainVerifier.Result check(Connection c, ChainVerifier.Result chain, WitnessRequirement req, long awaited) throws SQLException {
        if (!chain.ok()) {
            return chain;
        }
        long size = chain.events();
        for (CheckpointPublisher.Witness w : publisher.witnesses()) {
            if (w.witnessedSize() > size) {
                return fail(chain, size + 1, "witness " + w.name() + " has cosigned a tree of " + w.witnessedSize()
                        + " events but the chain has " + size + ": events were removed from the tail (truncation or rollback)");
            }
            if (w.conflict() != null) {
                return fail(chain, null, "witness " + w.name() + " contradicts the trail: " + w.conflict());
            }
        }
        String problem = req.sizeProblem(size);
        if (problem != null) {
            return fail(chain, size + 1, problem);
        }
        if (!req.witnesses().isEmpty()) {
            long newest = 0;
            String note = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT tree_size, note FROM audit_checkpoint WHERE tree_size <= ? "
                    + "ORDER BY tree_size DESC LIMIT 1")) {
                ps.setLong(1, awaited);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        newest = rs.getLong(1);
                        note = rs.getString(2);
                    }
                }
            }
            if (note != null) {
                note = store.withCosignatures(c, newest, note);
            }
            problem = req.cosignatureProblem(newest, note);
            if (problem != null) {
                return fail(chain, null, problem);
            }
        }
        return chain;
    }

    private static ChainVerifier.Result fail(ChainVerifier.Result chain, Long seq, String message) {
        return new ChainVerifier.Result(false, chain.events(), chain.checkpoints(), seq, message);
    }
}
