package io.countersign.web;

import io.countersign.common.SqlErrors;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.sql.DataSource;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The OIDC sessions people signed out of, shared by every replica (table {@code web_signed_out}).
 * quarkus-oidc keeps a session in an encrypted cookie only, so without this a copy of the cookie
 * taken before sign-out would open the pages until its tokens expire (and longer, by refresh).
 * A session's key is stable across token refreshes: the provider's session id ({@code sid})
 * when the ID token has one, else its {@code auth_time}, else its {@code iat} and {@code jti}
 * (a provider that sends neither sid nor auth_time: then a copy taken before a refresh is not
 * covered, only the provider's revocation of its refresh token ends it); with issuer and
 * subject, hashed. Keys are kept for {@link #KEEP} (longer than any session cookie lives here:
 * token lifetime + {@code quarkus.oidc.authentication.session-age-extension}); a refresh past
 * that needs a refresh token the provider revoked at sign-out (RP-initiated logout).
 */
@ApplicationScoped
public class SignedOutSessions {

    /** How long a signed-out session's key is kept. */
    static final Duration KEEP = Duration.ofDays(30);

    @Inject
    DataSource dataSource;

    /** The session key of an ID token (see the class comment). */
    public static String key(JsonWebToken idToken) {
        Object sid = idToken.getClaim("sid");
        Object authTime = idToken.getClaim("auth_time");
        String session = sid != null ? "sid:" + sid : authTime != null ? "auth_time:" + authTime
                : "iat:" + idToken.getIssuedAtTime() + ":" + idToken.getTokenID();
        return sha256(idToken.getIssuer() + "\n" + idToken.getSubject() + "\n" + session);
    }

    /** Records a sign-out (idempotent) and drops keys past their time. */
    public void signedOut(String key) {
        Instant now = Instant.now();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM web_signed_out WHERE expires_at < ?")) {
                del.setTimestamp(1, Timestamp.from(now));
                del.executeUpdate();
            }
            if (!isSignedOut(c, key)) {
                try (PreparedStatement ins = c.prepareStatement(
                        "INSERT INTO web_signed_out (session_key, signed_out_at, expires_at) VALUES (?, ?, ?)")) {
                    ins.setString(1, key);
                    ins.setTimestamp(2, Timestamp.from(now));
                    ins.setTimestamp(3, Timestamp.from(now.plus(KEEP)));
                    ins.executeUpdate();
                } catch (SQLException e) {
                    if (!SqlErrors.uniqueViolation(e)) {
                        throw e; // a concurrent sign-out of the same session on another replica is fine
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the sign-out could not be recorded", e);
        }
    }

    /** Whether the session with this key was signed out. */
    public boolean isSignedOut(String key) {
        try (Connection c = dataSource.getConnection()) {
            return isSignedOut(c, key);
        } catch (SQLException e) {
            throw new IllegalStateException("signed-out sessions could not be read", e);
        }
    }

    private static boolean isSignedOut(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM web_signed_out WHERE session_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
