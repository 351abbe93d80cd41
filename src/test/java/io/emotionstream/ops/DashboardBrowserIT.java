package io.emotionstream.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.emotionstream.config.Settings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in headless Chromium (Debian's chromium + chromium-driver): the page loads, a
 * chart draws the events it finds, and new events appear live without a reload. Leaves a
 * screenshot in {@code target/dashboard.png}.
 */
class DashboardBrowserIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @Test
  void chartDrawsAndNewEventsAppearWithoutReload() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Chromium not installed (apt-get install chromium chromium-driver): dashboard browser test skipped");
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    EventFeed feed = new EventFeed(Settings.defaults());
    Instant now = Instant.now();
    String[] labels = {"happy", "happy", "neutral", "sad", "happy", "surprised"};
    for (int i = 0; i < 30; i++) {
      feed.publish(TestEvents.json("entrance", i, labels[i % labels.length], now.minusSeconds(60L * (i % 5))));
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1400,900", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    try (OpsServer server = OpsServer.start(0, registry, new InstanceStatus(), feed)) {
      ChromeDriver browser = new ChromeDriver(service, options);
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get("http://localhost:" + server.port() + "/");
        WebElement entrance = wait.until(d -> d.findElement(By.cssSelector(".camera[data-camera='entrance'][data-points='30']")));
        long painted = (Long) ((JavascriptExecutor) browser).executeScript(
            "const c = arguments[0].querySelector('canvas');"
                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + "let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n;", entrance);
        assertTrue(painted > 5_000, "the chart canvas should be drawn, painted pixels: " + painted);

        ((JavascriptExecutor) browser).executeScript("window.stillTheSamePage = true;");
        wait.until(d -> d.findElement(By.id("live-dot")).getAttribute("class").contains("on"));
        feed.publish(TestEvents.json("checkout", 1, "angry", Instant.now()));
        feed.publish(TestEvents.json("entrance", 31, "happy", Instant.now()));
        wait.until(d -> d.findElements(By.cssSelector(".camera[data-camera='checkout'][data-points='1']")).size() == 1);
        wait.until(d -> "2".equals(d.findElement(By.tagName("body")).getAttribute("data-live-events")));
        assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript("return window.stillTheSamePage === true;"));
        assertTrue(browser.findElement(By.cssSelector(".camera[data-camera='checkout'] .events li .label")).getText()
            .equals("angry"));
        // face tracks: two people at the checkout, one of them for 4 s; both in view now
        Instant t = Instant.now();
        for (int i = 0; i < 5; i++) {
          feed.publish(TestEvents.json("checkout", 10 + i, "happy", t.plusSeconds(i), "aaaaaa0000000001"));
        }
        feed.publish(TestEvents.json("checkout", 14, "sad", t.plusSeconds(4), "bbbbbb0000000002"));
        WebElement tracks = wait.until(d -> d.findElement(By.cssSelector(".camera[data-camera='checkout'] .tracks[data-live='2']")));
        List<String> rows = tracks.findElements(By.tagName("tr")).stream().map(WebElement::getText).toList();
        assertEquals(List.of("aaaaaa 4 s happy", "bbbbbb 0 s sad"), rows);
        Thread.sleep(700); // one redraw period, so the screenshot shows the live event
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of("target", "dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
      } finally {
        browser.quit();
      }
    } finally {
      registry.close();
    }
  }
}
