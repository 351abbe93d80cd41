package io.emotionstream.ingest;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One camera's series on {@code /metrics}, labelled {@code camera}: frames read, sent, skipped and
 * dropped (by reason), reconnects, bytes sent, the age of the last frame read and the current
 * state (1 for the state it is in, 0 for the others). Removed when the camera leaves the list.
 */
final class CameraMeters implements AutoCloseable {

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  /** Held here: a gauge keeps only a weak reference to the object it reads. */
  private final Supplier<CameraState> state;

  CameraMeters(MeterRegistry registry, String camera, CameraCounters c, Supplier<CameraState> state) {
    this.registry = registry;
    this.state = state;
    counter("emotionstream.ingest.frames.read", "frames read from the camera", camera, c, CameraCounters::read);
    counter("emotionstream.ingest.frames.sent", "frames acknowledged by Kafka", camera, c, CameraCounters::sent);
    counter("emotionstream.ingest.frames.skipped", "frames read and replaced by a newer one before sending", camera, c,
        CameraCounters::skipped);
    for (CameraCounters.DropReason reason : CameraCounters.DropReason.values()) {
      meters.add(FunctionCounter.builder("emotionstream.ingest.frames.dropped", c, x -> x.dropped(reason))
          .description("frames taken for sending that did not reach Kafka").tags("camera", camera, "reason", reason.label())
          .register(registry));
    }
    counter("emotionstream.ingest.reconnects", "connection attempts after a failure or a lost connection", camera, c,
        CameraCounters::reconnects);
    meters.add(FunctionCounter.builder("emotionstream.ingest.sent", c, CameraCounters::bytesSent).baseUnit("bytes")
        .description("image bytes acknowledged by Kafka").tags("camera", camera).register(registry));
    meters.add(Gauge.builder("emotionstream.ingest.last.frame.age", c, CameraCounters::lastFrameAgeSeconds)
        .baseUnit("seconds").description("time since the camera's last frame was read").tags("camera", camera)
        .register(registry));
    for (CameraState s : CameraState.values()) {
      meters.add(Gauge.builder("emotionstream.ingest.camera.state", state, x -> x.get() == s ? 1 : 0)
          .description("1 for the state the camera is in").tags("camera", camera, "state", s.label()).register(registry));
    }
  }

  private void counter(String name, String description, String camera, CameraCounters c,
      java.util.function.ToDoubleFunction<CameraCounters> f) {
    meters.add(FunctionCounter.builder(name, c, f).description(description).tags("camera", camera).register(registry));
  }

  @Override
  public void close() {
    meters.forEach(registry::remove);
  }
}
