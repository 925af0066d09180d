package io.countersign.policy;

import java.util.List;

/** CDI event: an admin's reload was refused and {@code activeVersion} stays in force. */
public record PolicyReloadRejected(String activeVersion, String actor, String source, List<PolicyViolation> violations) {

    public PolicyReloadRejected {
        violations = List.copyOf(violations);
    }
}
