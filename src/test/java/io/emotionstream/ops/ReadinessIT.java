package io.emotionstream.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.processor.Pipeline;
import io.emotionstream.stream.EmotionStreams;
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
 * Readiness during a broker outage: Kafka Streams stays RUNNING when its broker goes away, so
 * readiness also asks when the consumers last reached a broker; liveness ignores brokers.
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
  void notReadyWhileTheBrokerIsUnreachable() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    EmbeddedKafka kafka = EmbeddedKafka.start();
    Settings settings = Settings.defaults().with(Map.of("bootstrap.servers", kafka.bootstrapServers(),
        "application.id", "it-readiness", "ops.port", Integer.toString(port), "topics.partitions", "1",
        "health.broker-timeout-ms", "4000"), "test").with(Map.of("model.dir", "faceapi-expression"), "test");
    try (Operations ops = Operations.start(settings, false);
        Pipeline pipeline = Pipeline.open(settings, ops.registry());
        EmotionStreams processor = new EmotionStreams(settings, pipeline.analyzer(), ops.registry())) {
      ops.status().model(pipeline::modelInService);
      ops.status().processor(processor);
      processor.start();
      assertTrue(processor.awaitRunning(Duration.ofSeconds(60)));
      ProcessorRun.await("ready", () -> code(port, "/health/ready") == 200, Duration.ofSeconds(30));

      kafka.close();
      ProcessorRun.await("not ready without a broker", () -> code(port, "/health/ready") == 503,
          Duration.ofSeconds(60));
      String body = get(port, "/health/ready").body();
      assertTrue(body.contains("no contact with the Kafka brokers"), body);
      assertEquals(KafkaStreams.State.RUNNING, processor.state(), "what Kafka Streams itself reports");
      assertEquals(200, get(port, "/health/live").statusCode(), "an outage must not restart the instance");
    } finally {
      kafka.close();
    }
  }
}
