package io.countersign.inbox;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser-like HTTP client for the inbox: keeps the session and CSRF cookies, posts forms with the token. */
public final class InboxClient {

    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([A-Za-z0-9_-]+)\"");

    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final String baseUri;
    private String csrf;

    /** A client of the test application, not signed in. */
    public InboxClient() {
        this(null);
    }

    private InboxClient(String baseUri) {
        this.baseUri = baseUri;
    }

    /** Signs in with {@code token} through the sign-in form; fails unless redirected to the inbox. */
    public static InboxClient signedIn(String token) {
        return signedIn(null, token);
    }

    /** Signs in on the application at {@code baseUri} (null: REST Assured's default, the test application). */
    public static InboxClient signedIn(String baseUri, String token) {
        InboxClient c = new InboxClient(baseUri);
        Response r = c.signIn(token);
        if (r.statusCode() != 303) {
            throw new AssertionError("sign-in failed with " + r.statusCode() + ": " + r.body().asString());
        }
        return c;
    }

    /** Signs in with the identity provider ({@link io.countersign.testsupport.OidcProvider}); fails unless a page opens. */
    public static InboxClient signedInAtProvider(String subject, String claimsJson) {
        InboxClient c = new InboxClient();
        Response r = c.signInAtProvider(null, subject, claimsJson);
        if (r.statusCode() != 200) {
            throw new AssertionError("sign-in at the provider failed with " + r.statusCode() + ": " + r.body().asString());
        }
        return c;
    }

    /** Posts the sign-in form. */
    public Response signIn(String token) {
        get("/inbox/sign-in");
        return post("/inbox/sign-in", Map.of("token", token));
    }

    /** GETs a page (no redirects followed). */
    public Response get(String path) {
        Response r = spec().when().get(path);
        remember(r);
        return r;
    }

    /** GETs a path or same-origin URL exactly as written (already encoded, as a browser follows a Location). */
    public Response getRaw(String pathOrUrl) {
        Response r = spec().urlEncodingEnabled(false).when().get(pathOrUrl.replaceFirst("^https?://[^/]+", ""));
        remember(r);
        return r;
    }

    /** The callback URL (code and state) of the last {@link #loginAtProvider}, for tampering and replay tests. */
    public String lastCallback;

    /**
     * Starts the identity provider's sign-in at {@code /auth/sign-in?next=} ({@code next} encoded
     * already, or null), submits {@code subject} and {@code claimsJson} on the provider's login
     * page and returns the callback URL it redirects the browser to (not visited yet).
     */
    public String loginAtProvider(String next, String subject, String claimsJson) {
        Response start = getRaw("/auth/sign-in" + (next == null ? "" : "?next=" + next));
        if (start.statusCode() != 302) {
            throw new AssertionError("expected a redirect to the provider, got " + start.statusCode() + ": "
                    + start.body().asString());
        }
        Response login = given().redirects().follow(false).urlEncodingEnabled(false).formParam("username", subject)
                .formParam("claims", claimsJson).when().post(start.header("Location"));
        if (login.statusCode() != 302) {
            throw new AssertionError("the provider did not redirect back: " + login.statusCode() + " "
                    + login.body().asString());
        }
        lastCallback = login.header("Location");
        return lastCallback;
    }

    /** The whole code flow through the provider's login page; follows Countersign's redirects and returns the last response. */
    public Response signInAtProvider(String next, String subject, String claimsJson) {
        return follow(getRaw(loginAtProvider(next, subject, claimsJson)));
    }

    /** Follows Countersign's redirects (at most five) from {@code r}; stops at one to the identity provider. */
    public Response follow(Response r) {
        String provider = io.countersign.testsupport.OidcProvider.server().baseUrl().toString();
        for (int i = 0; i < 5 && (r.statusCode() == 302 || r.statusCode() == 303)
                && !r.header("Location").startsWith(provider); i++) {
            r = getRaw(r.header("Location"));
        }
        return r;
    }

    /** POSTs a form with the current CSRF token, from this site's origin (as a browser does). */
    public Response post(String path, Map<String, String> form) {
        Map<String, String> f = new LinkedHashMap<>(form);
        if (csrf != null) {
            f.putIfAbsent("_csrf", csrf);
        }
        Response r = spec().header("Origin", origin()).contentType("application/x-www-form-urlencoded; charset=UTF-8")
                .formParams(f).when().post(path);
        remember(r);
        return r;
    }

    /** Posts the decision form of request {@code id} with the task key and digest shown on {@code page}. */
    public Response decide(java.util.UUID id, Response page, String decision, String comment) {
        return post("/inbox/requests/" + id + "/decision", Map.of("taskKey", field(page, "taskKey"),
                "digest", field(page, "digest"), "decision", decision, "comment", comment));
    }

    /** POSTs a form without any CSRF token (unless {@code form} has one), from this site's origin. */
    public Response postWithoutCsrf(String path, Map<String, String> form) {
        return spec().header("Origin", origin()).contentType("application/x-www-form-urlencoded; charset=UTF-8")
                .formParams(form).when().post(path);
    }

    /** POSTs a form with the current CSRF token and exactly these extra headers (no Origin unless given). */
    public Response postWithHeaders(String path, Map<String, String> form, Map<String, String> headers) {
        Map<String, String> f = new LinkedHashMap<>(form);
        if (csrf != null) {
            f.putIfAbsent("_csrf", csrf);
        }
        return spec().headers(headers).contentType("application/x-www-form-urlencoded; charset=UTF-8")
                .formParams(f).when().post(path);
    }

    /** The CSRF token of the last page. */
    public String csrf() {
        return csrf;
    }

    /** The origin this client's requests go to, e.g. http://localhost:8081. */
    public String origin() {
        java.net.URI u = java.net.URI.create(baseUri != null ? baseUri
                : io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port);
        return u.getScheme() + "://" + u.getHost() + ":" + u.getPort();
    }

    public Map<String, String> cookies() {
        return cookies;
    }

    private RequestSpecification spec() {
        RequestSpecification spec = given().redirects().follow(false).cookies(cookies);
        return baseUri == null ? spec : spec.baseUri(baseUri);
    }

    private void remember(Response r) {
        r.getDetailedCookies().forEach(c -> {
            if (c.getValue() == null || c.getValue().isEmpty() || (c.hasMaxAge() && c.getMaxAge() == 0)) {
                cookies.remove(c.getName());
            } else {
                cookies.put(c.getName(), c.getValue());
            }
        });
        String ct = r.contentType();
        if (ct != null && ct.startsWith("text/html")) {
            Matcher m = CSRF_FIELD.matcher(r.body().asString());
            if (m.find()) {
                csrf = m.group(1);
            }
        }
    }

    /** The value of a hidden form field in the last HTML (e.g. taskKey, digest). */
    public static String field(Response page, String name) {
        Matcher m = Pattern.compile("name=\"" + Pattern.quote(name) + "\" value=\"([^\"]*)\"").matcher(page.body().asString());
        if (!m.find()) {
            throw new AssertionError("no field " + name + " in page");
        }
        return m.group(1);
    }
}
