package io.emotionstream.ops;

import io.emotionstream.stream.EmotionProcessor;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What the health endpoints and the dashboard report about this instance. The processor and the
 * model arrive while the HTTP server is already up, so that readiness can say "not yet".
 */
public final class InstanceStatus {

  private volatile EmotionProcessor processor;
  private volatile Supplier<String> model = () -> null;
  private volatile String advertisedAddress;
  private volatile boolean dashboardOnly;

  /** This instance only serves the dashboard: ready as soon as it answers. */
  public void dashboardOnly() {
    this.dashboardOnly = true;
  }

  /** @param address host:port other instances reach this one at ({@code ops.advertised-address}), or null */
  public void advertisedAddress(String address) {
    this.advertisedAddress = address == null || address.isBlank() ? null : address;
  }

  public String advertisedAddress() {
    return advertisedAddress;
  }

  public void processor(EmotionProcessor processor) {
    this.processor = processor;
  }

  /** @param model the name and version of the model in service, null while none is loaded */
  public void model(Supplier<String> model) {
    this.model = model;
  }

  public EmotionProcessor processor() {
    return processor;
  }

  /** Name and version of the model in service, or null. */
  public String modelInService() {
    return model.get();
  }

  public KafkaStreams.State streamsState() {
    EmotionProcessor p = processor;
    return p == null ? null : p.state();
  }

  /** Alive unless the streams have died for good. */
  public boolean live() {
    KafkaStreams.State state = streamsState();
    return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR;
  }

  /** Ready to process: a model is loaded and Kafka Streams is RUNNING. */
  public boolean ready() {
    return dashboardOnly || modelInService() != null && streamsState() == KafkaStreams.State.RUNNING;
  }

  /** Why the instance is not ready, or "ready". */
  public String readiness() {
    if (dashboardOnly) {
      return "ready (dashboard only)";
    }
    if (modelInService() == null) {
      return "model not loaded";
    }
    KafkaStreams.State state = streamsState();
    return state == KafkaStreams.State.RUNNING ? "ready" : "streams " + (state == null ? "not started" : state);
  }
}
