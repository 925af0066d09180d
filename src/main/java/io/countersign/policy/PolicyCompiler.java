package io.countersign.policy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.countersign.common.json.Jcs;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.feel.api.FailedParseResult;
import org.camunda.feel.api.FeelEngineApi;
import org.camunda.feel.api.ParseResult;
import org.camunda.feel.syntaxtree.ParsedExpression;

/**
 * Reads a policy YAML file, validates every part of it and parses every FEEL condition, so a
 * policy that loads cannot fail for structural reasons at request time. All violations found
 * are reported together, each naming its rule and field.
 */
final class PolicyCompiler {

    /** Hex characters of the content hash that go into the recorded version. */
    static final int VERSION_HASH_CHARS = 12;

    static final int MAX_RULES = 500;
    static final int MAX_DESCRIPTION = 500;
    static final int MAX_CONDITION = 4000;
    static final int MAX_GROUPS = 20;

    /** Version labels and rule names are recorded on every request, so they are short and plain. */
    static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    /** Group names as identity providers send them (e.g. {@code dba}, {@code /org/finance}), no whitespace. */
    static final Pattern GROUP = Pattern.compile("[A-Za-z0-9/][A-Za-z0-9._:/@-]{0,99}");

    /** Roles that must never approve: an agent approving actions defeats the gate, auditors only read. */
    static final Set<String> RESERVED_GROUPS = Set.of("agent", "auditor");

    private static final Set<String> TOP_LEVEL_KEYS = Set.of("version", "description", "rules");
    private static final Set<String> RULE_KEYS = Set.of("name", "description", "when", "outcome", "risk", "review", "default");
    private static final Set<String> REVIEW_KEYS = Set.of("groups", "approvals", "timeout", "escalationGroup", "notify");

    private static final Pattern DUPLICATE_KEY = Pattern.compile("Duplicate field '([^']*)'");

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final FeelEngineApi feel;
    private final Duration defaultReviewTimeout;
    private final Duration maxReviewTimeout;

    PolicyCompiler(FeelEngineApi feel, Duration defaultReviewTimeout, Duration maxReviewTimeout) {
        this.feel = feel;
        this.defaultReviewTimeout = defaultReviewTimeout;
        this.maxReviewTimeout = maxReviewTimeout;
    }

