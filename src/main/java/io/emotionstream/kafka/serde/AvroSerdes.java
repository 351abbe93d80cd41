package io.emotionstream.kafka.serde;

import io.emotionstream.config.Settings;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Builds the Avro serde for a record type in the configured {@code wire.format}. */
public final class AvroSerdes {

  private final WireFormat format;
  private final SchemaRegistryClient registry;
  private final boolean autoRegister;

  public AvroSerdes(WireFormat format, SchemaRegistryClient registry, boolean autoRegister) {
    if (format == WireFormat.REGISTRY && registry == null) {
      throw new IllegalArgumentException("wire.format=registry needs schema.registry.url");
    }
    this.format = format;
    this.registry = registry;
    this.autoRegister = autoRegister;
  }

  /** From {@code wire.format}, {@code schema.registry.url} and {@code schema.registry.auto-register}. */
  public static AvroSerdes from(Settings settings) {
    WireFormat format = settings.enumValue("wire.format", WireFormat.class);
    SchemaRegistryClient registry = format == WireFormat.REGISTRY
        ? SchemaRegistryClient.from(settings) : null;
    return new AvroSerdes(format, registry, format != WireFormat.REGISTRY || settings.bool("schema.registry.auto-register"));
  }

  public WireFormat format() {
    return format;
  }

  public <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
    return format == WireFormat.EMBEDDED
        ? new SingleObjectAvroSerde<>(type)
        : new RegistryAvroSerde<>(type, registry, autoRegister);
  }
}
