package io.emotionstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.emotionstream.config.Settings;
import io.emotionstream.testing.LauncherAllocator;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The deployment files render and say what operators rely on: {@code kubectl kustomize} of
 * {@code k8s/} and its GPU overlay, {@code docker-compose config}, and the Dockerfile's basics.
 * Skipped (with a message) where kubectl or docker-compose is not installed.
 */
class DeploymentFilesTest {

  private static final YAMLMapper YAML = new YAMLMapper();

  private static boolean installed(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " timed out");
    assertEquals(0, p.exitValue(), String.join(" ", command) + " failed: " + err);
    return out;
  }

  private static List<JsonNode> documents(String yaml) throws IOException {
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

  private static JsonNode find(List<JsonNode> docs, String kind, String name) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)
        && d.path("metadata").path("name").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered"));
  }

  private static JsonNode env(JsonNode container, String name) {
    for (JsonNode e : container.path("env")) {
      if (e.path("name").asText().equals(name)) {
        return e;
      }
    }
    throw new AssertionError("no environment variable " + name + " in " + container.path("name"));
  }

  private static JsonNode container(JsonNode deployment) {
    return deployment.path("spec").path("template").path("spec").path("containers").get(0);
  }

  @Test
  void kubernetesManifestsRenderWithProbesScalingAndDisruptionBudget() throws Exception {
    assumeTrue(installed("kubectl"), "kubectl not installed: kustomize rendering not checked");
    List<JsonNode> docs = documents(run("kubectl", "kustomize", "k8s"));
    JsonNode processor = find(docs, "Deployment", "processor");
    assertEquals("emotion-stream", processor.path("metadata").path("namespace").asText());
    JsonNode c = container(processor);
    assertEquals("/health/ready", c.path("readinessProbe").path("httpGet").path("path").asText());
    assertEquals("/health/live", c.path("livenessProbe").path("httpGet").path("path").asText());
    assertEquals(9400, c.path("ports").get(0).path("containerPort").asInt());
    assertTrue(c.path("resources").path("requests").has("cpu"));
    assertTrue(c.path("resources").path("limits").has("memory"));
    assertTrue(processor.path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asInt() >= 30);
    assertTrue(processor.path("spec").path("template").path("spec").path("securityContext").path("runAsNonRoot").asBoolean());
    JsonNode labels = processor.path("spec").path("selector").path("matchLabels");
    JsonNode instanceId = env(c, Settings.envName("group.instance.id"));
    assertEquals("metadata.name", instanceId.path("valueFrom").path("fieldRef").path("fieldPath").asText(),
        "static membership: the pod name is the group instance id");
    assertTrue(env(c, Settings.envName("ops.auth.token")).path("valueFrom").path("secretKeyRef").path("optional")
        .asBoolean(), "the ops token comes from an optional Secret, never from the command line");
    String stateMount = null;
    for (JsonNode m : c.path("volumeMounts")) {
      if (m.path("mountPath").asText().equals("/app/" + Path.of(Settings.defaults().string("stream.state-dir")).normalize())) {
        stateMount = m.path("name").asText();
      }
    }
    assertTrue(stateMount != null, "the Kafka Streams state directory (/app/state) is a volume");
    boolean emptyDir = false;
    for (JsonNode v : processor.path("spec").path("template").path("spec").path("volumes")) {
      emptyDir |= v.path("name").asText().equals(stateMount) && v.has("emptyDir");
    }
    assertTrue(emptyDir, "the state volume is an emptyDir");

    JsonNode pdb = find(docs, "PodDisruptionBudget", "processor");
    assertEquals(labels, pdb.path("spec").path("selector").path("matchLabels"));
    JsonNode service = find(docs, "Service", "processor");
    assertEquals(labels, service.path("spec").path("selector"));
    assertEquals(9400, service.path("spec").path("ports").get(0).path("port").asInt());

    JsonNode scaling = find(docs, "ScaledObject", "processor");
    JsonNode frames = find(docs, "KafkaTopic", "camera-frames");
    assertEquals("processor", scaling.path("spec").path("scaleTargetRef").path("name").asText());
    assertTrue(scaling.path("spec").path("maxReplicaCount").asInt() <= frames.path("spec").path("partitions").asInt(),
        "more replicas than partitions would sit idle");
    JsonNode trigger = scaling.path("spec").path("triggers").get(0);
    assertEquals("kafka", trigger.path("type").asText());
    assertEquals("camera-frames", trigger.path("metadata").path("topic").asText());
    assertEquals(Settings.defaults().string("application.id"), trigger.path("metadata").path("consumerGroup").asText());
    assertEquals("compact", find(docs, "KafkaTopic", "model-releases").path("spec").path("config")
        .path("cleanup.policy").asText());
    assertEquals("compact", find(docs, "KafkaTopic", Settings.defaults().string("topic.schemas")).path("spec")
        .path("config").path("cleanup.policy").asText());
    // site.properties leaves topic creation to Strimzi: every topic the processor uses must be there
    for (String topic : io.emotionstream.kafka.Topics.from(Settings.defaults()).all()) {
      assertEquals(topic, find(docs, "KafkaTopic", topic).path("metadata").path("name").asText());
    }

    JsonNode trainer = find(docs, "CronJob", "trainer").path("spec").path("jobTemplate");
    assertEquals("train", container(trainer).path("args").get(0).asText());
    // the image's allocator setting is the launcher's for processing; the trainer sets training's
    assertEquals(LauncherAllocator.mallocConf(LauncherAllocator.Work.TRAINING),
        env(container(trainer), "MALLOC_CONF").path("value").asText(),
        "the trainer's allocator setting");
    Set<String> claims = new HashSet<>();
    docs.stream().filter(d -> d.path("kind").asText().equals("PersistentVolumeClaim"))
        .forEach(d -> claims.add(d.path("metadata").path("name").asText()));
    for (JsonNode d : docs) {
      for (JsonNode v : d.path("spec").path("template").path("spec").path("volumes")) {
        if (v.has("persistentVolumeClaim")) {
          assertTrue(claims.contains(v.path("persistentVolumeClaim").path("claimName").asText()),
              "claim " + v + " is not defined");
        }
      }
    }
    JsonNode config = docs.stream().filter(d -> d.path("kind").asText().equals("ConfigMap")
        && d.path("data").has("site.properties")).findFirst().orElseThrow();
    assertTrue(config.path("data").has("site.properties"));

    // the topics Strimzi creates keep each kind of data as long as the processor would create them
    java.util.Map<String, String> retention = java.util.Map.of("camera-frames", "retention.frames-ms",
        "face-emotions", "retention.events-ms", "face-tracks", "retention.tracks-ms",
        "camera-frames-dlq", "retention.dead-letter-ms", "emotion-stats", "retention.stats-ms",
        "emotion-zone-stats", "retention.stats-ms", "emotion-audit", "retention.audit-ms");
    retention.forEach((topic, key) -> {
      JsonNode topicConfig = find(docs, "KafkaTopic", topic).path("spec").path("config");
      long ms = Settings.defaults().longValue(key);
      assertEquals(Long.toString(ms), topicConfig.path("retention.ms").asText(), topic);
      assertEquals("delete", topicConfig.path("cleanup.policy").asText(), topic);
      Long segment = io.emotionstream.policy.RetentionPolicy.segmentMs(ms);
      assertEquals(segment == null ? "" : segment.toString(), topicConfig.path("segment.ms").asText(), topic);
    });
    assertEquals(1, find(docs, "KafkaTopic", "emotion-audit").path("spec").path("partitions").asInt());

    // the camera file: a valid one, in a ConfigMap that keeps its name (edits reach running processors)
    JsonNode cameras = find(docs, "ConfigMap", "emotion-stream-cameras");
    io.emotionstream.policy.CameraPolicies policies = io.emotionstream.policy.CameraFile.parse(
        cameras.path("data").path("cameras.yaml").asText(), "k8s cameras.yaml");
    assertTrue(policies.all().stream().anyMatch(io.emotionstream.policy.CameraPolicy::analysed));
    assertTrue(config.path("data").path("site.properties").asText()
        .contains("cameras.file=/etc/emotion-stream-cameras/cameras.yaml"));
    boolean mounted = false;
    for (JsonNode m : container(processor).path("volumeMounts")) {
      mounted |= m.path("mountPath").asText().equals("/etc/emotion-stream-cameras") && !m.has("subPath");
    }
    assertTrue(mounted, "the camera file's directory is mounted (a subPath mount would never see an edit)");
  }

  @Test
  void ingestTakesItsCameraListFromAConfigMapAndCredentialsFromASecret(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    assumeTrue(installed("kubectl"), "kubectl not installed: kustomize rendering not checked");
    List<JsonNode> docs = documents(run("kubectl", "kustomize", "k8s"));
    JsonNode ingest = find(docs, "Deployment", "ingest");
    JsonNode spec = ingest.path("spec");
    assertEquals(1, spec.path("replicas").asInt(), "two ingest pods would send every frame twice");
    assertEquals("Recreate", spec.path("strategy").path("type").asText(), "never two pods at once, not even in a rollout");
    JsonNode c = container(ingest);
    List<String> args = new ArrayList<>();
    c.path("args").forEach(a -> args.add(a.asText()));
    assertEquals("ingest", args.get(0));
    String listPath = args.get(args.indexOf("--cameras") + 1);
    assertEquals("/health/ready", c.path("readinessProbe").path("httpGet").path("path").asText());
    assertEquals("/health/live", c.path("livenessProbe").path("httpGet").path("path").asText());
    assertTrue(ingest.path("spec").path("template").path("spec").path("securityContext").path("runAsNonRoot").asBoolean());
    String listVolume = null;
    String secretMount = null;
    for (JsonNode m : c.path("volumeMounts")) {
      if (listPath.startsWith(m.path("mountPath").asText() + "/")) {
        listVolume = m.path("name").asText();
      }
      if (m.path("name").asText().equals("camera-credentials")) {
        secretMount = m.path("mountPath").asText();
      }
    }
    String configMap = null;
    boolean optionalSecret = false;
    for (JsonNode v : spec.path("template").path("spec").path("volumes")) {
      if (v.path("name").asText().equals(listVolume)) {
        configMap = v.path("configMap").path("name").asText(null);
      }
      if (v.path("name").asText().equals("camera-credentials")) {
        optionalSecret = v.path("secret").path("optional").asBoolean();
      }
    }
    assertTrue(configMap != null, "the camera list " + listPath + " is mounted from a ConfigMap");
    assertTrue(optionalSecret && secretMount != null, "camera passwords come from a Secret volume");
    JsonNode cameras = find(docs, "ConfigMap", configMap);
    String fileName = listPath.substring(listPath.lastIndexOf('/') + 1);
    String list = cameras.path("data").path(fileName).asText();
    Path copy = java.nio.file.Files.writeString(dir.resolve(fileName), list);
    var parsed = io.emotionstream.ingest.CameraList.read(copy, io.emotionstream.ingest.IngestDefaults.from(Settings.defaults()));
    assertTrue(!parsed.cameras().isEmpty());
    assertEquals("emotion-stream-cameras", configMap, "ingest and the processors read one camera file");
    assertTrue(io.emotionstream.policy.CameraFile.parse(list, "k8s cameras.yaml").all().size() >= parsed.cameras().size(),
        "the processors' policy reads the same file");
    for (var camera : parsed.cameras()) {
      assertTrue(camera.passwordFile() == null || camera.passwordFile().startsWith(secretMount),
          camera.id() + ": password files live in the Secret's mount " + secretMount);
      assertTrue(!camera.url().contains("@"), camera.id() + ": no password in the camera list");
    }
    assertEquals(spec.path("selector").path("matchLabels"), find(docs, "Service", "ingest").path("spec").path("selector"),
        "metrics reach the pod through its Service");
  }

  @Test
  void gpuOverlayAsksForOneGpuPerProcessor() throws Exception {
    assumeTrue(installed("kubectl"), "kubectl not installed: kustomize rendering not checked");
    List<JsonNode> docs = documents(run("kubectl", "kustomize", "k8s/overlays/gpu"));
    JsonNode c = container(find(docs, "Deployment", "processor"));
    assertEquals(1, c.path("resources").path("limits").path("nvidia.com/gpu").asInt());
    assertTrue(c.path("image").asText().endsWith("-gpu"), c.path("image").asText());
    assertEquals("gpu", env(c, "EMOTION_STREAM_INFERENCE_DEVICES").path("value").asText(),
        "without a usable GPU the processor stays not ready instead of running on the CPU");
    assertTrue(container(find(docs, "Deployment", "dashboard")).path("resources").path("limits").path("nvidia.com/gpu")
        .isMissingNode(), "only processors get GPUs");
  }

  @Test
  void composeFileIsValidAndHasTheWholeStack() throws Exception {
    assumeTrue(installed("docker-compose"), "docker-compose not installed: compose file not validated");
    JsonNode config = YAML.readTree(run("docker-compose", "-f", "docker-compose.yml", "--profile", "train",
        "--profile", "replay", "config"));
    Set<String> services = new HashSet<>();
    config.path("services").fieldNames().forEachRemaining(services::add);
    assertEquals(Set.of("kafka", "schema-registry", "processor", "dashboard", "test-camera", "ingest", "camera", "trainer"),
        services);
    JsonNode ingest = config.path("services").path("ingest");
    assertEquals("ingest", ingest.path("command").get(0).asText());
    String listInContainer = ingest.path("command").get(2).asText();
    String listOnHost = null;
    for (JsonNode v : ingest.path("volumes")) {
      // docker-compose 1.x prints SOURCE:TARGET[:MODE], 2.x a map
      String[] parts = v.isTextual() ? v.asText().split(":") : new String[] {v.path("source").asText(),
          v.path("target").asText(), v.path("read_only").asBoolean() ? "ro" : "rw"};
      if (parts.length >= 2 && parts[1].equals(listInContainer)) {
        listOnHost = parts[0];
        assertTrue(parts.length > 2 && parts[2].equals("ro"), "the camera list is mounted read-only");
      }
    }
    assertTrue(listOnHost != null, "the camera list " + listInContainer + " is mounted");
    var sample = io.emotionstream.ingest.CameraList.read(Path.of(listOnHost),
        io.emotionstream.ingest.IngestDefaults.from(Settings.defaults()));
    assertTrue(sample.cameras().get(0).url().contains("//test-camera:"), "the sample list reads the stack's test camera");
    assertEquals("kafka:9092", ingest.path("environment").path("EMOTION_STREAM_BOOTSTRAP_SERVERS").asText());
    assertEquals("replay", config.path("services").path("camera").path("profiles").get(0).asText());
    JsonNode processor = config.path("services").path("processor");
    assertEquals("kafka:9092", processor.path("environment").path("EMOTION_STREAM_BOOTSTRAP_SERVERS").asText());
    assertEquals("registry", processor.path("environment").path("EMOTION_STREAM_WIRE_FORMAT").asText());
    assertTrue(config.path("services").path("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText()
        .contains("controller"), "Kafka runs in KRaft mode");
    JsonNode trainer = config.path("services").path("trainer");
    assertEquals("train", trainer.path("profiles").get(0).asText());
    // the image's allocator setting is the launcher's for processing; the trainer sets training's
    assertEquals(LauncherAllocator.mallocConf(LauncherAllocator.Work.TRAINING),
        trainer.path("environment").path("MALLOC_CONF").asText(), "the trainer's allocator setting");
    assertEquals("file:/models/store", trainer.path("environment").path("EMOTION_STREAM_MODEL_STORE").asText(),
        "the trainer keeps the stack's environment");
    // ingest and the processor read one camera file at the same path, where the replay's and
    // ingest's cameras are opted in
    String file = processor.path("environment").path("EMOTION_STREAM_CAMERAS_FILE").asText();
    assertEquals(listInContainer, file, "the processor reads ingest's camera file");
    String processorFileOnHost = null;
    for (JsonNode v : processor.path("volumes")) {
      String[] parts = v.isTextual() ? v.asText().split(":") : new String[] {v.path("source").asText(),
          v.path("target").asText()};
      if (parts.length >= 2 && parts[1].equals(file)) {
        processorFileOnHost = parts[0];
      }
    }
    assertEquals(listOnHost, processorFileOnHost, "the same file is mounted into both");
    io.emotionstream.policy.CameraPolicies cameras = io.emotionstream.policy.CameraFile.read(Path.of(listOnHost));
    for (var camera : sample.cameras()) {
      if (camera.enabled()) {
        assertEquals(null, cameras.refusal(camera.id()), "ingest's camera " + camera.id() + " is analysed");
      }
    }
    JsonNode command = config.path("services").path("camera").path("command");
    for (int i = 0; i < command.size() - 1; i++) {
      if (command.get(i).asText().equals("--camera-id")) {
        String id = command.get(i + 1).asText();
        assertEquals(null, cameras.refusal(id), "compose camera " + id + " is analysed");
      }
    }
  }

  @Test
  void dockerfileIsMultiStageNonRootWithJemalloc() throws Exception {
    String dockerfile = Files.readString(Path.of("Dockerfile"));
    assertTrue(dockerfile.lines().filter(l -> l.startsWith("FROM ")).count() >= 3, "multi-stage build");
    assertTrue(dockerfile.contains("USER 10001"), "runs as a non-root user");
    assertTrue(dockerfile.contains("LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"), "jemalloc preloaded");
    // the launcher's setting for processing: large buffers in the ordinary arenas, purged over 300 s
    String conf = LauncherAllocator.mallocConf(LauncherAllocator.Work.PROCESSING);
    assertTrue(conf.contains("dirty_decay_ms:300000") && conf.contains("oversize_threshold:0"), conf);
    assertTrue(dockerfile.contains("MALLOC_CONF=" + conf + " "), "the image and the launcher set the same allocator options: " + conf);
    assertTrue(dockerfile.contains("ARG CUDA_RUNTIME_IMAGE=nvidia/cuda") && dockerfile.contains("ARG FLAVOR"),
        "a GPU variant");
    // DJL 0.36 loads libtorch 2.7.1, whose CUDA builds are 11.8, 12.6 and 12.8: base image and flavour agree
    assertTrue(dockerfile.contains("ARG CUDA_RUNTIME_IMAGE=nvidia/cuda:12.8") && dockerfile.contains("PYTORCH_FLAVOR=cu128"),
        "CUDA 12.8");
    // every base image is a build argument whose default is the public image (scripts/image-check.sh replaces them)
    for (String line : dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList()) {
      String image = line.split("\\s+")[1];
      assertTrue(image.startsWith("${") || image.startsWith("runtime-"), "base image as a build argument: " + line);
      if (image.startsWith("${")) {
        String arg = image.substring(2, image.length() - 1);
        assertTrue(dockerfile.contains("\nARG " + arg + "="), "build argument " + arg + " has a default");
      }
    }
    // the health check probes the port the processor listens on (EMOTION_STREAM_OPS_PORT, else ops.port's default)
    String healthcheck = dockerfile.lines().filter(l -> l.startsWith("HEALTHCHECK")).findFirst().orElseThrow();
    assertTrue(healthcheck.contains("${EMOTION_STREAM_OPS_PORT:-" + Settings.defaults().string("ops.port") + "}"),
        healthcheck);
    assertTrue(dockerfile.contains("EXPOSE " + Settings.defaults().string("ops.port")));
    assertTrue(dockerfile.contains("fetch-libtorch-cuda.sh /djl 2.7.1 cu128")
        && dockerfile.contains("COPY --from=libtorch-gpu /djl /app/cache/djl"), "libtorch inside the image");
    assertTrue(dockerfile.contains("EMOTION_STREAM_OPS_BIND_ADDRESS=0.0.0.0"), "probes reach the port");
  }
}