    /** Compiles {@code content} read from {@code source}, or throws listing every violation. */
    CompiledPolicy compile(byte[] content, String source) {
        List<PolicyViolation> violations = new ArrayList<>();
        JsonNode root;
        try {
            root = YAML.readTree(content);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            Matcher dup = DUPLICATE_KEY.matcher(String.valueOf(e.getOriginalMessage()));
            String why = dup.find() ? "duplicate key '" + dup.group(1) + "'" : e.getOriginalMessage();
            throw refuse(source, new PolicyViolation(null, "file", "not valid YAML" + where + ": " + why));
        } catch (IOException e) {
            throw refuse(source, new PolicyViolation(null, "file", "cannot be read: " + e.getMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw refuse(source, new PolicyViolation(null, "file", "is empty"));
        }
        if (!root.isObject()) {
            throw refuse(source, new PolicyViolation(null, "file", "must be a mapping with version and rules"));
        }
        unknownKeys(root, TOP_LEVEL_KEYS, null, "", violations);

        String label = null;
        JsonNode version = root.get("version");
        if (version == null || version.isNull()) {
            violations.add(new PolicyViolation(null, "version", "is required (a string such as \"2026-11-25.1\")"));
        } else if (!version.isTextual()) {
            violations.add(new PolicyViolation(null, "version", "must be a string; quote it, e.g. version: \"" + version.asText() + "\""));
        } else if (!LABEL.matcher(version.textValue()).matches()) {
            violations.add(new PolicyViolation(null, "version",
                    "must be 1-64 characters of letters, digits, '.', '_', ':' or '-', starting with a letter or digit"));
        } else {
            label = version.textValue();
        }
        String description = optionalText(root, "description", null, "description", MAX_DESCRIPTION, violations);

        List<CompiledRule> rules = new ArrayList<>();
        JsonNode ruleNodes = root.get("rules");
        if (ruleNodes == null || !ruleNodes.isArray() || ruleNodes.isEmpty()) {
            violations.add(new PolicyViolation(null, "rules", "must be a non-empty list of rules ending with the default rule"));
        } else if (ruleNodes.size() > MAX_RULES) {
            violations.add(new PolicyViolation(null, "rules", "has " + ruleNodes.size() + " rules; at most " + MAX_RULES + " are allowed"));
        } else {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < ruleNodes.size(); i++) {
                CompiledRule rule = compileRule(ruleNodes.get(i), "rules[" + i + "]", names, violations);
                if (rule != null) {
                    rules.add(rule);
                }
            }
            checkDefaultRule(ruleNodes, violations);
        }
        if (!violations.isEmpty()) {
            throw new PolicyLoadException(source, violations);
        }
        return new CompiledPolicy(label, Jcs.sha256Hex(content), source, description, Instant.now(), rules, feel);
    }

    private CompiledRule compileRule(JsonNode node, String path, Set<String> names, List<PolicyViolation> violations) {
        if (!node.isObject()) {
            violations.add(new PolicyViolation(null, path, "must be a mapping with name, when, outcome and risk"));
            return null;
        }
        int before = violations.size();
        String name = null;
        JsonNode nameNode = node.get("name");
        if (nameNode == null || !nameNode.isTextual()) {
            violations.add(new PolicyViolation(null, path + ".name", "is required and must be a string"));
        } else if (!NAME.matcher(nameNode.textValue()).matches()) {
            violations.add(new PolicyViolation(nameNode.textValue(), path + ".name",
                    "must be 1-100 characters of letters, digits, '.', '_' or '-', starting with a letter or digit"));
        } else {
            name = nameNode.textValue();
            if (!names.add(name)) {
                violations.add(new PolicyViolation(name, path + ".name", "duplicate rule name; names must be unique"));
            }
        }
        unknownKeys(node, RULE_KEYS, name, path + ".", violations);
        String description = optionalText(node, "description", name, path + ".description", MAX_DESCRIPTION, violations);

        boolean isDefault = false;
        JsonNode defaultNode = node.get("default");
        if (defaultNode != null && !defaultNode.isNull()) {
            if (defaultNode.isBoolean()) {
                isDefault = defaultNode.booleanValue();
            } else {
                violations.add(new PolicyViolation(name, path + ".default", "must be true or false"));
            }
        }

        PolicyOutcome outcome = null;
        JsonNode outcomeNode = node.get("outcome");
        if (outcomeNode == null || !outcomeNode.isTextual() || PolicyOutcome.fromFileName(outcomeNode.textValue()) == null) {
            violations.add(new PolicyViolation(name, path + ".outcome", "is required and must be one of deny, auto-approve, review"));
        } else {
            outcome = PolicyOutcome.fromFileName(outcomeNode.textValue());
        }
        Risk risk = null;
        JsonNode riskNode = node.get("risk");
        if (riskNode == null || !riskNode.isTextual() || Risk.fromFileName(riskNode.textValue()) == null) {
            violations.add(new PolicyViolation(name, path + ".risk", "is required and must be one of low, medium, high, critical"));
        } else {
            risk = Risk.fromFileName(riskNode.textValue());
        }

        String whenSource = null;
        ParsedExpression when = null;
        JsonNode whenNode = node.get("when");
        if (isDefault) {
            if (whenNode != null) {
                violations.add(new PolicyViolation(name, path + ".when", "the default rule matches everything and must not have a condition"));
            }
            if (outcome == PolicyOutcome.AUTO_APPROVE) {
                violations.add(new PolicyViolation(name, path + ".outcome",
                        "the default rule must be deny or review: requests no rule could decide must never be auto-approved"));
            }
        } else if (whenNode == null || whenNode.isNull()) {
            violations.add(new PolicyViolation(name, path + ".when", "is required (a FEEL boolean expression) unless the rule is the default"));
        } else if (whenNode.isBoolean()) {
            // YAML reads an unquoted `when: true` as a boolean; it is the FEEL literal all the same.
            whenSource = whenNode.asText();
            when = parseCondition(whenSource, name, path + ".when", violations);
        } else if (!whenNode.isTextual() || whenNode.textValue().isBlank()) {
            violations.add(new PolicyViolation(name, path + ".when", "must be a non-empty FEEL expression string"));
        } else if (whenNode.textValue().length() > MAX_CONDITION) {
            violations.add(new PolicyViolation(name, path + ".when", "is longer than " + MAX_CONDITION + " characters"));
        } else {
            whenSource = whenNode.textValue().strip();
            when = parseCondition(whenSource, name, path + ".when", violations);
        }

        ReviewRequirement review = null;
        JsonNode reviewNode = node.get("review");
        if (outcome == PolicyOutcome.REVIEW) {
            if (reviewNode == null || reviewNode.isNull()) {
                violations.add(new PolicyViolation(name, path + ".review", "is required for outcome review (at least groups)"));
            } else {
                review = compileReview(reviewNode, name, path + ".review", violations);
            }
        } else if (reviewNode != null && outcome != null) {
            violations.add(new PolicyViolation(name, path + ".review", "is only allowed with outcome review"));
        }
        if (violations.size() > before) {
            return null;
        }
        return new CompiledRule(name, description, whenSource, when, outcome, risk, review, isDefault);
    }

    private ParsedExpression parseCondition(String source, String rule, String path,
            List<PolicyViolation> violations) {
        ParseResult parsed;
        try {
            parsed = feel.parseExpression(source);
        } catch (RuntimeException | StackOverflowError e) {
            violations.add(new PolicyViolation(rule, path, "FEEL expression cannot be parsed (" + e.getClass().getSimpleName() + ")"));
            return null;
        }
        if (parsed.isFailure()) {
            String message = parsed instanceof FailedParseResult f ? f.failure().message() : "syntax error";
            // The engine repeats the whole expression before the position; keep only the useful part.
            String prefix = "failed to parse expression '" + source + "': ";
            if (message.startsWith(prefix)) {
                message = message.substring(prefix.length());
            }
            violations.add(new PolicyViolation(rule, path, "invalid FEEL: " + message));
            return null;
        }
        // A misspelt variable would silently be null at run time; catch it here instead.
        Set<String> unknown = new TreeSet<>(parsed.getVariableNames());
        unknown.removeAll(FeelContext.VARIABLES);
        if (!unknown.isEmpty()) {
            violations.add(new PolicyViolation(rule, path, "unknown variable(s) " + unknown + "; conditions may use "
                    + new TreeSet<>(FeelContext.VARIABLES) + " (iteration variables of 'for' count as unknown: use some/every)"));
            return null;
        }
        return parsed.parsedExpression();
    }

    private ReviewRequirement compileReview(JsonNode node, String rule, String path, List<PolicyViolation> violations) {
        if (!node.isObject()) {
            violations.add(new PolicyViolation(rule, path, "must be a mapping with groups, approvals, timeout, escalationGroup, notify"));
            return null;
        }
        int before = violations.size();
        unknownKeys(node, REVIEW_KEYS, rule, path + ".", violations);

        Set<String> groups = new LinkedHashSet<>();
        JsonNode groupsNode = node.get("groups");
        if (groupsNode == null || !groupsNode.isArray() || groupsNode.isEmpty()) {
            violations.add(new PolicyViolation(rule, path + ".groups", "is required: a non-empty list of reviewer groups"));
        } else if (groupsNode.size() > MAX_GROUPS) {
            violations.add(new PolicyViolation(rule, path + ".groups", "lists more than " + MAX_GROUPS + " groups"));
        } else {
            for (int i = 0; i < groupsNode.size(); i++) {
                String group = group(groupsNode.get(i), rule, path + ".groups[" + i + "]", violations);
                if (group != null && !groups.add(group)) {
                    violations.add(new PolicyViolation(rule, path + ".groups[" + i + "]", "group '" + group + "' is listed twice"));
                }
            }
        }

        int approvals = 1;
        JsonNode approvalsNode = node.get("approvals");
        if (approvalsNode != null) {
            if (!approvalsNode.isIntegralNumber() || approvalsNode.asInt() < 1 || approvalsNode.asInt() > 2
                    || !approvalsNode.canConvertToInt()) {
                violations.add(new PolicyViolation(rule, path + ".approvals",
                        "must be 1 or 2 (distinct approvers), not " + approvalsNode.toString()));
            } else {
                approvals = approvalsNode.asInt();
            }
        }

        Duration timeout = defaultReviewTimeout;
        JsonNode timeoutNode = node.get("timeout");
        if (timeoutNode != null) {
            timeout = duration(timeoutNode, rule, path + ".timeout", violations);
        }

        String escalation = null;
        JsonNode escalationNode = node.get("escalationGroup");
        if (escalationNode != null && !escalationNode.isNull()) {
            escalation = group(escalationNode, rule, path + ".escalationGroup", violations);
        }
        List<String> notify = null;
        JsonNode notifyNode = node.get("notify");
        if (notifyNode != null && !notifyNode.isNull()) {
            if (!notifyNode.isArray() || notifyNode.isEmpty()) {
                violations.add(new PolicyViolation(rule, path + ".notify", "must be a non-empty list of channels "
                        + ReviewRequirement.CHANNELS));
            } else {
                Set<String> seen = new LinkedHashSet<>();
                for (int i = 0; i < notifyNode.size(); i++) {
                    JsonNode c = notifyNode.get(i);
                    if (!c.isTextual() || !ReviewRequirement.CHANNELS.contains(c.textValue())) {
                        violations.add(new PolicyViolation(rule, path + ".notify[" + i + "]", "must be one of "
                                + ReviewRequirement.CHANNELS + ", not " + c));
                    } else if (!seen.add(c.textValue())) {
                        violations.add(new PolicyViolation(rule, path + ".notify[" + i + "]", "channel '" + c.textValue()
                                + "' is listed twice"));
                    }
                }
                notify = List.copyOf(seen);
            }
        }
        if (violations.size() > before) {
            return null;
        }
        return new ReviewRequirement(List.copyOf(groups), approvals, timeout, escalation, notify);
    }

    private Duration duration(JsonNode node, String rule, String path, List<PolicyViolation> violations) {
        if (!node.isTextual()) {
            violations.add(new PolicyViolation(rule, path, "must be an ISO-8601 duration string such as PT24H"));
            return null;
        }
        Duration d;
        try {
            d = Duration.parse(node.textValue());
        } catch (DateTimeParseException e) {
            violations.add(new PolicyViolation(rule, path, "'" + node.textValue() + "' is not an ISO-8601 duration such as PT24H or P2D"));
            return null;
        }
        if (d.isNegative() || d.isZero()) {
            violations.add(new PolicyViolation(rule, path, "must be positive"));
            return null;
        }
        if (d.compareTo(maxReviewTimeout) > 0) {
            violations.add(new PolicyViolation(rule, path, "must not exceed " + maxReviewTimeout
                    + " (countersign.policy.max-review-timeout)"));
            return null;
        }
        return d;
    }

    private static String group(JsonNode node, String rule, String path, List<PolicyViolation> violations) {
        if (node == null || !node.isTextual() || !GROUP.matcher(node.textValue()).matches()) {
            violations.add(new PolicyViolation(rule, path, "must be a group name (1-100 characters, no whitespace)"));
            return null;
        }
        if (RESERVED_GROUPS.contains(node.textValue())) {
            violations.add(new PolicyViolation(rule, path, "'" + node.textValue() + "' is a role that may never approve actions"));
            return null;
        }
        return node.textValue();
    }

    /** Exactly one default rule, and it is the last one: first match wins, so anything after it is dead. */
    private static void checkDefaultRule(JsonNode ruleNodes, List<PolicyViolation> violations) {
        int last = ruleNodes.size() - 1;
        boolean lastIsDefault = false;
        for (int i = 0; i <= last; i++) {
            JsonNode r = ruleNodes.get(i);
            boolean isDefault = r.isObject() && r.path("default").isBoolean() && r.path("default").booleanValue();
            if (isDefault && i < last) {
                violations.add(new PolicyViolation(r.path("name").isTextual() ? r.path("name").textValue() : null,
                        "rules[" + i + "].default", "the default rule must be the last rule (rules after it could never match)"));
            }
            lastIsDefault = isDefault && i == last;
        }
        if (!lastIsDefault) {
            JsonNode r = ruleNodes.get(last);
            violations.add(new PolicyViolation(r.path("name").isTextual() ? r.path("name").textValue() : null,
                    "rules[" + last + "]", "a default rule is mandatory: the last rule must have default: true and no when"));
        }
    }

    private static void unknownKeys(JsonNode node, Set<String> allowed, String rule, String prefix, List<PolicyViolation> violations) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!allowed.contains(key)) {
                violations.add(new PolicyViolation(rule, prefix + key, "unknown field; allowed: " + new TreeSet<>(allowed)));
            }
        }
    }

    private static String optionalText(JsonNode node, String key, String rule, String path, int max, List<PolicyViolation> violations) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            violations.add(new PolicyViolation(rule, path, "must be a string"));
            return null;
        }
        if (value.textValue().length() > max) {
            violations.add(new PolicyViolation(rule, path, "is longer than " + max + " characters"));
            return null;
        }
        return value.textValue().strip();
    }

    private static PolicyLoadException refuse(String source, PolicyViolation violation) {
        return new PolicyLoadException(source, List.of(violation));
    }
}
