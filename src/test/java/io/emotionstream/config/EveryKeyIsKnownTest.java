package io.emotionstream.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The typo check knows every key the code reads and every variable the deployment files set: a
 * key read by a command but missing from {@code config/emotion-stream.properties} would be refused
 * by the check the moment someone sets it.
 */
class EveryKeyIsKnownTest {

  /** A settings read with a literal key: {@code settings.string("topic.frames")}, {@code .integer(...)}, ... */
  private static final Pattern READ = Pattern.compile(
      "\\.(?:string|integer|longValue|decimal|decimals|bool|threads|enumValue|source)\\(\"([a-z][a-z0-9.-]+)\"");
  private static final Pattern VARIABLE = Pattern.compile("EMOTION_STREAM_[A-Z0-9_]+");

  private static KnownKeys known() throws IOException {
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(Path.of("config/emotion-stream.properties"))) {
      p.load(in);
    }
    return KnownKeys.from(p);
  }

  @Test
  void everyKeyTheCodeReadsIsInTheDefaults() throws IOException {
    KnownKeys known = known();
    Set<String> read = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        Matcher m = READ.matcher(Files.readString(f));
        while (m.find()) {
          read.add(m.group(1));
        }
      }
    }
    assertTrue(read.size() > 80, "the scan finds the keys the code reads: " + read.size());
    List<String> unknown = read.stream().filter(k -> !known.known(k)).toList();
    assertTrue(unknown.isEmpty(), "read by the code but not in config/emotion-stream.properties: " + unknown);
  }

  @Test
  void everyVariableOfTheLauncherImageAndDeploymentFilesIsASettingOrDeclared() throws IOException {
    Set<String> variables = new TreeSet<>();
    List<Path> roots = List.of(Path.of("src/main"), Path.of("emotion-stream"), Path.of("Dockerfile"),
        Path.of("docker-compose.yml"), Path.of("k8s"), Path.of("scripts"));
    for (Path root : roots) {
      try (Stream<Path> files = Files.walk(root)) {
        // Python's byte-code caches (scripts/__pycache__, written when a reference script imports
        // scripts/torch_trace.py) are not text
        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)
            .filter(p -> !p.toString().contains("__pycache__"))::iterator) {
          Matcher m = VARIABLE.matcher(Files.readString(f));
          while (m.find()) {
            variables.add(m.group());
          }
        }
      }
    }
    assertTrue(variables.contains("EMOTION_STREAM_OPS_BIND_ADDRESS"), "the scan finds the image's variables");
    // each must load: a setting's variable, a Kafka pass-through, or one of the declared others
    for (String var : variables) {
      if (var.equals("EMOTION_STREAM_KAFKA_") || var.endsWith("_")) {
        continue; // a prefix mentioned in a comment
      }
      try {
        Settings.load(null, Map.of(var, "1"), List.of());
      } catch (IllegalArgumentException e) {
        throw new AssertionError(var + " is set or read somewhere but is no setting: " + e.getMessage(), e);
      }
    }
  }
}
