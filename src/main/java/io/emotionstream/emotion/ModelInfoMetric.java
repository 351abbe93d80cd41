package io.emotionstream.emotion;

import io.emotionstream.model.ModelMetadata;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;

/** {@code emotionstream_model_info{name, version} 1}: the model in service, as Prometheus likes info metrics. */
public final class ModelInfoMetric {

  private final MultiGauge gauge;

  public ModelInfoMetric(MeterRegistry registry) {
    this.gauge = MultiGauge.builder("emotionstream.model.info")
        .description("the model in service (value 1), by name and version").register(registry);
  }

  /** Shows {@code m} as the model in service, dropping the previous row. */
  public void show(ModelMetadata m) {
    gauge.register(List.of(MultiGauge.Row.of(Tags.of("name", m.name(), "version", m.version()), 1)), true);
  }
}
