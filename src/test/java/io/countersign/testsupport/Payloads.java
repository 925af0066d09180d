package io.countersign.testsupport;

/** Small builders of valid submission bodies. */
public final class Payloads {

    private Payloads() {
    }

    public static String submission(String type, String target, String environment, String payloadJson) {
        return "{\"type\":\"" + type + "\",\"target\":\"" + target + "\",\"environment\":\"" + environment
                + "\",\"summary\":\"test summary\",\"justification\":\"test justification\",\"payload\":" + payloadJson + "}";
    }

    public static String payment(String amount, String environment) {
        return submission("payment.transfer", "acct:treasury/main", environment,
                "{\"amount\":\"" + amount + "\",\"currency\":\"EUR\",\"beneficiary\":{\"name\":\"ACME GmbH\","
                        + "\"iban\":\"DE89370400440532013000\"},\"reference\":\"INV-1\"}");
    }

    public static String schemaChange(String environment, String... statements) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < statements.length; i++) {
            sb.append(i > 0 ? "," : "").append('"').append(statements[i]).append('"');
        }
        return submission("db.schema.change", "db://prod/orders", environment,
                "{\"database\":\"orders\",\"statements\":" + sb.append(']') + "}");
    }

    public static String codePush(String branch, String environment) {
        return submission("code.push", "github.com/acme/api", environment,
                "{\"repository\":\"github.com/acme/api\",\"branch\":\"" + branch + "\",\"commitSha\":\""
                        + "a".repeat(40) + "\",\"diffStat\":{\"filesChanged\":2,\"insertions\":10,\"deletions\":3}}");
    }
}
