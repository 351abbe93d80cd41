package io.emotionstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.emotionstream.config.Settings;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kustomization an operator applies, rendered, with its cross-references checked against each
 * other and against the code's settings: every topic the processor uses ({@code topic.*}) is a
 * KafkaTopic in the Kafka cluster's namespace (derived from {@code bootstrap.servers}); the trainer
 * does not start on {@code apply -k}; ports agree with {@code ops.port}; the scaler reads the
 * processor's topic, group and brokers and also sees overload (frames shed); every Secret a pod or
 * TriggerAuthentication names is rendered or is a KafkaUser's or the cluster CA's (copied, see the
 * secure overlay); the KafkaUsers' ACLs cover what the processor and Kafka Streams use; trainer and
 * processors share one model store at one path.
 */
class DeploymentReferencesTest {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Settings DEFAULTS = Settings.defaults();

  @ParameterizedTest
  @ValueSource(strings = {"k8s", "k8s/overlays/gpu", "k8s/overlays/secure"})
  void everyOverlayFitsTogether(String dir) throws Exception {
    assumeTrue(installed("kubectl"), "kubectl not installed: kustomize rendering not checked");
    List<JsonNode> docs = documents(run("kubectl", "kustomize", dir));
    Properties site = new Properties();
    JsonNode config = docs.stream().filter(d -> kind(d, "ConfigMap") && name(d).startsWith("emotion-stream-config"))
        .findFirst().orElseThrow();
    site.load(new StringReader(config.path("data").path("site.properties").asText()));
    JsonNode processor = find(docs, "Deployment", "processor");
    JsonNode container = containers(processor).get(0);
    String bootstrap = env(container, "EMOTION_STREAM_BOOTSTRAP_SERVERS", site.getProperty("bootstrap.servers"));
    // emotion-kafka-kafka-bootstrap.kafka:9092 -> cluster emotion-kafka in namespace kafka
    String host = bootstrap.split(",")[0].split(":")[0];
    String cluster = host.substring(0, host.indexOf("-kafka-bootstrap"));
    String kafkaNamespace = host.split("\\.")[1];
    String appNamespace = find(docs, "Namespace", "emotion-stream").path("metadata").path("name").asText();

    // namespaces: Strimzi's resources with the cluster, the rest with the application
    for (JsonNode d : docs) {
      String ns = d.path("metadata").path("namespace").asText();
      if (d.path("apiVersion").asText().startsWith("kafka.strimzi.io")) {
        assertEquals(kafkaNamespace, ns, dir + ": " + kindName(d) + " where the Strimzi operators watch");
        assertEquals(cluster, d.path("metadata").path("labels").path("strimzi.io/cluster").asText(), kindName(d));
      } else if (!kind(d, "Namespace")) {
        assertEquals(appNamespace, ns, dir + ": " + kindName(d));
      }
    }

    // topics: every topic.* setting is a KafkaTopic, since the processor may not create them
    assertEquals("false", site.getProperty("topics.create"), "topics are Strimzi's");
    Set<String> topics = new TreeSet<>();
    docs.stream().filter(d -> kind(d, "KafkaTopic")).forEach(d -> topics.add(name(d)));
    for (String key : DEFAULTS.asMap().keySet()) {
      if (key.startsWith("topic.")) {
        String topic = site.getProperty(key, DEFAULTS.string(key));
        assertTrue(topics.contains(topic), dir + ": " + key + " = " + topic + " has no KafkaTopic; there are " + topics);
      }
    }

    // the trainer never starts with apply -k
    assertTrue(docs.stream().noneMatch(d -> kind(d, "Job")), dir + ": a Job would start training at once");
    JsonNode trainer = find(docs, "CronJob", "trainer");
    assertTrue(trainer.path("spec").path("suspend").asBoolean(), "the trainer's CronJob is suspended");
    JsonNode trainerPod = trainer.path("spec").path("jobTemplate").path("spec").path("template");
    JsonNode trainerContainer = trainerPod.path("spec").path("containers").get(0);

    // ports: the ops port everywhere it is named
    String port = site.getProperty("ops.port", DEFAULTS.string("ops.port"));
    for (JsonNode d : docs) {
      if (kind(d, "Deployment")) {
        JsonNode http = containers(d).get(0).path("ports").get(0);
        assertEquals("http", http.path("name").asText(), kindName(d));
        assertEquals(port, http.path("containerPort").asText(), kindName(d) + " listens on ops.port");
        JsonNode scrape = d.path("spec").path("template").path("metadata").path("annotations").path("prometheus.io/port");
        assertTrue(scrape.isMissingNode() || scrape.asText().equals(port), kindName(d) + " scraped on ops.port");
      }
      if (kind(d, "Service")) {
        assertEquals("http", d.path("spec").path("ports").get(0).path("targetPort").asText(), kindName(d));
      }
    }
    assertTrue(env(container, "EMOTION_STREAM_OPS_ADVERTISED_ADDRESS", "").endsWith(":" + port));
    JsonNode policy = find(docs, "NetworkPolicy", "processor");
    assertEquals(processor.path("spec").path("selector").path("matchLabels"), policy.path("spec").path("podSelector")
        .path("matchLabels"), "the NetworkPolicy selects the processors");
    assertEquals(port, policy.path("spec").path("ingress").get(0).path("ports").get(0).path("port").asText());
    boolean egressToKafka = false;
    for (JsonNode rule : policy.path("spec").path("egress")) {
      for (JsonNode to : rule.path("to")) {
        egressToKafka |= kafkaNamespace.equals(to.path("namespaceSelector").path("matchLabels")
            .path("kubernetes.io/metadata.name").asText());
      }
    }
    assertTrue(egressToKafka, "processors may reach the Kafka cluster's namespace");

    // scaling: the processor's topic, group and brokers, and a trigger that sees overload
    JsonNode scaled = find(docs, "ScaledObject", "processor");
    JsonNode kafkaTrigger = null;
    JsonNode overload = null;
    for (JsonNode t : scaled.path("spec").path("triggers")) {
      if (t.path("type").asText().equals("kafka")) {
        kafkaTrigger = t;
      } else if (t.path("type").asText().equals("prometheus")) {
        overload = t;
      }
    }
    assertTrue(kafkaTrigger != null && overload != null, dir + ": lag and overload triggers");
    assertEquals(site.getProperty("topic.frames", DEFAULTS.string("topic.frames")),
        kafkaTrigger.path("metadata").path("topic").asText());
    assertEquals(site.getProperty("application.id", DEFAULTS.string("application.id")),
        kafkaTrigger.path("metadata").path("consumerGroup").asText());
    assertEquals(bootstrap, kafkaTrigger.path("metadata").path("bootstrapServers").asText(),
        "KEDA reads lag where the processors connect");
    JsonNode frames = find(docs, "KafkaTopic", DEFAULTS.string("topic.frames"));
    assertEquals(frames.path("spec").path("partitions").asInt(), scaled.path("spec").path("maxReplicaCount").asInt());
    assertTrue(overload.path("metadata").path("query").asText().contains("emotionstream_frames_shed_total"),
        overload.toString());
    boolean secured = !env(container, "EMOTION_STREAM_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").equals("PLAINTEXT");
    String authentication = kafkaTrigger.path("authenticationRef").path("name").asText("");
    assertEquals(secured, !authentication.isEmpty(), dir + ": KEDA authenticates where the processors do");

    // secrets: rendered here, or a KafkaUser's or the cluster CA's (copied from the cluster's namespace)
    Set<String> secrets = new HashSet<>();
    docs.stream().filter(d -> kind(d, "Secret") || kind(d, "KafkaUser")).forEach(d -> secrets.add(name(d)));
    secrets.add(cluster + "-cluster-ca-cert");
    List<String> named = new ArrayList<>();
    for (JsonNode d : docs) {
      collectSecretNames(d, named);
    }
    for (String s : named) {
      assertTrue(secrets.contains(s) || s.equals("emotion-stream-ops"), dir + ": Secret " + s + " is neither rendered nor "
          + "a KafkaUser's or the CA's: " + secrets);
    }
    if (secured) {
      JsonNode auth = find(docs, "TriggerAuthentication", authentication);
      Set<String> parameters = new HashSet<>();
      auth.path("spec").path("secretTargetRef").forEach(r -> parameters.add(r.path("parameter").asText()));
      assertEquals(Set.of("sasl", "tls", "username", "password", "ca"), parameters);
      String user = secretOf(container, "EMOTION_STREAM_KAFKA_SASL_JAAS_CONFIG");
      assertAcls(find(docs, "KafkaUser", user), site, true);
      String trainerUser = secretOf(trainerContainer, "EMOTION_STREAM_KAFKA_SASL_JAAS_CONFIG");
      assertAcls(find(docs, "KafkaUser", trainerUser), site, false);
      for (JsonNode r : auth.path("spec").path("secretTargetRef")) {
        if (r.path("parameter").asText().equals("password")) {
          assertEquals(user, r.path("name").asText(), "KEDA logs in as the processors' user");
        }
      }
    }

    // one model store: the same claim at the same path, the same store URI
    String store = env(container, "EMOTION_STREAM_MODEL_STORE", null);
    assertEquals(store, env(trainerContainer, "EMOTION_STREAM_MODEL_STORE", null));
    assertEquals(mountOf(processor.path("spec").path("template"), container, store),
        mountOf(trainerPod, trainerContainer, store), "processors read the claim the trainer writes");
  }

