package io.emotionstream.testing;

import io.emotionstream.analysis.FrameAnalyzer;
import io.emotionstream.config.Settings;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.processor.Pipeline;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the integration tests of the stream share: a real broker per test class and, when asked
 * for, the detection pipeline (with face-api's network, whose weights come with the build) and a
 * real schema registry, started before the class's first test and closed after its last. Each test
 * then asks for the {@link #settings settings of one run} and states only what is particular to it.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaPipelineExtension KAFKA = KafkaPipelineExtension.broker().withPipeline();
 * }</pre>
 */
public final class KafkaPipelineExtension implements BeforeAllCallback, AfterAllCallback {

  /** The model the tests of the stream run: they are about the stream, not about the model. */
  public static final String MODEL = "faceapi-expression";

  private boolean pipelineWanted;
  private boolean registryWanted;
  private EmbeddedKafka kafka;
  private Pipeline pipeline;
  private SchemaRegistryServer registry;

  private KafkaPipelineExtension() {}

  /** A broker only. */
  public static KafkaPipelineExtension broker() {
    return new KafkaPipelineExtension();
  }

  /** Also the detection pipeline, opened once for the class (loading the networks takes seconds). */
  public KafkaPipelineExtension withPipeline() {
    pipelineWanted = true;
    return this;
  }

  /** Also a schema registry, whose address the {@link #settings settings} carry. */
  public KafkaPipelineExtension withRegistry() {
    registryWanted = true;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    kafka = EmbeddedKafka.start();
    if (registryWanted) {
      registry = SchemaRegistryServer.start();
    }
    if (pipelineWanted) {
      pipeline = Pipeline.open(Settings.defaults().with(Map.of("model.dir", MODEL), "test"));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    // the pipeline first, then what it may still talk to; each closed even when one before failed
    try (EmbeddedKafka k = kafka; SchemaRegistryServer r = registry; Pipeline p = pipeline) {
      kafka = null;
      registry = null;
      pipeline = null;
    }
  }

  public EmbeddedKafka kafka() {
    return running(kafka, "broker");
  }

  public String bootstrapServers() {
    return kafka().bootstrapServers();
  }

  public SchemaRegistryServer registry() {
    return running(registry, "registry (withRegistry())");
  }

  public Pipeline pipeline() {
    return running(pipeline, "pipeline (withPipeline())");
  }

  public FrameAnalyzer analyzer() {
    return pipeline().analyzer();
  }

  /**
   * The settings of one processor run called {@code name}: its own application id and topics on
   * this broker, a fresh state directory, commits every 200 ms, every frame analysed however late
   * (shedding has its own tests), the pipeline's model, the registry when there is one; then
   * {@code extra}, which wins.
   */
  public Settings settings(String name, Map<String, String> extra) {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", bootstrapServers());
    values.put("application.id", "it-" + name);
    for (String topic : new String[] {"frames", "events", "stats", "tracks", "schemas"}) {
      values.put("topic." + topic, name + "-" + topic);
    }
    values.put("topic.dead-letter", name + "-dlq");
    values.put("stream.state-dir", ProcessorRun.freshStateDir());
    values.put("commit.interval.ms", "200");
    values.put("frame.max-age-ms", "0");
    values.put("model.dir", MODEL);
    if (registry != null) {
      values.put("schema.registry.url", registry.ccompatUrl());
    }
    values.putAll(extra);
    return Settings.defaults().with(values, "test");
  }

  private static <T> T running(T part, String what) {
    if (part == null) {
      throw new IllegalStateException("no " + what + ": only between the class's first and last test");
    }
    return part;
  }
}
