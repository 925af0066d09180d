package io.countersign.policy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Where the policy rules file lives and the defaults applied while compiling it. */
@ConfigMapping(prefix = "countersign.policy")
public interface PolicyConfig {

    /** Path of the policy YAML file on the file system; when unset, the bundled classpath:policy/default-policy.yaml is used. */
    Optional<String> file();

    /** Review timeout for review rules that do not set {@code review.timeout} (ISO-8601 duration). */
    @WithDefault("PT24H")
    Duration defaultReviewTimeout();

    /** Longest review timeout a rule may set; longer ones are refused at load. */
    @WithDefault("P30D")
    Duration maxReviewTimeout();

    /** Largest policy file accepted, in bytes. */
    @WithDefault("1048576")
    int maxFileBytes();
}
