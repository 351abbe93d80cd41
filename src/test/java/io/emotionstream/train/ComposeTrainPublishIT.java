package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.emotionstream.Assets;
import io.emotionstream.config.Settings;
import io.emotionstream.emotion.HotReloader;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.model.ModelReleases;
import io.emotionstream.processor.ProcessorInstance;
import io.emotionstream.schema.ModelRelease;
import io.emotionstream.testing.ProcessorRun;
import io.emotionstream.testing.SchemaRegistryServer;
import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Compose stack's train → publish → hot reload flow without containers: {@code docker-compose
 * config} renders the file, and the trainer's and the processor's commands, environments and
 * mounts are taken from it as they are. Each mount becomes a directory of the test (the named
 * volume {@code models} one directory for both services, bind mounts their host paths, the data
 * directory a synthetic FER2013 file), each container path in an argument or variable is replaced by
 * its directory, the broker and registry host names by a real KRaft broker and a real schema
 * registry. The processor runs in this JVM on the rendered environment (plus {@code ops.port=0} and
 * its own state directory), the trainer as its own JVM with it; the test adds only a smaller training
 * (3 classes, 1 epoch). The processor must swap to the trained model without a restart.
 */
class ComposeTrainPublishIT {

  @Test
  void theTrainerPublishesAndTheProcessorSwapsWithTheComposeWiring(@TempDir Path tmp) throws Exception {
    assumeTrue(installed("docker-compose"), "docker-compose not installed: the compose file cannot be rendered");
    JsonNode services = new YAMLMapper().readTree(run("docker-compose", "-f", "docker-compose.yml", "--profile", "train",
        "config")).path("services");
    JsonNode trainer = services.path("trainer");
    JsonNode processorService = services.path("processor");
    Map<String, Path> volumes = new TreeMap<>(); // named volume -> directory, shared by the services

    try (EmbeddedKafka kafka = EmbeddedKafka.start(); SchemaRegistryServer registry = SchemaRegistryServer.start()) {
      Map<String, String> hosts = Map.of("kafka:9092", kafka.bootstrapServers(),
          "http://schema-registry:8080/apis/ccompat/v7", registry.ccompatUrl());
      Container train = Container.of(trainer, volumes, hosts, tmp);
      Container process = Container.of(processorService, volumes, hosts, tmp);
      assertEquals(train.env().get("EMOTION_STREAM_MODEL_STORE"), process.env().get("EMOTION_STREAM_MODEL_STORE"),
          "trainer and processor name one store");

      // the training data the trainer's command names, in the directory of its /data mount
      Path data = Path.of(train.args().get(train.args().indexOf("--data") + 1));
      assertTrue(data.startsWith(tmp), "the data path " + data + " lies in a mount");
      Files.createDirectories(data.getParent());
      SyntheticFaces.writeCsv(data, 24, 8, 5);

      Settings settings = Settings.load(null, process.env(), List.of("ops.port=0",
          "stream.state-dir=" + ProcessorRun.freshStateDir()));
      try (ProcessorInstance instance = ProcessorInstance.open(settings, false)) {
        instance.start();
        HotReloader reloader = instance.reloader();
        assertNotNull(reloader, "the compose processor hot-reloads");
        assertTrue(instance.processor().awaitRunning(Duration.ofMinutes(2)));
        String before = reloader.serving();

        List<String> args = new ArrayList<>(train.args());
        args.addAll(List.of("--classes", String.join(",", SyntheticFaces.CLASSES), "--epochs", "1", "--batch-size", "16",
            "--no-progress", "--model-version", "compose-1"));
        Process p = java(args, train.env(), tmp.resolve("trainer.log"));
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the trainer finished");
        String log = Files.readString(tmp.resolve("trainer.log"));
        System.out.println("[compose] trainer " + args + " -> " + p.exitValue() + "\n" + log);
        assertEquals(0, p.exitValue(), log);

        long deadline = System.currentTimeMillis() + Duration.ofMinutes(2).toMillis();
        while (!reloader.serving().equals("fer-resnet18 compose-1")) {
          assertTrue(System.currentTimeMillis() < deadline, "the processor still serves " + reloader.serving()
              + " (before: " + before + "); last refusal: " + reloader.lastFailure());
          Thread.sleep(200);
        }
        ModelRelease release = ModelReleases.current(settings).get(settings.string("model.channel"));
        Path artifact = Path.of(URI.create(release.getArtifactUri()));
        assertTrue(artifact.startsWith(volumes.get("models")), "the release lies in the shared volume: " + artifact);
        assertEquals(null, reloader.lastFailure());
        System.out.println("[compose] processor swapped " + before + " -> " + reloader.serving() + " from " + artifact);
      }
    }
  }

  /**
   * A service as this machine runs it: its command, and its environment with container paths
   * replaced by the directories of their mounts and the stack's host names by the test's servers.
   */
  record Container(List<String> args, Map<String, String> env) {

    static Container of(JsonNode service, Map<String, Path> volumes, Map<String, String> hosts, Path tmp)
        throws Exception {
      Map<String, Path> mounts = new TreeMap<>(Comparator.comparingInt(String::length).reversed()
          .thenComparing(Comparator.naturalOrder()));
      for (JsonNode v : service.path("volumes")) {
        String[] parts = v.isTextual() ? v.asText().split(":") : new String[] {v.path("source").asText(),
            v.path("target").asText()};
        Path source;
        if (parts[0].startsWith("/")) {
          Path host = Path.of(parts[0]);
          // the repository's files as they are; a directory of the operator's (./data) becomes the test's
          source = Files.isRegularFile(host) ? host : tmp.resolve("bind" + parts[1]);
        } else {
          source = volumes.computeIfAbsent(parts[0], name -> tmp.resolve("volumes").resolve(name));
        }
        Files.createDirectories(Files.isRegularFile(source) ? source.getParent() : source);
        mounts.put(parts[1], source);
      }
      List<String> args = new ArrayList<>();
      service.path("command").forEach(a -> args.add(rewrite(a.asText(), mounts, hosts)));
      Map<String, String> env = new LinkedHashMap<>();
      service.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(),
          rewrite(e.getValue().asText(), mounts, hosts)));
      return new Container(args, env);
    }

    private static String rewrite(String value, Map<String, Path> mounts, Map<String, String> hosts) {
      String out = value;
      for (Map.Entry<String, String> h : hosts.entrySet()) {
        out = out.replace(h.getKey(), h.getValue());
      }
      for (Map.Entry<String, Path> m : mounts.entrySet()) {
        String target = m.getKey();
        int at = out.indexOf(target);
        boolean pathStart = at == 0 || at > 0 && out.charAt(at - 1) == ':';
        int end = at + target.length();
        if (at >= 0 && pathStart && (end == out.length() || out.charAt(end) == '/')) {
          return out.substring(0, at) + m.getValue() + out.substring(end);
        }
      }
      return out;
    }
  }

  private static Process java(List<String> args, Map<String, String> env, Path log) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx2g", "-Demotionstream.assets=" + Assets.dir(), "-cp", classpath(), "io.emotionstream.cli.Main"));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("EMOTION_STREAM_"));
    builder.environment().putAll(env);
    return builder.start();
  }

  private static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp == null || cp.isBlank() ? System.getProperty("java.class.path") : cp;
  }

  private static boolean installed(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " timed out");
    assertEquals(0, p.exitValue(), String.join(" ", command) + " failed: " + err);
    return out;
  }
}
