package io.emotionstream.kafka.serde;

import io.emotionstream.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Avro serde for a record type in the configured {@code wire.format}, and declares at
 * start the schemas an instance writes ({@link #declareWriters}), so that a schema that would break
 * the compatibility rule ({@code schema.compatibility}) is refused before anything is written.
 */
public final class AvroSerdes {

  private static final Logger LOG = LoggerFactory.getLogger(AvroSerdes.class);

  /** How often at most a reader rereads the schemas topic for fingerprints it does not know. */
  private static final Duration SCHEMA_TOPIC_REFRESH = Duration.ofSeconds(5);

  private final WireFormat format;
  private final SchemaRegistryClient registry;
  private final boolean autoRegister;
  private final CompatibilityLevel compatibility;
  private final SchemaTopic schemaTopic;
  private final SchemaStore readerSchemas;
  private final String readerSchemasDescription;
  private final RegistryOutageWait outage;

  /**
   * @param compatibility the level writers keep to; null: none is set or checked
   * @param schemaTopic the schemas topic of the embedded format; null: none (readers know only this build's schemas)
   */
  public AvroSerdes(WireFormat format, SchemaRegistryClient registry, boolean autoRegister,
      CompatibilityLevel compatibility, SchemaTopic schemaTopic) {
    this(format, registry, autoRegister, compatibility, schemaTopic, RegistryOutageWait.none());
  }

  /** @param outage how long reads and writes wait for an unavailable registry ({@code registry} format) */
  public AvroSerdes(WireFormat format, SchemaRegistryClient registry, boolean autoRegister,
      CompatibilityLevel compatibility, SchemaTopic schemaTopic, RegistryOutageWait outage) {
    this.outage = outage;
    if (format == WireFormat.REGISTRY && registry == null) {
      throw new IllegalArgumentException("wire.format=registry needs schema.registry.url");
    }
    this.format = format;
    this.registry = registry;
    this.autoRegister = autoRegister;
    this.compatibility = compatibility;
    this.schemaTopic = schemaTopic;
    SchemaHistory history = SchemaHistory.bundled();
    String known = "the " + history.all().size() + " schema versions this build knows";
    if (schemaTopic == null) {
      this.readerSchemas = history.store();
      this.readerSchemasDescription = known;
    } else {
      this.readerSchemas = new SchemaTopicStore(history.store(), schemaTopic, SCHEMA_TOPIC_REFRESH);
      this.readerSchemasDescription = known + " or on the schemas topic " + schemaTopic.name();
    }
  }

  /**
   * From {@code wire.format}, {@code schema.compatibility}, {@code topic.schemas} (embedded) and
   * {@code schema.registry.url} and {@code schema.registry.auto-register} (registry).
   */
  public static AvroSerdes from(Settings settings) {
    WireFormat format = settings.enumValue("wire.format", WireFormat.class);
    SchemaRegistryClient registry = format == WireFormat.REGISTRY
        ? SchemaRegistryClient.from(settings) : null;
    CompatibilityLevel level = CompatibilityLevel.parse(settings.string("schema.compatibility", ""),
        "schema.compatibility", settings.source("schema.compatibility"));
    SchemaTopic topic = format == WireFormat.EMBEDDED ? new SchemaTopic(settings) : null;
    long wait = settings.longValue("schema.registry.outage-wait-ms");
    if (wait < 0) {
      throw new IllegalArgumentException("setting 'schema.registry.outage-wait-ms' = " + wait + " from "
          + settings.source("schema.registry.outage-wait-ms") + " must not be negative");
    }
    return new AvroSerdes(format, registry, format != WireFormat.REGISTRY || settings.bool("schema.registry.auto-register"),
        level, topic, new RegistryOutageWait(Duration.ofMillis(wait)));
  }

  public WireFormat format() {
    return format;
  }

  public <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
    return format == WireFormat.EMBEDDED
        ? new SingleObjectAvroSerde<>(type, readerSchemas, readerSchemasDescription)
        : new RegistryAvroSerde<>(type, registry, autoRegister, outage);
  }

  /**
   * Why the registry cannot be used now, or null: it answered the last call (or this format needs
   * none). Set while calls fail for want of it, cleared by the next that succeeds.
   */
  public String registryProblem() {
    if (registry == null || registry.unavailableSince() == 0) {
      return null;
    }
    long seconds = (System.currentTimeMillis() - registry.unavailableSince()) / 1000;
    return "schema registry at " + registry.baseUrl() + " unavailable for " + seconds + " s, " + outage.waiting()
        + " reader(s) waiting: " + registry.lastProblem();
  }

  /** Reads and writes that waited for the registry, since the start. */
  public long registryWaits() {
    return outage.waits();
  }

  /** Ends every wait for the registry (at shutdown). */
  public void close() {
    outage.close();
  }

  /**
   * Declares the schema of each topic's values before anything is written. {@code registry}: sets the
   * subject's ({@code <topic>-value}) compatibility level and registers the schema (with
   * auto-registration off: checks that it is registered). {@code embedded}: checks the schema against
   * every version of it on the schemas topic at the compatibility level, then publishes it and its
   * earlier versions there.
   *
   * @throws IncompatibleSchemaException naming the topic, schema, subject or schemas topic and why
   */
  public void declareWriters(Map<String, Class<? extends SpecificRecord>> valueTypes) {
    Map<String, Schema> schemas = new LinkedHashMap<>();
    valueTypes.forEach((topic, type) -> schemas.put(topic, SpecificData.get().getSchema(type)));
    if (format == WireFormat.REGISTRY) {
      // a registry that is down at start is waited for, as during the run
      schemas.forEach((topic, schema) -> outage.call("declaring the schema of " + topic + " at start", () -> {
        declareInRegistry(topic, schema);
        return null;
      }));
    } else if (schemaTopic != null) {
      declareOnSchemaTopic(schemas);
    }
  }

  private void declareInRegistry(String topic, Schema schema) {
    String subject = RegistryAvroSerde.subject(topic);
    if (!autoRegister) {
      try {
        registry.lookup(subject, schema);
      } catch (SchemaRegistryClient.RegistryException e) {
        if (e.status() / 100 != 4) {
          throw e;
        }
        throw new IncompatibleSchemaException("schema " + schema.getFullName() + " for topic " + topic
            + " is not registered under subject " + subject + " at " + registry.baseUrl()
            + " and schema.registry.auto-register is off: register it first (" + e.getMessage() + ")", e);
      }
      return;
    }
    if (compatibility != null) {
      registry.setCompatibility(subject, compatibility);
    }
    try {
      int id = registry.register(subject, schema);
      LOG.info("schema {} for topic {}: id {} under subject {} (compatibility {})", schema.getFullName(), topic, id,
          subject, compatibility == null ? registry.compatibility(subject) : compatibility);
    } catch (SchemaRegistryClient.RegistryException e) {
      if (e.status() != 409) {
        throw e;
      }
      throw new IncompatibleSchemaException("schema registry at " + registry.baseUrl() + " refuses schema "
          + schema.getFullName() + " for topic " + topic + " under subject " + subject + " (compatibility "
          + (compatibility == null ? registry.compatibility(subject) : compatibility) + "): " + e.getMessage(), e);
    }
  }

  private void declareOnSchemaTopic(Map<String, Schema> schemas) {
    schemaTopic.ensure();
    Map<String, Schema> published = schemaTopic.readAll();
    List<Schema> missing = new ArrayList<>();
    for (Map.Entry<String, Schema> e : schemas.entrySet()) {
      Schema schema = e.getValue();
      String key = SchemaTopic.key(schema);
      List<Schema> earlier = published.entrySet().stream()
          .filter(p -> p.getValue().getFullName().equals(schema.getFullName()) && !p.getKey().equals(key))
          .map(Map.Entry::getValue).toList();
      List<String> problems = compatibility == null ? List.of() : compatibility.problems(schema, earlier);
      if (!problems.isEmpty()) {
        throw new IncompatibleSchemaException("schema " + schema.getFullName() + " (fingerprint " + key
            + ") for topic " + e.getKey() + " is not " + compatibility + "-compatible with the "
            + earlier.size() + " version(s) of " + schema.getFullName() + " on the schemas topic "
            + schemaTopic.name() + ": " + String.join("; ", problems), null);
      }
      for (SchemaHistory.Version v : SchemaHistory.bundled().versions(schema.getFullName())) {
        addMissing(missing, published, v.schema());
      }
      addMissing(missing, published, schema);
    }
    schemaTopic.publish(missing);
    if (!missing.isEmpty()) {
      LOG.info("published {} schema version(s) to {}: {}", missing.size(), schemaTopic.name(),
          missing.stream().map(s -> s.getName() + "@" + SchemaTopic.key(s)).toList());
    }
  }

  private static void addMissing(List<Schema> missing, Map<String, Schema> published, Schema schema) {
    String key = SchemaTopic.key(schema);
    if (!published.containsKey(key) && missing.stream().noneMatch(s -> SchemaTopic.key(s).equals(key))) {
      missing.add(schema);
    }
  }
}
