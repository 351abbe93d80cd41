package io.emotionstream.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.testing.KafkaPipelineExtension;
import io.emotionstream.testing.ProcessorRun;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * Readiness of a processor instance as {@code process} runs it: not ready while its model loads;
 * ready once its streams run; not ready during a broker outage (Kafka Streams stays RUNNING when
 * its broker goes away, so readiness also asks when the consumers last reached a broker) while
 * liveness ignores brokers; ready again when the broker is back.
 */
class ReadinessIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int code(int port, String path) {
    try {
      return get(port, path).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void notReadyWhileTheModelLoadsOrTheBrokerIsUnreachableAndReadyAgainWhenItReturns() throws Exception {
    // its own broker: the test stops it
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        ProcessorInstance instance = ProcessorInstance.create(Settings.defaults().with(Map.of(
            "bootstrap.servers", kafka.bootstrapServers(), "application.id", "it-readiness",
            "stream.state-dir", ProcessorRun.freshStateDir(), "ops.port", Integer.toString(ProcessorRun.freePort()), "topics.partitions", "1",
            "health.broker-timeout-ms", "4000", "model.dir", KafkaPipelineExtension.MODEL), "test"), false)) {
      int port = instance.operations().port();
      assertEquals(503, code(port, "/health/ready"), "ready before the model is loaded");
      assertTrue(get(port, "/health/ready").body().contains("model not loaded"), get(port, "/health/ready").body());

      instance.load().start();
      assertTrue(instance.processor().awaitRunning(Duration.ofSeconds(60)));
      ProcessorRun.await("ready", () -> code(port, "/health/ready") == 200, Duration.ofSeconds(30));

      kafka.stop();
      ProcessorRun.await("not ready without a broker", () -> code(port, "/health/ready") == 503,
          Duration.ofSeconds(60));
      String body = get(port, "/health/ready").body();
      assertTrue(body.contains("no contact with the Kafka brokers"), body);
      assertEquals(KafkaStreams.State.RUNNING, instance.processor().state(), "what Kafka Streams itself reports");
      assertEquals(200, get(port, "/health/live").statusCode(), "an outage must not restart the instance");

      kafka.restart(Duration.ofSeconds(60));
      ProcessorRun.await("ready again with the broker back", () -> code(port, "/health/ready") == 200,
          Duration.ofSeconds(90));
    }
  }
}
