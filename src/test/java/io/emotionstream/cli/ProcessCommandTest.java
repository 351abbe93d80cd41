package io.emotionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A processor asked for GPUs on a machine whose engine has none: it says so, stays up and not
 * ready, and never falls back to the CPU. Needs no broker: it stops before connecting.
 */
class ProcessCommandTest {

  @Test
  void gpusAskedForButUnusableKeepTheInstanceNotReady() throws Exception {
    assumeTrue(Engine.getInstance().getGpuCount() == 0, "this machine has a GPU: the refusal cannot be shown here");
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    AtomicInteger exit = new AtomicInteger(-1);
    Thread command = new Thread(() -> exit.set(new CommandLine(new ProcessCommand()).execute(
        "-b", "localhost:1", "--set", "ops.port=" + port, "--set", "inference.devices=gpu:0")));
    command.start();
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> ready = null;
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        ready = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (ready.body().contains("unavailable")) {
          break;
        }
      } catch (java.io.IOException notYet) {
        // the server is not up yet
      }
      Thread.sleep(200);
    }
    try {
      assertTrue(ready != null && ready.body().contains("GPU 0 requested"), ready == null ? "no answer" : ready.body());
      assertEquals(503, ready.statusCode());
      assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health/live"))
          .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
      assertTrue(command.isAlive(), "stays up until stopped");
      assertEquals(-1, exit.get());
    } finally {
      command.interrupt();
      command.join(10_000);
    }
    assertEquals(1, exit.get(), "an interrupted wait ends the command with picocli's error code");
  }
}
