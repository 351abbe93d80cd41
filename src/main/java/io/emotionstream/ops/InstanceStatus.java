package io.emotionstream.ops;

import io.emotionstream.stream.EmotionStreams;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What the health endpoints and the dashboard report about this instance. The processor and the
 * model arrive while the HTTP server is already up, so that readiness can say "not yet".
 *
 * <p>Ready means "this consumer is doing its share": a model is loaded, Kafka Streams is RUNNING,
 * and its consumers were in contact with the group coordinator (a broker) within
 * {@code health.broker-timeout-ms}: Kafka Streams stays RUNNING while every broker is unreachable,
 * and its partitions are then processed by nobody; and the schema registry (wire format
 * {@code registry}) answered its last call: while it cannot, the stream threads that need a schema
 * from it wait. Live means only "restarting would not help":
 * the streams have not died, whatever the brokers do (an outage must not restart every pod).
 */
public final class InstanceStatus {

  private volatile EmotionStreams processor;
  private volatile Supplier<String> model = () -> null;
  private volatile Supplier<java.util.List<String>> labels = java.util.List::of;
  private volatile String advertisedAddress;
  private volatile boolean dashboardOnly;
  private volatile String unavailable;
  private volatile Duration brokerTimeout = Duration.ofSeconds(30);
  private volatile Supplier<ServiceHealth> service;

  /**
   * This instance runs a service other than the processor (e.g. {@code ingest}): liveness and
   * readiness are what it says.
   */
  public void service(Supplier<ServiceHealth> health) {
    this.service = health;
  }

  /** This instance only serves the dashboard: ready as soon as it answers. */
  public void dashboardOnly() {
    this.dashboardOnly = true;
  }

  /** This instance cannot serve, and why (e.g. GPUs asked for and not usable): never ready. */
  public void unavailable(String reason) {
    this.unavailable = reason;
  }

  /** Longest time without contact with a broker before the instance reports not ready. */
  public void brokerTimeout(Duration timeout) {
    this.brokerTimeout = timeout;
  }

  /** @param address host:port other instances reach this one at ({@code ops.advertised-address}), or null */
  public void advertisedAddress(String address) {
    this.advertisedAddress = address == null || address.isBlank() ? null : address;
  }

  public String advertisedAddress() {
    return advertisedAddress;
  }

  public void processor(EmotionStreams processor) {
    this.processor = processor;
  }

  /** @param model the name and version of the model in service, null while none is loaded */
  public void model(Supplier<String> model) {
    this.model = model;
  }

  /** @param labels the labels of the model in service, empty while none is loaded */
  public void labels(Supplier<java.util.List<String>> labels) {
    this.labels = labels;
  }

  /** The labels of the model in service (empty while none is loaded). */
  public java.util.List<String> labels() {
    return labels.get();
  }

  /** The camera policies in force, or none (no camera analysed) before the processor is built. */
  public io.emotionstream.policy.CameraPolicies cameraPolicies() {
    EmotionStreams p = processor;
    return p == null ? io.emotionstream.policy.CameraPolicies.none() : p.cameraPolicies().get();
  }

  public EmotionStreams processor() {
    return processor;
  }

  /** Name and version of the model in service, or null. */
  public String modelInService() {
    return model.get();
  }

  public KafkaStreams.State streamsState() {
    EmotionStreams p = processor;
    return p == null ? null : p.state();
  }

  /** Alive unless the streams have died for good. */
  public boolean live() {
    Supplier<ServiceHealth> s = service;
    if (s != null) {
      return s.get().live();
    }
    KafkaStreams.State state = streamsState();
    return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR;
  }

  /** Why the instance is not live (or "live"). */
  public String liveness() {
    Supplier<ServiceHealth> s = service;
    if (s != null) {
      ServiceHealth h = s.get();
      return h.live() ? "live" : h.detail();
    }
    return live() ? "live" : "streams failed";
  }

  /** Ready to process: a model is loaded, Kafka Streams is RUNNING and in contact with the brokers. */
  public boolean ready() {
    return readiness().startsWith("ready");
  }

  /** Why the instance is not ready, or "ready". */
  public String readiness() {
    Supplier<ServiceHealth> s = service;
    if (s != null) {
      ServiceHealth h = s.get();
      return (h.ready() ? "ready: " : "not ready: ") + h.detail();
    }
    if (unavailable != null) {
      return "unavailable: " + unavailable;
    }
    if (dashboardOnly) {
      return "ready (dashboard only)";
    }
    if (modelInService() == null) {
      return "model not loaded";
    }
    KafkaStreams.State state = streamsState();
    if (state != KafkaStreams.State.RUNNING) {
      return "streams " + (state == null ? "not started" : state);
    }
    OptionalDouble silence = processor.secondsSinceBrokerContact();
    if (silence.isPresent() && silence.getAsDouble() * 1000 > brokerTimeout.toMillis()) {
      return String.format(java.util.Locale.ROOT, "no contact with the Kafka brokers for %.0f s (limit %d s)",
          silence.getAsDouble(), brokerTimeout.toSeconds());
    }
    String registry = processor.registryProblem();
    if (registry != null) {
      // frames whose schema it must fetch wait (back-pressure, nothing is dead-lettered)
      return registry;
    }
    return "ready";
  }
}
