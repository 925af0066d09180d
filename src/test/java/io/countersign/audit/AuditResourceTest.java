package io.countersign.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.audit.cli.VerifyAuditCommand;
import io.countersign.audit.merkle.Merkle;
import io.countersign.testsupport.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuditResourceTest {

    @Inject
    AuditTrail trail;

    /** Records events in their own transactions and returns their sequence numbers once chained. */
    long[] record(String agent, UUID request, String type, int count) {
        long[] seqs = new long[count];
        for (int i = 0; i < count; i++) {
            int n = i;
            long id = QuarkusTransaction.requiringNew().call(() -> trail.record(ActorKind.AGENT, agent, request, type,
                    Map.of("n", n, "target", "db/prod")));
            seqs[i] = trail.awaitSequence(id, Duration.ofSeconds(30));
        }
        return seqs;
    }

    static int verifyOffline(String export, String... keyArgs) throws Exception {
        Path file = Files.createTempFile("audit-export", ".jsonl");
        Files.writeString(file, export, StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of("verify-audit", file.toString()));
        args.addAll(List.of(keyArgs));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = VerifyAuditCommand.run(args.toArray(String[]::new), new PrintStream(out), new PrintStream(new ByteArrayOutputStream()));
        Files.delete(file);
        return code;
    }

    static Path jwksFile() throws Exception {
        String jwks = given().auth().oauth2(Tokens.auditor())
                .when().get("/api/v1/audit/checkpoint-key")
                .then().statusCode(200).extract().jsonPath().prettify();
        String keys = JsonPath.from(jwks).getMap("jwks").toString();
        Path file = Files.createTempFile("audit-jwks", ".json");
        Files.writeString(file, io.countersign.common.json.JsonSupport.MAPPER.writeValueAsString(JsonPath.from(jwks).getMap("jwks")));
        assertTrue(keys.contains("OKP"));
        return file;
    }

    @Test
    void auditEndpointsRequireTheAuditorRole() {
        given().when().get("/api/v1/audit/export")
                .then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(Tokens.agent("agent-x")).when().get("/api/v1/audit/export")
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(Tokens.admin()).when().get("/api/v1/audit/verify")
                .then().statusCode(403);
        given().auth().oauth2(Tokens.reviewer("rob", "dba")).when().get("/api/v1/audit/requests/" + UUID.randomUUID())
                .then().statusCode(403);
        given().auth().oauth2(Tokens.agent("agent-x")).when().get("/api/v1/audit/checkpoints")
                .then().statusCode(403);
    }

    @Test
    void fullJsonlExportVerifiesOfflineWithTheJwksAndWithTheNoteKey() throws Exception {
        record("agent-export-" + UUID.randomUUID(), UUID.randomUUID(), "action.submitted", 5);
        String export = given().auth().oauth2(Tokens.auditor())
                .when().get("/api/v1/audit/export?format=jsonl")
                .then().statusCode(200).contentType(AuditResource.JSONL)
                .header("Content-Disposition", containsString("attachment"))
                .extract().asString();
        assertTrue(export.startsWith("{\"kind\":\"header\""));
        assertTrue(export.contains("\"kind\":\"covering\""));
        String vkey = given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/audit/checkpoint-key")
                .then().statusCode(200).extract().path("verifierKey");
        assertEquals(VerifyAuditCommand.OK, verifyOffline(export, "--jwks", jwksFile().toString()));
        assertEquals(VerifyAuditCommand.OK, verifyOffline(export, "--key", vkey));
    }

    @Test
    void rangeAndFilteredExportsVerifyOffline() throws Exception {
        String agent = "agent-range-" + UUID.randomUUID();
        long[] seqs = record(agent, UUID.randomUUID(), "action.denied", 6);
        String range = given().auth().oauth2(Tokens.auditor())
                .queryParam("from", seqs[1]).queryParam("to", seqs[4])
                .when().get("/api/v1/audit/export")
                .then().statusCode(200).extract().asString();
        long events = range.lines().filter(l -> l.contains("\"kind\":\"event\"")).count();
        assertEquals(seqs[4] - seqs[1] + 1, events);
        assertEquals(VerifyAuditCommand.OK, verifyOffline(range, "--jwks", jwksFile().toString()));

        String filtered = given().auth().oauth2(Tokens.auditor())
                .queryParam("agent", agent).queryParam("type", "action.denied")
                .when().get("/api/v1/audit/export")
                .then().statusCode(200).extract().asString();
        assertEquals(6, filtered.lines().filter(l -> l.contains("\"kind\":\"event\"")).count());
        assertTrue(filtered.lines().filter(l -> l.contains("\"kind\":\"event\"")).allMatch(l -> l.contains(agent)));
        assertEquals(VerifyAuditCommand.OK, verifyOffline(filtered, "--jwks", jwksFile().toString()));

        String byTime = given().auth().oauth2(Tokens.auditor())
                .queryParam("from", "2000-01-01").queryParam("to", "2999-12-31T00:00:00Z")
                .when().get("/api/v1/audit/export")
                .then().statusCode(200).extract().asString();
        assertEquals(VerifyAuditCommand.OK, verifyOffline(byTime, "--jwks", jwksFile().toString()));
    }

    @Test
    void exportFiltersByRequestAndByActorAndTheSliceStillVerifiesOffline() throws Exception {
        String agent = "agent-req-" + UUID.randomUUID();
        UUID request = UUID.randomUUID();
        long[] mine = record(agent, request, "action.submitted", 3);
        long[] other = record(agent, UUID.randomUUID(), "action.submitted", 2);
        String byRequest = given().auth().oauth2(Tokens.auditor())
                .queryParam("request", request.toString())
                .when().get("/api/v1/audit/export")
                .then().statusCode(200).extract().asString();
        List<String> events = byRequest.lines().filter(l -> l.contains("\"kind\":\"event\"")).toList();
        assertEquals(3, events.size());
        assertTrue(events.stream().allMatch(l -> l.contains("\"requestId\":\"" + request + "\"")), byRequest);
        assertTrue(events.get(0).contains("\"seq\":" + mine[0] + ","), events.get(0));
        JsonPath header = JsonPath.from(byRequest.lines().findFirst().orElseThrow());
        assertEquals(true, header.getBoolean("filtered"), "a request slice is not contiguous");
        assertEquals(request.toString(), header.getString("request"));
        assertTrue(byRequest.contains("\"kind\":\"covering\""), "the covering checkpoint is included");
        assertEquals(VerifyAuditCommand.OK, verifyOffline(byRequest, "--jwks", jwksFile().toString()));

        // actor_id is the agent for agent events; combined with request the filters intersect
        String byActor = given().auth().oauth2(Tokens.auditor())
                .queryParam("actor", agent).queryParam("format", "jsonl")
                .when().get("/api/v1/audit/export")
                .then().statusCode(200).extract().asString();
        assertEquals(5, byActor.lines().filter(l -> l.contains("\"kind\":\"event\"")).count());
        assertEquals(agent, JsonPath.from(byActor.lines().findFirst().orElseThrow()).getString("actor"));
        assertTrue(byActor.contains("\"seq\":" + other[1] + ","));
        assertEquals(VerifyAuditCommand.OK, verifyOffline(byActor, "--jwks", jwksFile().toString()));
        String both = given().auth().oauth2(Tokens.auditor())
                .queryParam("actor", agent).queryParam("request", request.toString()).queryParam("format", "csv")
                .when().get("/api/v1/audit/export")
                .then().statusCode(200).extract().asString();
        assertEquals(3, both.lines().filter(l -> l.startsWith("event,")).count(), both);
        String nobody = given().auth().oauth2(Tokens.auditor())
                .queryParam("actor", "nobody-" + UUID.randomUUID())
                .when().get("/api/v1/audit/export")
                .then().statusCode(200).extract().asString();
        assertEquals(0, nobody.lines().filter(l -> l.contains("\"kind\":\"event\"")).count());
        assertEquals(VerifyAuditCommand.OK, verifyOffline(nobody, "--jwks", jwksFile().toString()));
    }

    @Test
    void exportRefusesARequestFilterThatIsNotAUuid() {
        given().auth().oauth2(Tokens.auditor()).queryParam("request", "not-a-uuid")
                .when().get("/api/v1/audit/export")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("request"))
                .body("errors[0].message", containsString("UUID"));
        given().auth().oauth2(Tokens.auditor()).queryParam("request", "1234")
                .when().get("/api/v1/audit/export")
                .then().statusCode(400).body("errors[0].field", equalTo("request"));
    }

    @Test
    void csvExportNeutralisesSpreadsheetFormulas() {
        String agent = "=HYPERLINK(\"http://evil.example\",\"x\")-" + UUID.randomUUID();
        record(agent, null, "action.submitted", 1);
        String csv = given().auth().oauth2(Tokens.auditor())
                .queryParam("format", "csv").queryParam("agent", agent)
                .when().get("/api/v1/audit/export")
                .then().statusCode(200).contentType(containsString("text/csv"))
                .extract().asString();
        assertTrue(csv.startsWith("record,seq,ts,actor_kind,actor_id,request_id,type,data,prev_hash,hash\r\n"));
        assertTrue(csv.contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")-"), csv);
        assertTrue(csv.lines().noneMatch(l -> l.contains(",=")), "no cell starts with a bare '='");
        assertTrue(csv.contains("checkpoint,") || csv.lines().count() >= 2);
    }

    @Test
    void csvCellsStartingWithFormulaCharactersArePrefixed() {
        assertEquals("\"'=1+2\"", AuditExporter.csvCell("=1+2"));
        assertEquals("\"'+1\"", AuditExporter.csvCell("+1"));
        assertEquals("\"'-1\"", AuditExporter.csvCell("-1"));
        assertEquals("\"'@SUM(A1)\"", AuditExporter.csvCell("@SUM(A1)"));
        assertEquals("\"'\tx\"", AuditExporter.csvCell("\tx"));
        assertEquals("\"a,b\"", AuditExporter.csvCell("a,b"));
        assertEquals("plain", AuditExporter.csvCell("plain"));
    }

    @Test
    void exportRefusesUnknownFormatAndMalformedBounds() {
        given().auth().oauth2(Tokens.auditor()).queryParam("format", "xml")
                .when().get("/api/v1/audit/export")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("format"));
        given().auth().oauth2(Tokens.auditor()).queryParam("from", "yesterday")
                .when().get("/api/v1/audit/export")
                .then().statusCode(400).body("errors[0].field", equalTo("from"));
    }

    @Test
    void exportNamesEveryBadParameter() {
        given().auth().oauth2(Tokens.auditor()).queryParam("format", "xml").queryParam("from", "yesterday")
                .queryParam("to", "tomorrow").queryParam("request", "not-a-uuid")
                .when().get("/api/v1/audit/export")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://countersign.dev/problems/validation"))
                .body("errors.field", org.hamcrest.Matchers.containsInAnyOrder("format", "from", "to", "request"));
    }

    @Test
    void proofAndCheckpointQueriesNameEveryBadParameter() {
        given().auth().oauth2(Tokens.auditor()).queryParam("seq", "x").queryParam("treeSize", "0")
                .when().get("/api/v1/audit/proofs/inclusion")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", org.hamcrest.Matchers.containsInAnyOrder("seq", "treeSize"));
        given().auth().oauth2(Tokens.auditor())
                .when().get("/api/v1/audit/proofs/consistency")
                .then().statusCode(400).body("errors.field", org.hamcrest.Matchers.containsInAnyOrder("from", "to"));
        given().auth().oauth2(Tokens.auditor()).queryParam("limit", "0").queryParam("before", "soon")
                .when().get("/api/v1/audit/checkpoints")
                .then().statusCode(400).body("errors.field", org.hamcrest.Matchers.containsInAnyOrder("limit", "before"));
    }

    @Test
    void exportRefusesARangeThatEndsBeforeItStarts() {
        given().auth().oauth2(Tokens.auditor()).queryParam("from", "5").queryParam("to", "2")
                .when().get("/api/v1/audit/export")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("to"))).body("errors[0].message", containsString("from"));
        given().auth().oauth2(Tokens.auditor()).queryParam("from", "2026-02-01").queryParam("to", "2026-01-31T23:59:59Z")
                .when().get("/api/v1/audit/export")
                .then().statusCode(400).body("errors.field", equalTo(List.of("to")));
        // one day is a valid range: a "to" date includes the whole day
        given().auth().oauth2(Tokens.auditor()).queryParam("from", "2026-02-01").queryParam("to", "2026-02-01")
                .when().get("/api/v1/audit/export")
                .then().statusCode(200);
    }

    @Test
    void requestTrailListsTheRequestsEventsInChainOrder() {
        UUID request = UUID.randomUUID();
        long[] seqs = record("agent-trail-" + UUID.randomUUID(), request, "action.submitted", 3);
        given().auth().oauth2(Tokens.auditor())
                .when().get("/api/v1/audit/requests/" + request)
                .then().statusCode(200)
                .body("requestId", equalTo(request.toString()))
                .body("events", hasSize(3))
                .body("events[0].seq", equalTo((int) seqs[0]))
                .body("events[2].seq", equalTo((int) seqs[2]))
                .body("events[0].hash", notNullValue())
                .body("events[1].data.n", equalTo(1));
        given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/audit/requests/" + UUID.randomUUID())
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/audit/requests/not-a-uuid")
                .then().statusCode(400).body("errors[0].field", equalTo("requestId"));
    }

    @Test
    void inclusionAndConsistencyProofsVerifyAgainstSignedCheckpoints() {
        long[] seqs = record("agent-proof-" + UUID.randomUUID(), null, "action.approved", 3);
        // The export makes sure a checkpoint covers everything sequenced so far.
        given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/audit/export").then().statusCode(200);
        JsonPath cps = given().auth().oauth2(Tokens.auditor())
                .when().get("/api/v1/audit/checkpoints?limit=5")
                .then().statusCode(200).extract().jsonPath();
        long latest = cps.getLong("latest.treeSize");
        assertTrue(latest >= seqs[2]);
        SignedNote.VerifierKey key = SignedNote.VerifierKey.parse(cps.getString("verifierKey"));
        byte[] latestRoot = Checkpoint.parseText(SignedNote.verify(cps.getString("latest.note"), List.of(key))).rootHash();

        JsonPath inc = given().auth().oauth2(Tokens.auditor())
                .queryParam("seq", seqs[1])
                .when().get("/api/v1/audit/proofs/inclusion")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(latest, inc.getLong("treeSize"));
        List<byte[]> path = unhex(inc.getList("auditPath", String.class));
        byte[] leaf = Merkle.leafHash(HexFormat.of().parseHex(inc.getString("eventHash")));
        assertTrue(Merkle.verifyInclusion(seqs[1] - 1, latest, leaf, path, latestRoot));

        List<Long> sizes = cps.getList("checkpoints.treeSize", Long.class);
        if (sizes.size() >= 2) {
            long older = sizes.get(sizes.size() - 1);
            JsonPath con = given().auth().oauth2(Tokens.auditor())
                    .queryParam("from", older).queryParam("to", latest)
                    .when().get("/api/v1/audit/proofs/consistency")
                    .then().statusCode(200).extract().jsonPath();
            byte[] olderRoot = Checkpoint.parseText(SignedNote.verify(con.getString("first.note"), List.of(key))).rootHash();
            assertTrue(Merkle.verifyConsistency(older, latest, unhex(con.getList("proof", String.class)), olderRoot, latestRoot));
        }
        given().auth().oauth2(Tokens.auditor()).queryParam("seq", latest + 1000)
                .when().get("/api/v1/audit/proofs/inclusion")
                .then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(Tokens.auditor()).queryParam("from", 1).queryParam("to", latest + 1000)
                .when().get("/api/v1/audit/proofs/consistency")
                .then().statusCode(404);
        given().auth().oauth2(Tokens.auditor())
                .when().get("/api/v1/audit/proofs/inclusion")
                .then().statusCode(400).body("errors[0].field", equalTo("seq"));
    }

    @Test
    void verifyEndpointReportsAnIntactChain() {
        record("agent-verify-" + UUID.randomUUID(), null, "quota.refused", 2);
        given().auth().oauth2(Tokens.auditor())
                .when().get("/api/v1/audit/verify")
                .then().statusCode(200)
                .body("ok", equalTo(true))
                .body("requestedBy", equalTo("audrey-auditor"));
    }

    @Test
    void checkpointKeyIsPublishedAsOkpJwk() {
        given().auth().oauth2(Tokens.auditor())
                .when().get("/api/v1/audit/checkpoint-key")
                .then().statusCode(200)
                .body("jwks.keys[0].kty", equalTo("OKP"))
                .body("jwks.keys[0].crv", equalTo("Ed25519"))
                .body("jwks.keys[0].kid", containsString("countersign-audit-"))
                .body("jwks.keys[0].d", org.hamcrest.Matchers.nullValue());
    }

    private static List<byte[]> unhex(List<String> hex) {
        List<byte[]> out = new ArrayList<>();
        for (String h : hex) {
            out.add(HexFormat.of().parseHex(h));
        }
        return out;
    }
}
