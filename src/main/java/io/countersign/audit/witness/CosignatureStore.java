package io.countersign.audit.witness;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** The witness cosignatures of checkpoints (table audit_cosignature), as note signature lines. */
@ApplicationScoped
public class CosignatureStore {

    @Inject
    AgroalDataSource dataSource;

    /** Stores one verified cosignature; a second copy of the same one is ignored. */
    void store(long treeSize, Cosignature.Verified v) throws SQLException {
        String keyId = HexFormat.of().formatHex(v.key().keyId());
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM audit_cosignature WHERE tree_size = ? AND witness = ? "
                    + "AND key_id = ?")) {
                ps.setLong(1, treeSize);
                ps.setString(2, v.key().name());
                ps.setString(3, keyId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_cosignature (tree_size, witness, key_id, cosigned_at, "
                    + "signature) VALUES (?, ?, ?, ?, ?)")) {
                ps.setLong(1, treeSize);
                ps.setString(2, v.key().name());
                ps.setString(3, keyId);
                ps.setObject(4, OffsetDateTime.ofInstant(Instant.ofEpochSecond(v.time()), ZoneOffset.UTC));
                ps.setString(5, v.line());
                ps.executeUpdate();
            }
        }
    }

    /** The largest tree size this witness key has a stored cosignature for (0 when none). */
    long lastCosigned(Cosignature.CosignerKey key) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT MAX(tree_size) FROM audit_cosignature WHERE witness = ? AND key_id = ?")) {
            ps.setString(1, key.name());
            ps.setString(2, HexFormat.of().formatHex(key.keyId()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The stored cosignature lines of the checkpoints with tree sizes in [from, to], by tree size. */
    public Map<Long, List<String>> linesIn(Connection c, long from, long to) throws SQLException {
        Map<Long, List<String>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT tree_size, signature FROM audit_cosignature WHERE tree_size >= ? "
                + "AND tree_size <= ? ORDER BY tree_size, witness, key_id")) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return out;
    }

    /** A checkpoint note with its stored cosignatures appended to the signature block. */
    public String withCosignatures(Connection c, long treeSize, String note) throws SQLException {
        return Cosignature.withSignatures(note, linesIn(c, treeSize, treeSize).getOrDefault(treeSize, List.of()));
    }
}
