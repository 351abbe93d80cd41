package io.emotionstream.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.testing.TestCameras;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An instance without a processor (the cluster-wide {@code dashboard}) serves the notice of the
 * camera file the processors read, open to everyone even when the ops token is set.
 */
class NoticeWithoutProcessorTest {

  @Test
  void theDashboardsNoticeShowsTheCameraFileWithoutAToken() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Settings settings = Settings.defaults().with(Map.of("ops.port", Integer.toString(port), "ops.auth.token", "s3cret",
        "cameras.file", TestCameras.file("cameras:\n  - {id: lobby, site: hq, emotion: true, context: customer-area,"
            + " purpose: queue mood per hour}\n"), "notice.contact", "dpo@example.com"), "test");
    try (Operations ops = Operations.start(settings, false)) {
      ops.status().dashboardOnly();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> notice = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
          + "/notice")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, notice.statusCode());
      assertTrue(notice.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
      assertTrue(notice.body().contains("lobby") && notice.body().contains("queue mood per hour")
          && notice.body().contains("dpo@example.com"), notice.body());
      assertEquals(404, http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
          + "/notice?site=elsewhere")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(401, http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/status"))
          .build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "the rest still needs the token");
    }
  }
}
