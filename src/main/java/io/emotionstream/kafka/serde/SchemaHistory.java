package io.emotionstream.kafka.serde;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.message.SchemaStore;

/**
 * Every published version of every schema, as kept in the repository under
 * {@code schemas/history/<Name>/v<N>.avsc} (v1 the first, the highest the one this build writes) and
 * bundled on the class path under the same path. The embedded wire format's decoder knows them all,
 * so records written by any earlier release resolve against today's reader without a registry; the
 * processor publishes them to the schemas topic for readers that know fewer. New files are picked up
 * as they are: nothing lists them.
 */
public final class SchemaHistory {

  /** Class-path (and repository) folder of the history, below {@code schemas/}. */
  public static final String RESOURCE = "schemas/history";

  private static final Pattern VERSION = Pattern.compile("v([1-9][0-9]*)\\.avsc");
  private static volatile SchemaHistory bundled;

  /** One version of one schema. */
  public record Version(String fullName, int number, Schema schema, String file) {}

  private final Map<String, List<Version>> byName;

  private SchemaHistory(Map<String, List<Version>> byName) {
    this.byName = byName;
  }

  /** The history bundled with this build (read once per process). */
  public static SchemaHistory bundled() {
    SchemaHistory h = bundled;
    if (h == null) {
      synchronized (SchemaHistory.class) {
        if (bundled == null) {
          bundled = fromClassPath();
        }
        h = bundled;
      }
    }
    return h;
  }

  private static SchemaHistory fromClassPath() {
    URL url = SchemaHistory.class.getClassLoader().getResource(RESOURCE);
    if (url == null) {
      throw new IllegalStateException(RESOURCE + " is missing from the class path (the build copies schemas/ there)");
    }
    try {
      URI uri = url.toURI();
      if (uri.getScheme().equals("jar")) {
        FileSystem fs;
        try {
          fs = FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
          fs = FileSystems.getFileSystem(uri);
        }
        return load(fs.getPath(RESOURCE));
      }
      return load(Path.of(uri));
    } catch (URISyntaxException | IOException e) {
      throw new IllegalStateException("cannot read " + url + ": " + e, e);
    }
  }

  /**
   * Reads a history folder: one sub-folder per schema, holding {@code v1.avsc}, {@code v2.avsc}, ...
   * without gaps; each file must hold the record its folder is named after.
   */
  public static SchemaHistory load(Path root) throws IOException {
    Map<String, List<Version>> byName = new TreeMap<>();
    List<Path> folders;
    try (Stream<Path> s = Files.list(root)) {
      folders = s.filter(Files::isDirectory).sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
    }
    for (Path folder : folders) {
      String simpleName = folder.getFileName().toString().replace("/", "");
      List<Version> versions = new ArrayList<>();
      List<Path> files;
      try (Stream<Path> s = Files.list(folder)) {
        files = s.filter(p -> p.getFileName().toString().endsWith(".avsc")).toList();
      }
      for (Path file : files) {
        String fileName = file.getFileName().toString();
        Matcher m = VERSION.matcher(fileName);
        if (!m.matches()) {
          throw new IllegalStateException("schema history file " + file + " is not named v<N>.avsc");
        }
        Schema schema = parse(file);
        if (!schema.getName().equals(simpleName)) {
          throw new IllegalStateException("schema history file " + file + " holds " + schema.getFullName()
              + ", not " + simpleName);
        }
        versions.add(new Version(schema.getFullName(), Integer.parseInt(m.group(1)), schema,
            RESOURCE + "/" + simpleName + "/" + fileName));
      }
      versions.sort(Comparator.comparingInt(Version::number));
      for (int i = 0; i < versions.size(); i++) {
        if (versions.get(i).number() != i + 1) {
          throw new IllegalStateException("schema history of " + simpleName + " in " + folder
              + " skips or repeats a version: expected v" + (i + 1) + ".avsc, found " + versions.get(i).file());
        }
      }
      if (!versions.isEmpty()) {
        byName.put(versions.get(0).fullName(), List.copyOf(versions));
      }
    }
    return new SchemaHistory(Collections.unmodifiableMap(byName));
  }

  private static Schema parse(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new Schema.Parser().parse(in);
    } catch (SchemaParseException e) {
      throw new IllegalStateException("schema history file " + file + " is not a valid Avro schema: " + e.getMessage(), e);
    }
  }

  /** Full names of the schemas with a history. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** Every version of {@code fullName}, oldest first; empty when it has no history. */
  public List<Version> versions(String fullName) {
    return byName.getOrDefault(fullName, List.of());
  }

  /** Every version of every schema. */
  public List<Version> all() {
    return byName.values().stream().flatMap(List::stream).toList();
  }

  /** The schemas of every version, by fingerprint, for Avro's single-object decoder. */
  public SchemaStore store() {
    SchemaStore.Cache cache = new SchemaStore.Cache();
    for (Version v : all()) {
      cache.addSchema(v.schema());
    }
    return cache;
  }
}