  /** The claim and mount path that hold {@code storeUri} in a pod. */
  private static String mountOf(JsonNode podTemplate, JsonNode container, String storeUri) {
    String path = storeUri.replaceFirst("^file:", "");
    for (JsonNode m : container.path("volumeMounts")) {
      if (path.startsWith(m.path("mountPath").asText() + "/")) {
        for (JsonNode v : podTemplate.path("spec").path("volumes")) {
          if (v.path("name").asText().equals(m.path("name").asText())) {
            return v.path("persistentVolumeClaim").path("claimName").asText() + ":" + m.path("mountPath").asText();
          }
        }
      }
    }
    throw new AssertionError("no volume holds the model store " + storeUri + " in " + container.path("name"));
  }

  private static void assertAcls(JsonNode user, Properties site, boolean processor) {
    List<String> granted = new ArrayList<>();
    for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
      JsonNode r = acl.path("resource");
      for (JsonNode op : acl.path("operations")) {
        granted.add(r.path("type").asText() + ":" + r.path("patternType").asText("literal") + ":"
            + r.path("name").asText() + ":" + op.asText());
      }
    }
    List<String> needed = new ArrayList<>();
    String app = site.getProperty("application.id", DEFAULTS.string("application.id"));
    if (processor) {
      needed.add("topic:literal:" + topic(site, "topic.frames") + ":Read");
      for (String key : List.of("topic.events", "topic.tracks", "topic.dead-letter", "topic.stats", "topic.zone-stats",
          "topic.audit", "topic.schemas")) {
        needed.add("topic:literal:" + topic(site, key) + ":Write");
      }
      needed.add("topic:literal:" + topic(site, "topic.model-releases") + ":Read");
      needed.add("topic:prefix:" + app + "-:Create"); // changelog and repartition topics
      needed.add("topic:prefix:" + app + "-:Write");
      needed.add("topic:prefix:" + app + "-:Read");
      needed.add("group:prefix:" + app + ":Read");
      needed.add("transactionalId:prefix:" + app + "-:Write");
      assertFalse(granted.contains("topic:literal:" + topic(site, "topic.model-releases") + ":Write"),
          "processors do not release models");
    } else {
      needed.add("topic:literal:" + topic(site, "topic.model-releases") + ":Write");
      needed.add("topic:literal:" + topic(site, "topic.model-releases") + ":Read");
      needed.add("topic:literal:" + topic(site, "topic.audit") + ":Write");
    }
    for (String n : needed) {
      assertTrue(granted.contains(n), "KafkaUser " + name(user) + " lacks " + n + "; it has " + granted);
    }
  }

  private static String topic(Properties site, String key) {
    return site.getProperty(key, DEFAULTS.string(key));
  }

  private static String secretOf(JsonNode container, String variable) {
    for (JsonNode e : container.path("env")) {
      if (e.path("name").asText().equals(variable)) {
        return e.path("valueFrom").path("secretKeyRef").path("name").asText();
      }
    }
    throw new AssertionError(container.path("name") + " has no " + variable);
  }

  private static void collectSecretNames(JsonNode node, List<String> out) {
    if (node.isObject()) {
      if (node.has("secretKeyRef") && !node.path("secretKeyRef").path("optional").asBoolean()) {
        out.add(node.path("secretKeyRef").path("name").asText());
      }
      if (node.has("secretName") && !node.path("optional").asBoolean()) {
        out.add(node.path("secretName").asText());
      }
      if (node.has("parameter") && node.has("name") && node.has("key")) { // TriggerAuthentication secretTargetRef
        out.add(node.path("name").asText());
      }
      node.fields().forEachRemaining(e -> collectSecretNames(e.getValue(), out));
    } else if (node.isArray()) {
      node.forEach(n -> collectSecretNames(n, out));
    }
  }

  private static String env(JsonNode container, String name, String otherwise) {
    for (JsonNode e : container.path("env")) {
      if (e.path("name").asText().equals(name)) {
        return e.path("value").asText();
      }
    }
    if (otherwise == null) {
      throw new AssertionError(container.path("name") + " has no " + name);
    }
    return otherwise;
  }

  private static JsonNode containers(JsonNode deployment) {
    return deployment.path("spec").path("template").path("spec").path("containers");
  }

  private static boolean kind(JsonNode d, String kind) {
    return d.path("kind").asText().equals(kind);
  }

  private static String name(JsonNode d) {
    return d.path("metadata").path("name").asText();
  }

  private static String kindName(JsonNode d) {
    return d.path("kind").asText() + " " + name(d);
  }

  private static JsonNode find(List<JsonNode> docs, String kind, String name) {
    return docs.stream().filter(d -> kind(d, kind) && name(d).equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered"));
  }

  static boolean installed(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " timed out");
    assertEquals(0, p.exitValue(), String.join(" ", command) + " failed: " + err);
    return out;
  }

  static List<JsonNode> documents(String yaml) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isEmpty()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }
}
