package io.countersign.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.common.Problem;
import io.countersign.common.ProblemException;
import io.countersign.common.Violations;
import io.countersign.common.json.Jcs;
import io.countersign.common.json.JsonSupport;
import io.countersign.identity.TargetGlob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** A validated submission body; {@code requestSha256} identifies the body for idempotency. */
public record ActionSubmission(String type, String target, String environment, String summary, String justification,
        JsonNode payload, String canonicalPayload, String payloadSha256, String requestSha256) {

    private static final Set<String> FIELDS = Set.of("type", "target", "environment", "summary", "justification", "payload");
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9]*(\\.[a-z0-9-]+)*");
    private static final Pattern ENVIRONMENT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /** Parses and validates a raw JSON body; every bad field is reported in one 400. */
    public static ActionSubmission parse(byte[] body) {
        JsonNode root;
        try {
            root = JsonSupport.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            // Jackson's limit messages name its own classes and methods: say what the limit is instead.
            String why = e instanceof StreamConstraintsException
                    ? "it nests deeper than 64 levels or holds a number or string longer than allowed"
                    : withoutSourceReference(e.getOriginalMessage());
            throw new ProblemException(400, "malformed-json", "Malformed JSON",
                    "The body is not valid JSON" + where + ": " + why);
        } catch (IOException e) {
            throw new ProblemException(400, "malformed-json", "Malformed JSON", "The body could not be read as JSON.");
        }
        if (root == null || !root.isObject()) {
            throw ProblemException.validation(List.of(new Problem.FieldError("$", "the body must be a JSON object")));
        }
        Violations v = new Violations();
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                v.add(f, "unknown field; allowed: type, target, environment, summary, justification, payload");
            }
        }
        String type = text(root, "type", 100, v, "an action type such as db.schema.change");
        if (type != null) {
            v.check(TYPE.matcher(type).matches(), "type", "must be lower-case dotted words, e.g. payment.transfer");
        }
        String target = text(root, "target", 512, v, "what the action touches, e.g. db://prod/orders");
        if (target != null) {
            TargetGlob.whyNotNormal(target).ifPresent(why -> v.add("target", why));
        }
        String environment = text(root, "environment", 64, v, "an environment name such as production");
        if (environment != null) {
            v.check(ENVIRONMENT.matcher(environment).matches(), "environment",
                    "must be a-z, 0-9, '.', '_', '-' (at most 64), e.g. production");
        }
        String summary = text(root, "summary", 500, v, "a one-line summary for the reviewer");
        String justification = textBlock(root, "justification", 4000, v);
        JsonNode payload = root.get("payload");
        if (type != null && TYPE.matcher(type).matches()) {
            PayloadSchemas.validate(type, payload, v);
        }
        v.throwIfAny();
        PayloadText.refuseControlCharacters(payload);
        String canonicalPayload;
        String requestSha;
        try {
            canonicalPayload = Jcs.canonicalize(payload);
            requestSha = Jcs.sha256Hex(root);
        } catch (IllegalArgumentException e) {
            throw ProblemException.validation(List.of(new Problem.FieldError("payload", e.getMessage())));
        }
        String payloadSha = Jcs.sha256Hex(canonicalPayload.getBytes(StandardCharsets.UTF_8));
        return new ActionSubmission(type, target, environment, summary.strip(), justification.strip(),
                ((ObjectNode) payload).deepCopy(), canonicalPayload, payloadSha, requestSha);
    }

    /**
     * Parses a revision body ({@code summary}, {@code justification}, {@code payload} only) of an
     * existing request and validates it exactly like a submission of the request's type.
     */
    public static ActionSubmission parseRevision(byte[] body, String type, String target, String environment) {
        JsonNode root;
        try {
            root = JsonSupport.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new ProblemException(400, "malformed-json", "Malformed JSON", "The body is not valid JSON.");
        }
        if (root == null || !root.isObject()) {
            throw ProblemException.validation(List.of(new Problem.FieldError("$", "the body must be a JSON object")));
        }
        Violations v = new Violations();
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!Set.of("summary", "justification", "payload").contains(f)) {
                v.add(f, "unknown field; a revision has summary, justification and payload");
            }
        }
        v.throwIfAny();
        ObjectNode full = ((ObjectNode) root).deepCopy();
        full.put("type", type).put("target", target).put("environment", environment);
        try {
            return parse(JsonSupport.MAPPER.writeValueAsBytes(full));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Jackson appends "(start marker at [Source: REDACTED (`StreamReadFeature...` disabled); ...])": drop it. */
    static String withoutSourceReference(String message) {
        if (message == null) {
            return "";
        }
        int cut = message.indexOf("[Source");
        if (cut < 0) {
            return message.replace("`", "");
        }
        String head = message.substring(0, cut).replaceAll("\\s*\\(?start marker at\\s*$", "").strip();
        return head.replace("`", "");
    }

    private static String text(JsonNode root, String name, int max, Violations v, String what) {
        JsonNode n = root.get(name);
        boolean ok = n != null && n.isTextual() && !n.textValue().isBlank() && n.textValue().length() <= max
                && n.textValue().chars().noneMatch(c -> c < 0x20 || c == 0x7f);
        return v.check(ok, name, "required: " + what + " (1 to " + max + " characters, no control characters)")
                ? n.textValue() : null;
    }

    private static String textBlock(JsonNode root, String name, int max, Violations v) {
        JsonNode n = root.get(name);
        boolean ok = n != null && n.isTextual() && !n.textValue().isBlank() && n.textValue().length() <= max
                && n.textValue().chars().noneMatch(c -> (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f);
        return v.check(ok, name, "required: why the agent needs this (1 to " + max + " characters)")
                ? n.textValue() : null;
    }
}
