package io.countersign.docs.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

// docs/executors.md, example 1 (ExecutorExamplesTest checks that the page shows exactly this and runs it)
// doc:begin
/** Redeems a verified release at Countersign: the one call that makes a release single-use. */
public final class CountersignRedeemer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI countersign;          // e.g. https://countersign.internal
    private final String executorBearer;    // this executor's identity (groups: executor; sub mapped to its audience)

    public CountersignRedeemer(URI countersign, String executorBearer) {
        this.countersign = countersign;
        this.executorBearer = executorBearer;
    }

    /** Returns normally only on 200: the first and only redemption of this release. */
    public void redeem(String jti, String token) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(countersign.resolve("/api/v1/releases/" + jti + "/redeem"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + executorBearer)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("token", token))))
                .build();
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IllegalStateException("redeem refused: HTTP " + res.statusCode() + " " + res.body());
        }
    }
}
// doc:end
