package io.countersign.action;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.common.Violations;
import io.countersign.common.text.RequestText;
import io.countersign.common.text.VisibleText;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Per-type payload schemas. Known types are strict (unknown fields are refused, so nothing
 * can hide from the reviewer's type-specific view); any other type is generic and only
 * requires the payload to be a JSON object.
 */
public final class PayloadSchemas {

    public static final String DB_SCHEMA_CHANGE = "db.schema.change";
    public static final String PAYMENT_TRANSFER = "payment.transfer";
    public static final String CODE_PUSH = "code.push";

    /** Decimal string: no sign, no exponent, at most 15 integer and 4 fraction digits. */
    static final Pattern AMOUNT = Pattern.compile("(0|[1-9][0-9]{0,14})(\\.[0-9]{1,4})?");
    static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    static final Pattern IBAN = Pattern.compile("[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}");
    private static final Set<String> CURRENCIES = Currency.getAvailableCurrencies().stream()
            .map(Currency::getCurrencyCode).collect(Collectors.toUnmodifiableSet());
    private static final int MAX_STATEMENTS = 1000;

    private PayloadSchemas() {
    }

    /** Adds a violation for every problem of {@code payload} as a {@code type} payload. */
    static void validate(String type, JsonNode payload, Violations v) {
        if (payload == null || payload.isMissingNode() || payload.isNull()) {
            v.add("payload", "required: a JSON object");
            return;
        }
        if (!payload.isObject()) {
            v.add("payload", "must be a JSON object");
            return;
        }
        identifiers(type, payload, v);
        switch (type) {
            case DB_SCHEMA_CHANGE -> schemaChange(payload, v);
            case PAYMENT_TRANSFER -> payment(payload, v);
            case CODE_PUSH -> codePush(payload, v);
            default -> {
                // generic type: any object
            }
        }
    }

    /**
     * Identifier fields (IBAN, account, SHA, branch, currency, reference...; the list is
     * common.text.RequestText's, which also renders them) must be printable ASCII: a hidden,
     * direction-changing or look-alike character there is refused, naming it, before any format check.
     */
    private static void identifiers(String type, JsonNode payload, Violations v) {
        for (String path : RequestText.identifierFields(type)) {
            JsonNode n = payload;
            for (String name : path.split("\\.")) {
                n = n == null || !n.isObject() ? null : n.get(name);
            }
            String problem = n != null && n.isTextual() ? VisibleText.identifierProblem(n.textValue()) : null;
            if (problem != null) {
                v.add("payload." + path, problem + "; identifiers must be printable ASCII");
            }
        }
    }

    private static void schemaChange(JsonNode p, Violations v) {
        onlyFields(p, "payload", v, "database", "statements");
        text(p, "database", "payload.database", 1, 128, v);
        JsonNode st = p.get("statements");
        if (v.check(st != null && st.isArray() && !st.isEmpty() && st.size() <= MAX_STATEMENTS,
                "payload.statements", "required: an array of 1 to " + MAX_STATEMENTS + " SQL statements")) {
            for (int i = 0; i < st.size(); i++) {
                JsonNode s = st.get(i);
                v.check(s.isTextual() && !s.textValue().isBlank(), "payload.statements[" + i + "]",
                        "must be a non-empty SQL statement string");
            }
        }
    }

    private static void payment(JsonNode p, Violations v) {
        onlyFields(p, "payload", v, "amount", "currency", "beneficiary", "reference");
        JsonNode amount = p.get("amount");
        if (amount != null && amount.isNumber()) {
            v.add("payload.amount", "must be a decimal string such as \"1250.00\", not a JSON number (precision)");
        } else if (v.check(amount != null && amount.isTextual() && AMOUNT.matcher(amount.textValue()).matches(),
                "payload.amount", "required: a positive decimal string with at most 15 integer and 4 fraction digits")) {
            v.check(new BigDecimal(amount.textValue()).signum() > 0, "payload.amount", "must be greater than zero");
        }
        JsonNode currency = p.get("currency");
        v.check(currency != null && currency.isTextual() && CURRENCIES.contains(currency.textValue()),
                "payload.currency", "required: an ISO 4217 currency code such as EUR or USD");
        JsonNode b = p.get("beneficiary");
        if (v.check(b != null && b.isObject(), "payload.beneficiary",
                "required: an object with name and iban or account")) {
            onlyFields(b, "payload.beneficiary", v, "name", "iban", "account", "bic");
            text(b, "name", "payload.beneficiary.name", 1, 140, v);
            JsonNode iban = b.get("iban");
            JsonNode account = b.get("account");
            v.check(iban != null || account != null, "payload.beneficiary", "needs an iban or an account");
            if (iban != null) {
                v.check(iban.isTextual() && IBAN.matcher(iban.textValue()).matches(), "payload.beneficiary.iban",
                        "must be an IBAN: country code, check digits and 11-30 letters/digits, no spaces");
            }
            if (account != null) {
                text(b, "account", "payload.beneficiary.account", 1, 64, v);
            }
            if (b.has("bic")) {
                text(b, "bic", "payload.beneficiary.bic", 8, 11, v);
            }
        }
        text(p, "reference", "payload.reference", 1, 140, v);
    }

    private static void codePush(JsonNode p, Violations v) {
        onlyFields(p, "payload", v, "repository", "branch", "commitSha", "diffStat", "patch");
        text(p, "repository", "payload.repository", 1, 300, v);
        if (text(p, "branch", "payload.branch", 1, 255, v)) {
            String br = p.get("branch").textValue();
            v.check(!br.contains("..") && !br.startsWith("/") && !br.endsWith("/") && !br.contains(" ")
                    && br.chars().noneMatch(c -> c < 0x20 || c == '~' || c == '^' || c == ':' || c == '\\'),
                    "payload.branch", "must be a valid git branch name");
        }
        JsonNode sha = p.get("commitSha");
        v.check(sha != null && sha.isTextual() && SHA.matcher(sha.textValue()).matches(), "payload.commitSha",
                "required: a full lower-case hex commit SHA (40 or 64 characters)");
        JsonNode ds = p.get("diffStat");
        if (v.check(ds != null && ds.isObject(), "payload.diffStat",
                "required: an object with filesChanged, insertions and deletions")) {
            onlyFields(ds, "payload.diffStat", v, "filesChanged", "insertions", "deletions");
            for (String f : new String[] { "filesChanged", "insertions", "deletions" }) {
                JsonNode n = ds.get(f);
                v.check(n != null && n.canConvertToLong() && n.isIntegralNumber() && n.longValue() >= 0,
                        "payload.diffStat." + f, "required: a non-negative integer");
            }
        }
        JsonNode patch = p.get("patch");
        if (patch != null) {
            v.check(patch.isTextual(), "payload.patch", "must be a string (unified diff) when present");
        }
    }

    private static void onlyFields(JsonNode obj, String path, Violations v, String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (Iterator<String> it = obj.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!ok.contains(f)) {
                v.add(path + "." + f, "unknown field; allowed: " + String.join(", ", allowed));
            }
        }
    }

    private static boolean text(JsonNode obj, String name, String path, int min, int max, Violations v) {
        JsonNode n = obj.get(name);
        return v.check(n != null && n.isTextual() && n.textValue().strip().length() >= min
                && n.textValue().length() <= max && n.textValue().chars().noneMatch(c -> c < 0x20),
                path, "required: a string of " + min + " to " + max + " characters without control characters");
    }
}
