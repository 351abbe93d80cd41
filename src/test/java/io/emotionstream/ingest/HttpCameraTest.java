package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HTTP answers a camera may give, from a real HTTP server (the JDK's) on the loopback interface. */
class HttpCameraTest {

  @Test
  void refusedCredentialsRedirectsAndErrorsBecomeClearFailures() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    server.createContext("/basic", x -> {
      authorizations.add(x.getRequestHeaders().getFirst("Authorization"));
      x.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"cam\"");
      x.sendResponseHeaders(401, -1);
      x.close();
    });
    server.createContext("/digest", x -> {
      x.getResponseHeaders().add("WWW-Authenticate", "Digest realm=\"cam\", nonce=\"abc\", qop=\"auth\"");
      x.sendResponseHeaders(401, -1);
      x.close();
    });
    server.createContext("/moved", x -> {
      x.getResponseHeaders().add("Location", "http://elsewhere.example/video");
      x.sendResponseHeaders(302, -1);
      x.close();
    });
    server.createContext("/missing", x -> {
      x.sendResponseHeaders(404, -1);
      x.close();
    });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    Credentials viewer = new Credentials("viewer", "Basic-test-4471");
    Duration t = Duration.ofSeconds(5);
    try {
      CameraException refused = assertThrows(CameraException.class,
          () -> HttpCamera.get(base + "/basic", base + "/basic", viewer, t, t));
      assertTrue(refused.lasting() && refused.getMessage().contains("refused the credentials (HTTP 401)"), refused.getMessage());
      assertTrue(authorizations.get(0).startsWith("Basic "), "the credentials were sent with the request");
      assertFalse(refused.getMessage().contains("Basic-test-4471"));
      CameraException digest = assertThrows(CameraException.class,
          () -> HttpCamera.get(base + "/digest", base + "/digest", viewer, t, t));
      assertTrue(digest.getMessage().contains("source: ffmpeg"), digest.getMessage());
      CameraException moved = assertThrows(CameraException.class,
          () -> HttpCamera.get(base + "/moved", base + "/moved", viewer, t, t));
      assertTrue(moved.lasting() && moved.getMessage().contains("http://elsewhere.example/video"), moved.getMessage());
      CameraException missing = assertThrows(CameraException.class,
          () -> HttpCamera.get(base + "/missing", base + "/missing", Credentials.NONE, t, t));
      assertFalse(missing.lasting());
      assertTrue(missing.getMessage().contains("HTTP 404"), missing.getMessage());
      assertNull(Credentials.NONE.basicAuthorization());
      assertEquals(1, authorizations.size());
    } finally {
      server.stop(0);
    }
    CameraException closed = assertThrows(CameraException.class,
        () -> HttpCamera.get(base + "/basic", base + "/basic", viewer, t, t));
    assertFalse(closed.lasting(), "a camera that is not there may come back: " + closed.getMessage());
  }
}
