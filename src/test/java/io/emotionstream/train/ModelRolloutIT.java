package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.Assets;
import io.emotionstream.audit.AuditSource;
import io.emotionstream.cli.TrainCommand;
import io.emotionstream.config.Settings;
import io.emotionstream.emotion.BatchingEmotionClassifier;
import io.emotionstream.emotion.EmotionClassifiers;
import io.emotionstream.emotion.HotReloader;
import io.emotionstream.emotion.ModelInfoMetric;
import io.emotionstream.inference.InferenceConfig;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelCopies;
import io.emotionstream.model.ModelReleases;
import io.emotionstream.model.ModelStore;
import io.emotionstream.model.ReleaseTarget;
import io.emotionstream.schema.ModelRelease;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's release example, run as written on a real broker (its broker address, store,
 * evaluation set and artifact paths replaced by the test's), each line as its own JVM through the
 * command line entry point with the exported variables as its environment. Two reloaders follow the
 * channel as processors do: one of them falls into the canary's share, the other does not. The
 * release gate refuses a worse model (face-api's network on faces it was not trained for) with both
 * scores, and the rollback to that other model family goes through with {@code --force}.
 */
class ModelRolloutIT {

  @Test
  void theReadmeReleaseExampleWorksAsWritten(@TempDir Path tmp) throws Exception {
    ModelArtifact faceApi = EmotionClassifiers.faceApiArtifact(); // made before the trained ones: the rollback is older
    Path csv = SyntheticFaces.writeCsv(tmp.resolve("faces.csv"), 24, 8, 11);
    withHeldRows(csv); // the gate's default rows: PrivateTest
    int code = new CommandLine(new TrainCommand()).execute("--data", csv.toString(),
        "--output", tmp.resolve("run").toString(), "--classes", String.join(",", SyntheticFaces.CLASSES),
        "--epochs", "4", "--batch-size", "16", "--no-progress", "--model-version", "t1");
    assertEquals(0, code, "training the model to release");
    ModelArtifact t1 = ModelArtifact.open(tmp.resolve("run").resolve("model"));
    Path t2 = ModelCopies.asVersion(t1, "t2", Instant.now(), tmp.resolve("t2"));
    Path store = tmp.resolve("store");

    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Settings settings = Settings.defaults().with(Map.of("bootstrap.servers", kafka.bootstrapServers(),
          "model.store", store.toUri().toString()), "test");
      // the release in force before the example: face-api's network on channel stable
      ModelReleases.storeAndRelease(settings, ModelStore.open(store.toUri().toString()), faceApi,
          ModelReleases.Intent.PUBLISH, AuditSource.of("test"));

      Map<String, String> replace = new LinkedHashMap<>();
      replace.put("kafka:9092", kafka.bootstrapServers());
      replace.put("file:/models/store", store.toUri().toString());
      replace.put("/data/fer2013.csv", csv.toString());
      replace.put("runs/fer-7/artifact", t1.directory().toString());
      replace.put("runs/fer-8/artifact", t2.toString());
      List<String> lines = readmeExample();
      Map<String, String> env = new LinkedHashMap<>();
      String inCanary = instanceIn(true, "t2");
      String outOfCanary = instanceIn(false, "t2");

      try (Follower canary = new Follower(settings, inCanary); Follower other = new Follower(settings, outOfCanary)) {
        for (String line : lines) {
          String command = line;
          for (Map.Entry<String, String> r : replace.entrySet()) {
            command = command.replace(r.getKey(), r.getValue());
          }
          if (command.startsWith("export ")) {
            String[] kv = words(command).get(1).split("=", 2);
            env.put(kv[0], kv[1]);
            continue;
          }
          List<String> args = words(command);
          assertEquals("./emotion-stream", args.get(0), line);
          if (line.contains("faceapi-expression 1.7.15") && line.contains("--force")) {
            // first without --force: the gate refuses the rollback and says why
            List<String> unforced = new ArrayList<>(args.subList(1, args.size()));
            unforced.remove("--force");
            Result refused = run(unforced, env, tmp);
            assertEquals(1, refused.code(), refused.output());
            assertTrue(refused.output().contains("the release gate refuses it: lower accuracy"), refused.output());
            assertTrue(refused.output().matches("(?s).*faceapi-expression 1\\.7\\.15: accuracy 0\\.\\d+, macro-F1 0\\.\\d+; "
                + "release in force fer-resnet18 t1: .*"), refused.output());
            assertEquals("t1", ModelReleases.current(settings).get("stable").getVersion(), "nothing was released");
          }
          Result r = run(args.subList(1, args.size()), env, tmp);
          assertEquals(0, r.code(), line + "\n" + r.output());

          if (line.contains("runs/fer-7/artifact")) {
            assertTrue(r.output().contains("release gate passed: not worse than the release in force"), r.output());
            await("both on t1", () -> canary.serving().equals("fer-resnet18 t1") && other.serving().equals("fer-resnet18 t1"));
          } else if (line.contains("--canary-share")) {
            assertTrue(r.output().contains("a canary on channel stable (25.0% of the instances)"), r.output());
            await("the canary's instance on t2, shown as the canary",
                () -> canary.serving().equals("fer-resnet18 t2") && "canary".equals(canary.role()));
            Thread.sleep(2000);
            assertEquals("fer-resnet18 t1", other.serving(), "an instance outside the canary's share stays on stable");
            assertEquals("stable", other.role());
          } else if (line.contains("models list")) {
            assertTrue(r.output().matches("(?s).*stable/canary +fer-resnet18 +t2 .*"), r.output());
            assertTrue(r.output().matches("(?s).*\\nstable +fer-resnet18 +t1 .*"), r.output());
          } else if (line.contains("end-canary")) {
            await("the canary's instance back on t1, shown as stable",
                () -> canary.serving().equals("fer-resnet18 t1") && "stable".equals(canary.role()));
          } else if (line.contains("# roll back")) {
            assertTrue(r.output().contains("release gate forced past a refusal (--force)"), r.output());
            await("both on face-api's network", () -> canary.serving().equals("faceapi-expression 1.7.15")
                && other.serving().equals("faceapi-expression 1.7.15"));
          } else if (line.contains("audit")) {
            assertTrue(r.output().contains("\"action\":\"model-rolled-back\""), r.output());
            assertTrue(r.output().contains("model faceapi-expression 1.7.15 released to channel stable"), r.output());
            assertTrue(r.output().contains("forced past a refusal"), r.output());
          }
        }
      }
      ModelRelease inForce = ModelReleases.current(settings).get("stable");
      assertEquals("faceapi-expression", inForce.getModelName());
      assertEquals(null, ModelReleases.current(settings).get("stable/canary"), "the canary ended");
    }
  }

  /** A reloader following channel stable as instance {@code id}, on the model the processor starts with. */
  private static final class Follower implements AutoCloseable {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BatchingEmotionClassifier classifier;
    private final HotReloader reloader;

    Follower(Settings settings, String id) {
      Settings mine = settings.with(Map.of("group.instance.id", id, "model.reload.retry-initial-ms", "200"), "test");
      ModelArtifact start = EmotionClassifiers.faceApiArtifact();
      classifier = EmotionClassifiers.open(start, InferenceConfig.defaults());
      ModelInfoMetric info = new ModelInfoMetric(registry);
      info.show(classifier.runtime());
      reloader = new HotReloader(mine, classifier, InferenceConfig.defaults(), registry, info).start();
    }

    String serving() {
      return reloader.serving();
    }

    String role() {
      for (Gauge g : registry.find("emotionstream.model.info").gauges()) {
        if (g.value() == 1) {
          return g.getId().getTag("role");
        }
      }
      return null;
    }

    @Override
    public void close() {
      reloader.close();
      classifier.close();
    }
  }

  /** An instance id that the canary of {@code version} at a quarter does (or does not) select. */
  private static String instanceIn(boolean selected, String version) {
    ModelRelease probe = ModelRelease.newBuilder().setModelName("m").setVersion(version).setArtifactUri("file:/x")
        .setChecksum("0").setLabels(List.of()).setCreatedTime(Instant.EPOCH).setMetrics(Map.of()).setChannel("stable")
        .setCanaryShare(0.25).setCanaryInstances(List.of()).build();
    for (int i = 0; ; i++) {
      if (ReleaseTarget.selects(probe, "processor-" + i) == selected) {
        return "processor-" + i;
      }
    }
  }

  /** The README's release example: the bash block with the rollback line, comments kept on the line. */
  static List<String> readmeExample() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    Matcher block = Pattern.compile("```bash\n(.*?)```", Pattern.DOTALL).matcher(readme);
    while (block.find()) {
      if (block.group(1).contains("# roll back")) {
        List<String> lines = block.group(1).lines().filter(l -> !l.isBlank()).toList();
        assertNotEquals(0, lines.size());
        return lines;
      }
    }
    throw new AssertionError("README.md has no bash block with a '# roll back' line");
  }

  /** The words of a shell line: double quotes group, {@code #} starts a comment. */
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder word = null;
    boolean quoted = false;
    for (char ch : line.toCharArray()) {
      if (quoted) {
        if (ch == '"') {
          quoted = false;
        } else {
          word.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
        word = word == null ? new StringBuilder() : word;
      } else if (ch == '#' && word == null) {
        break;
      } else if (Character.isWhitespace(ch)) {
        if (word != null) {
          out.add(word.toString());
          word = null;
        }
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(ch);
      }
    }
    if (word != null) {
      out.add(word.toString());
    }
    return out;
  }

  record Result(int code, String output) {}

  /** {@code emotion-stream ARGS} as its own JVM with {@code env} added to its environment. */
  private static Result run(List<String> args, Map<String, String> env, Path tmp) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-Demotionstream.assets=" + Assets.dir(), "-cp", classpath(), "io.emotionstream.cli.Main"));
    command.addAll(args);
    Path log = Files.createTempFile(tmp, "command", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process p = builder.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("emotion-stream " + args + " did not finish in 5 minutes:\n" + Files.readString(log));
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println("[rollout] emotion-stream " + String.join(" ", args) + " -> " + p.exitValue() + "\n" + output);
    return new Result(p.exitValue(), output);
  }

  private static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp == null || cp.isBlank() ? System.getProperty("java.class.path") : cp;
  }

  /** Appends the PublicTest rows again as PrivateTest rows, the rows the release gate holds out by default. */
  private static void withHeldRows(Path csv) throws IOException {
    List<String> held = Files.readAllLines(csv).stream().filter(l -> l.endsWith(",PublicTest"))
        .map(l -> l.replace(",PublicTest", ",PrivateTest")).toList();
    Files.write(csv, held, java.nio.file.StandardOpenOption.APPEND);
  }

  private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + Duration.ofMinutes(2).toMillis();
    while (!condition.get()) {
      assertTrue(System.currentTimeMillis() < deadline, "timed out waiting for " + what);
      Thread.sleep(100);
    }
  }
}
