package io.countersign.docs.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.release.verify.ReleaseVerification;
import io.countersign.release.verify.ReleaseVerifier;
import java.sql.Connection;
import java.sql.Statement;
import javax.sql.DataSource;

// docs/executors.md, example 1 (ExecutorExamplesTest checks that the page shows exactly this and runs it)
// doc:begin
/** Runs a db.schema.change exactly as approved, once. */
public final class GuardedMigrationRunner {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ReleaseVerifier verifier;      // new ReleaseVerifier(JwksSource.fromUrl(…/.well-known/jwks.json))
    private final CountersignRedeemer countersign;
    private final DataSource db;
    private final String database;               // the database this runner migrates, as agents name it

    public GuardedMigrationRunner(ReleaseVerifier verifier, CountersignRedeemer countersign, DataSource db,
            String database) {
        this.verifier = verifier;
        this.countersign = countersign;
        this.db = db;
        this.database = database;
    }

    /** payloadJson: the approved payload, e.g. {"database":"orders","statements":["CREATE INDEX …"]} */
    public void run(String token, byte[] payloadJson) throws Exception {
        ReleaseVerification v = verifier.verify(token, payloadJson, "db-migrator");
        if (!v.ok()) {
            throw new IllegalStateException("release refused (" + v.failure() + "): " + v.message());
        }
        JsonNode payload = JSON.readTree(payloadJson);   // the same bytes that were verified
        if (!database.equals(payload.path("database").asText()) || !"production".equals(v.claims().environment())) {
            throw new IllegalStateException("release is for " + payload.path("database").asText() + " in "
                    + v.claims().environment());
        }
        countersign.redeem(v.claims().jti(), token);     // single use: only a 200 lets us continue
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (JsonNode sql : payload.get("statements")) {
                s.execute(sql.asText());
            }
            c.commit();
        }
    }
}
// doc:end
