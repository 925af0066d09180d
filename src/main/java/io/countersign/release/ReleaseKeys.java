package io.countersign.release;

import io.countersign.release.ReleaseKeyMaterial.LoadedKey;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.Map;

/** The release key ring, loaded (or generated) at startup so a bad key configuration stops the boot. */
@Singleton
@Startup
class ReleaseKeys {

    @Inject
    ReleaseConfig config;

    private volatile ReleaseKeyRing ring;

    @PostConstruct
    void load() {
        ReleaseConfig.Keys keys = config.keys();
        ring = ReleaseKeyRing.load(keys.signingKey(), keys.verifyOnly().orElse(List.of()), keys.dir(), keys.generate());
        Log.infof("Release tokens are signed with key %s from %s; %d verify-only key(s) published",
                ring.signing().kid(), ring.source(), ring.verifyOnly().size());
    }

    LoadedKey signing() {
        return ring.signing();
    }

    Map<String, ECPublicKey> verificationKeys() {
        return ring.verificationKeys();
    }

    List<Map<String, Object>> publicJwks() {
        return ring.publicJwks();
    }
}
