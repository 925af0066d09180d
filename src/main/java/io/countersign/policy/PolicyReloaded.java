package io.countersign.policy;

/**
 * CDI event: an admin reloaded the policy and {@code newVersion} is now in force.
 * {@code source} says where the file was read from.
 */
public record PolicyReloaded(String previousVersion, String newVersion, String actor, String source) {

    public PolicyReloaded(String previousVersion, String newVersion, String actor) {
        this(previousVersion, newVersion, actor, null);
    }
}
