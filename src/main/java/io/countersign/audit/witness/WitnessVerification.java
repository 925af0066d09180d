package io.countersign.audit.witness;

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
 * required cosignatures.
 */
@ApplicationScoped
public class WitnessVerification {

    @Inject
    CheckpointPublisher publisher;
    @Inject
    CosignatureStore store;

    /** The chain result, turned into a failure when a witness check fails. */
    public ChainVerifier.Result check(Connection c, ChainVerifier.Result chain, WitnessRequirement req) throws SQLException {
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
            try (PreparedStatement ps = c.prepareStatement("SELECT tree_size, note FROM audit_checkpoint ORDER BY tree_size DESC LIMIT 1");
                    ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    newest = rs.getLong(1);
                    note = rs.getString(2);
                }
            }
            if (note != null) {
                publisher.awaitCosigned(newest);
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
