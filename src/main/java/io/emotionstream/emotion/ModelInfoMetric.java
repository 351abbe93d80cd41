package io.emotionstream.emotion;

import io.emotionstream.model.ModelMetadata;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;

/**
 * {@code emotionstream_model_info{name, version, channel, role, precision} 1}: the model in service,
 * as Prometheus likes info metrics; {@code role} is {@code configured} (model.dir, before a release
 * applied), {@code stable} (the channel's release) or {@code canary}, so that dashboards can compare
 * a canary's instances with the others; {@code precision} is what its network computes in on this
 * instance's devices ({@link ModelRuntime#computesIn()}: {@code inference.precision=auto} gives
 * bfloat16 on CPUs with native bfloat16, float32 elsewhere).
 */
public final class ModelInfoMetric {

  private final MultiGauge gauge;

  public ModelInfoMetric(MeterRegistry registry) {
    this.gauge = MultiGauge.builder("emotionstream.model.info")
        .description("the model in service (value 1), by name and version").register(registry);
  }

  private volatile String channel = "";
  private volatile String role = "configured";
  private volatile ModelMetadata shown;
  private volatile String precision = "";

  /** Shows {@code runtime}'s model as the model in service, dropping the previous row. */
  public void show(ModelRuntime runtime) {
    show(runtime.artifact().metadata(), runtime.computesIn());
  }

  /** Shows {@code m}, computing in {@code precision}, as the model in service, dropping the previous row. */
  public synchronized void show(ModelMetadata m, String precision) {
    shown = m;
    this.precision = precision;
    gauge.register(List.of(MultiGauge.Row.of(Tags.of("name", m.name(), "version", m.version(), "channel", channel,
        "role", role, "precision", precision), 1)), true);
  }

  /** The channel followed and the role of the model in service ({@code configured}, {@code stable}, {@code canary}). */
  public synchronized void role(String channel, String role) {
    if (!channel.equals(this.channel) || !role.equals(this.role)) {
      this.channel = channel;
      this.role = role;
      if (shown != null) {
        show(shown, precision);
      }
    }
  }
}
