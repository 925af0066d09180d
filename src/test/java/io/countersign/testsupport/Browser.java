package io.countersign.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.common.json.JsonSupport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium driven by Selenium, pointed explicitly at /usr/bin/chromium and
 * /usr/bin/chromedriver so nothing is ever downloaded; a fresh profile directory per browser.
 * The one Chromium set-up of every browser test (inbox, auditor and admin pages).
 */
public final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    public final WebDriver driver;
    public final String baseUrl;
    private final Path profile;

    public Browser(String baseUrl) throws IOException {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.profile = Files.createTempDirectory("countersign-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1000",
                "--user-data-dir=" + profile);
        // the console (CSP violations, script errors) is readable through browserLog()
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
    }

    /** Whether Chromium and chromedriver are installed (tests assume it, else they are skipped). */
    public static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    public void open(String path) {
        driver.get(baseUrl + path);
    }

    /**
     * Signs in with the identity provider ({@link OidcProvider}): from {@code /auth/sign-in} to its
     * login page, there as {@code subject} with {@code claimsJson}, and waits for {@code landing}.
     */
    public void signInAtProvider(String subject, String claimsJson, By landing) {
        open("/auth/sign-in");
        waitFor(By.name("username")).sendKeys(subject);
        WebElement claims = driver.findElement(By.name("claims"));
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1];", claims, claimsJson);
        driver.findElement(By.cssSelector("input[type=submit]")).click();
        land(landing, "sign-in at the provider");
    }

    /** Waits for {@code landing} after a sign-in; fails with where the browser is instead and what it shows. */
    private void land(By landing, String what) {
        try {
            waitFor(landing);
        } catch (org.openqa.selenium.TimeoutException e) {
            String src = driver.getPageSource();
            throw new AssertionError(what + " did not reach " + landing + "; at " + driver.getCurrentUrl() + ": "
                    + src.substring(0, Math.min(2000, src.length())), e);
        }
    }

    /** Signs in to the inbox by pasting the token into the sign-in form. */
    public void signIn(String token) {
        signIn(token, By.id("task-list"));
    }

    /** Signs in through the sign-in form and waits for {@code landing} (the auditor lands on the audit search). */
    public void signIn(String token, By landing) {
        open("/inbox/sign-in");
        WebElement field = driver.findElement(By.id("token"));
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1];", field, token);
        driver.findElement(By.cssSelector("form[action='/inbox/sign-in'] button[type=submit]")).click();
        land(landing, "sign-in");
    }

    public WebElement waitFor(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(by));
    }

    public void waitForText(By by, String text) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    /**
     * Lays pages out in a viewport of {@code width}×{@code height} CSS px at device pixel ratio 1 until
     * called again; {@code mobile} as on a phone: the viewport meta tag is honoured and scrollbars
     * take no width.
     */
    public void viewport(int width, int height, boolean mobile) {
        ((ChromeDriver) driver).executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
    }

    /**
     * Saves a PNG screenshot under target/screenshots, or under the directory named by the system
     * property countersign.screenshots.dir or else $COUNTERSIGN_SCREENSHOTS_DIR (set either to
     * docs/img to refresh the documentation's screenshots).
     */
    public void screenshot(String name) throws IOException {
        save(name, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** Like {@link #screenshot(String)}, of the page from its top down to at most {@code maxHeight} CSS px. */
    public void screenshot(String name, int maxHeight) throws IOException {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        long width = ((Number) js.executeScript("return window.innerWidth;")).longValue();
        long height = Math.min(maxHeight, ((Number) js.executeScript("return document.documentElement.scrollHeight;")).longValue());
        Map<String, Object> shot = ((ChromeDriver) driver).executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        save(name, Base64.getDecoder().decode((String) shot.get("data")));
    }

    private static void save(String name, byte[] png) throws IOException {
        String configured = System.getProperty("countersign.screenshots.dir", System.getenv("COUNTERSIGN_SCREENSHOTS_DIR"));
        Path dir = Path.of(configured == null || configured.isBlank() ? "target/screenshots" : configured);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".png"), png);
    }

    /**
     * The browser console's messages since the last call (level and text), e.g. "SEVERE Refused to
     * apply inline style because it violates the following Content Security Policy directive ...".
     */
    public List<String> browserLog() {
        List<String> out = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            out.add(e.getLevel() + " " + e.getMessage());
        }
        return out;
    }

    /** Runs the vendored axe-core on the current page; returns serious and critical violations. */
    public List<String> seriousAccessibilityViolations() throws IOException {
        String axe;
        try (InputStream in = Browser.class.getResourceAsStream("/axe/axe.min.js")) {
            axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        JavascriptExecutor js = (JavascriptExecutor) driver;
        js.executeScript(axe);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        Object result = js.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "axe.run(document).then(function (r) { done(JSON.stringify(r.violations)); })"
                + ".catch(function (e) { done('ERROR ' + e); });");
        String json = String.valueOf(result);
        if (json.startsWith("ERROR")) {
            throw new IllegalStateException("axe-core failed: " + json);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode v : JsonSupport.MAPPER.readTree(json)) {
            String impact = v.path("impact").asText();
            if (impact.equals("serious") || impact.equals("critical")) {
                out.add(impact + " " + v.path("id").asText() + ": " + v.path("help").asText() + " on "
                        + v.path("nodes").path(0).path("target"));
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
