package io.emotionstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.weights.HalfPrecision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Makes the compact copy of a trained model that the repository bundles: the artifact with its
 * weights as float16 safetensors (half the size; loaded back as float32) and a fresh checksum, plus
 * the run's training report copied into a documentation folder with the command that trained it.
 *
 * <p>The source is a run directory ({@code <run>/model} plus {@code report.*}), or an artifact
 * directory (its report is looked for in the parent directory).
 */
public final class ModelPacker {

  /** The files of a training report ({@code io.emotionstream.train.TrainingReport}) that are copied. */
  public static final List<String> REPORT_FILES = List.of("report.md", "report.json", "curves.png", "confusion.png");
  /** The provenance page written beside the copied report. */
  public static final String PROVENANCE_FILE = "README.md";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelPacker() {}

  /** What was packed. */
  public record Packed(ModelArtifact artifact, ModelArtifact source, HalfPrecision.Conversion conversion,
      long sourceBytes, long bytes, List<Path> docs, String trainCommand) {}

  /**
   * @param source a run directory or an artifact directory
   * @param outDir the packed artifact's directory; an earlier artifact there is replaced (only
   *     {@code metadata.json} and {@code *.safetensors} may be in it)
   * @param docsDir where the report goes; null: no report
   * @param trainCommand the command that trained the model; null: the {@code command} of
   *     {@code report.json} (required when {@code docsDir} is set)
   * @param packCommand this command line, for the provenance page
   * @throws ModelArtifactException naming the file that is missing or wrong
   */
  public static Packed pack(Path source, Path outDir, Path docsDir, String trainCommand, String packCommand) {
    Path artifactDir = Files.isRegularFile(source.resolve(ModelArtifact.METADATA_FILE)) ? source
        : source.resolve("model");
    Path runDir = artifactDir.equals(source) ? source.toAbsolutePath().getParent() : source;
    ModelArtifact f32 = ModelArtifact.open(artifactDir);
    List<Path> report = new ArrayList<>();
    if (docsDir != null) {
      for (String name : REPORT_FILES) {
        Path file = runDir == null ? Path.of(name) : runDir.resolve(name);
        if (!Files.isRegularFile(file)) {
          throw new ModelArtifactException(file, "missing training report file (the run writes it when training "
              + "ends); pack a finished run, or leave the report out");
        }
        report.add(file);
      }
      if (trainCommand == null || trainCommand.isBlank()) {
        trainCommand = commandOf(report.get(1));
      }
    }
    Path tmp = outDir.toAbsolutePath().resolveSibling("." + outDir.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    HalfPrecision.Conversion conversion;
    try {
      deleteArtifactFiles(tmp);
      Files.createDirectories(tmp);
      Path weights = tmp.resolve(ModelArtifact.DEFAULT_WEIGHTS_FILE);
      conversion = HalfPrecision.convert(f32.weightsFile(), weights);
      ModelMetadata m = f32.metadata().withWeights(ModelArtifact.DEFAULT_WEIGHTS_FILE, ModelArtifact.sha256(weights));
      Files.writeString(tmp.resolve(ModelArtifact.METADATA_FILE), ModelArtifact.toJson(m));
      ModelArtifact.open(tmp);
      deleteArtifactFiles(outDir);
      Files.createDirectories(outDir.toAbsolutePath().getParent());
      Files.move(tmp, outDir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ModelArtifactException(outDir, "cannot write the packed artifact: " + e.getMessage(), e);
    }
    ModelArtifact packed = ModelArtifact.open(outDir);
    List<Path> docs = new ArrayList<>();
    if (docsDir != null) {
      try {
        Files.createDirectories(docsDir);
        for (Path file : report) {
          Path target = docsDir.resolve(file.getFileName().toString());
          Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
          docs.add(target);
        }
        Path provenance = docsDir.resolve(PROVENANCE_FILE);
        Files.writeString(provenance, provenance(packed, f32, conversion, trainCommand, packCommand));
        docs.add(provenance);
      } catch (IOException e) {
        throw new ModelArtifactException(docsDir, "cannot write the report copy: " + e.getMessage(), e);
      }
    }
    return new Packed(packed, f32, conversion, size(f32.weightsFile()), size(packed.weightsFile()), docs, trainCommand);
  }

  /** The {@code command} field of a run's report.json. */
  static String commandOf(Path reportJson) {
    try {
      JsonNode command = JSON.readTree(reportJson.toFile()).path("command");
      if (command.isTextual() && !command.asText().isBlank()) {
        return command.asText();
      }
    } catch (IOException e) {
      throw new ModelArtifactException(reportJson, "unreadable report: " + e.getMessage(), e);
    }
    throw new ModelArtifactException(reportJson, "records no train command (runs before this field existed): "
        + "give it with --train-command");
  }

  /** Removes an earlier artifact directory, refusing when it holds anything but artifact files. */
  private static void deleteArtifactFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.toList();
    }
    for (Path f : files) {
      String name = f.getFileName().toString();
      if (!Files.isRegularFile(f) || !(name.equals(ModelArtifact.METADATA_FILE) || name.endsWith(".safetensors"))) {
        throw new ModelArtifactException(f, "the output directory holds files other than an artifact's; "
            + "not replacing it");
      }
    }
    for (Path f : files) {
      Files.delete(f);
    }
    Files.delete(dir);
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new ModelArtifactException(file, "cannot read: " + e.getMessage(), e);
    }
  }

  static String provenance(ModelArtifact packed, ModelArtifact source, HalfPrecision.Conversion c,
      String trainCommand, String packCommand) {
    ModelMetadata m = packed.metadata();
    StringBuilder md = new StringBuilder();
    md.append("# Bundled model: ").append(m.name()).append(' ').append(m.version()).append("\n\n");
    md.append("The default emotion model (`model.dir`). Training report of the run that made it: ")
        .append("[report.md](report.md).\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| architecture | ").append(m.architecture()).append(" |\n");
    md.append("| labels (output order) | ").append(String.join(", ", m.labels())).append(" |\n");
    md.append(String.format(Locale.ROOT, "| input | %dx%d, %s, %d channel(s) |%n", m.inputWidth(), m.inputHeight(),
        m.colour(), m.channels()));
    Map<String, Double> metrics = m.metrics() == null ? Map.of() : m.metrics();
    metrics.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    md.append(String.format(Locale.ROOT, "| weights | float16 safetensors, %d tensors, %d values, SHA-256 `%s` |%n",
        c.tensors(), c.values(), m.weightsSha256()));
    md.append("| float32 original | SHA-256 `").append(source.metadata().weightsSha256()).append("` |\n");
    md.append(String.format(Locale.ROOT, "| float16 rounding | largest absolute change %.3g, largest relative %.3g, "
        + "%d non-zero values became 0 |%n", c.maxAbsError(), c.maxRelError(), c.flushedToZero()));
    md.append("\nTrained with:\n\n```\n").append(trainCommand).append("\n```\n");
    md.append("\nPacked with:\n\n```\n").append(packCommand).append("\n```\n");
    return md.toString();
  }
}
