package io.countersign.identity;

import java.util.Map;
import java.util.Optional;

/**
 * People whom a development identity source signs in with one click (the sign-in page's demo
 * buttons). Only the dev profile has a bean ({@code identity.dev.DemoIdentities}); pages look it
 * up as an optional {@code Instance} and never import the dev package.
 */
public interface DemoPeople {

    /** Subject → what the person may do, in display order; never an agent. */
    Map<String, String> people();

    /** A fresh token for one of {@link #people()}; empty for anyone else, agents included. */
    Optional<String> token(String subject);
}
