package io.countersign.identity;

import java.util.Set;

/** The roles Countersign knows, as they appear in the token's groups claim. */
public final class Roles {

    public static final String AGENT = "agent";
    public static final String REVIEWER = "reviewer";
    public static final String AUDITOR = "auditor";
    public static final String ADMIN = "admin";
    /** Systems that execute approved actions and redeem their release tokens. */
    public static final String EXECUTOR = "executor";

    /** Group names that are roles, never reviewer groups. */
    public static final Set<String> ALL = Set.of(AGENT, REVIEWER, AUDITOR, ADMIN, EXECUTOR);

    private Roles() {
    }
}
