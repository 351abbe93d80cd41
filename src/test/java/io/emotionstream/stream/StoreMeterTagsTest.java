package io.emotionstream.stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** Meters of two kinds of state store under one name, as Kafka Streams' binder registers them. */
class StoreMeterTagsTest {

  private static void registerBothStores(MeterRegistry registry) {
    Gauge.builder("kafka.stream.state.put.rate", () -> 1.0).tag("thread.id", "t-1").tag("task.id", "0_1")
        .tag("rocksdb.window.state.id", "stats-windows").register(registry);
    Gauge.builder("kafka.stream.state.put.rate", () -> 2.0).tag("thread.id", "t-1").tag("task.id", "0_1")
        .tag("rocksdb.state.id", "face-tracker-store").register(registry);
  }

  @Test
  void withoutTheFilterPrometheusRefusesTheSecondStoresMeters() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registerBothStores(registry);
    assertFalse(registry.scrape().contains("face-tracker-store"), "the behaviour the filter exists for");
    registry.close();
  }

  @Test
  void everyStoresMetersReachTheScrapeUnderOneTagKey() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new StoreMeterTags());
    registerBothStores(registry);
    Gauge.builder("kafka.consumer.fetch.rate", () -> 3.0).tag("client.id", "c").register(registry);
    String scrape = registry.scrape();
    registry.close();
    assertTrue(scrape.contains("kafka_stream_state_put_rate{state_id=\"face-tracker-store\",task_id=\"0_1\","
        + "thread_id=\"t-1\"} 2.0"), scrape);
    assertTrue(scrape.contains("kafka_stream_state_put_rate{state_id=\"stats-windows\",task_id=\"0_1\","
        + "thread_id=\"t-1\"} 1.0"), scrape);
    assertTrue(scrape.contains("kafka_consumer_fetch_rate{client_id=\"c\"} 3.0"), "other meters as they were");
  }
}
