package io.emotionstream.train;

import io.emotionstream.emotion.TestTimeAugmentation;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelMetadata;
import io.emotionstream.model.ModelStore;
import io.emotionstream.schema.ModelRelease;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The release gate: a model may replace the release in force on a channel only if it scores at
 * least as well on a held evaluation set ({@code model.gate.data}, rows or split
 * {@code model.gate.usage}): neither its accuracy nor its macro-F1 lower by more than
 * {@code model.gate.tolerance}. Both models are evaluated there and then, on the same faces (the
 * classes both know), with the processor's test-time augmentation ({@code inference.tta}). The first
 * release of a channel and a release of the version in force pass; without an evaluation set a
 * replacement is refused, since nothing says it is not worse. {@code --force} releases anyway; the
 * verdict goes into the audit trail either way.
 */
public final class ReleaseGate {

  /** What the gate found. */
  public record Verdict(boolean passed, String reason) {}

  private final Path data;
  private final String usage;
  private final double tolerance;
  private final TestTimeAugmentation tta;

  /**
   * @param data the held evaluation set, or null when none is configured
   * @param usage its rows ({@code Usage} of a FER2013 CSV) or split folder
   * @param tolerance how much lower a candidate's accuracy and macro-F1 may be, in [0, 1)
   * @param tta the processor's test-time augmentation, so that models are judged as they serve
   * @param where what configured the set, for the error when it does not exist
   */
  public ReleaseGate(Path data, String usage, double tolerance, TestTimeAugmentation tta, String where) {
    if (!(tolerance >= 0 && tolerance < 1)) {
      throw new IllegalArgumentException("the release gate's tolerance must lie in [0, 1): " + tolerance);
    }
    if (data != null && !Files.exists(data)) {
      throw new IllegalArgumentException("the release gate's evaluation set " + data + " does not exist (" + where + ")");
    }
    this.data = data;
    this.usage = usage;
    this.tolerance = tolerance;
    this.tta = tta;
  }

  /**
   * Judges {@code candidate} against {@code inForce}, the release it would replace (null: none).
   *
   * @param store where the release in force is read from
   */
  public Verdict judge(ModelArtifact candidate, ModelRelease inForce, ModelStore store) {
    ModelMetadata c = candidate.metadata();
    if (inForce == null) {
      return new Verdict(true, "the first release of the channel: nothing to compare with");
    }
    String current = inForce.getModelName() + " " + inForce.getVersion();
    if (inForce.getModelName().equals(c.name()) && inForce.getVersion().equals(c.version())) {
      return new Verdict(true, current + " is the release in force");
    }
    if (data == null) {
      return new Verdict(false, "no held evaluation set to compare " + c.name() + " " + c.version()
          + " with the release in force " + current + " (setting model.gate.data, or --gate-data FILE)");
    }
    ModelArtifact released;
    try {
      released = ModelArtifact.open(store.fetch(URI.create(inForce.getArtifactUri())));
    } catch (RuntimeException e) {
      return new Verdict(false, "cannot read the release in force " + current + " to compare with: " + e.getMessage());
    }
    List<String> classes = shared(c.labels(), released.metadata().labels());
    if (classes.size() < 2) {
      return new Verdict(false, c.name() + " " + c.version() + " (labels " + c.labels() + ") and " + current
          + " (labels " + released.metadata().labels() + ") share fewer than two labels: they cannot be compared");
    }
    String requested = String.join(",", classes);
    ConfusionMatrix mine = ModelEvaluation.evaluate(candidate, data, usage, requested, 256, tta, null).score().confusion();
    ConfusionMatrix theirs = ModelEvaluation.evaluate(released, data, usage, requested, 256, tta, null).score()
        .confusion();
    String scores = String.format(Locale.ROOT, "%s %s: accuracy %.4f, macro-F1 %.4f; release in force %s: %.4f, %.4f "
            + "(%s, %s, %d faces of %s, tta %s)", c.name(), c.version(), mine.accuracy(), mine.macroF1(), current,
        theirs.accuracy(), theirs.macroF1(), data.getFileName(), usage, mine.count(), requested, tta.configName());
    List<String> worse = new ArrayList<>();
    if (mine.accuracy() < theirs.accuracy() - tolerance) {
      worse.add("accuracy");
    }
    if (mine.macroF1() < theirs.macroF1() - tolerance) {
      worse.add("macro-F1");
    }
    if (!worse.isEmpty()) {
      return new Verdict(false, "lower " + String.join(" and ", worse) + " than the release in force by more than "
          + "model.gate.tolerance " + tolerance + ": " + scores);
    }
    return new Verdict(true, "not worse than the release in force: " + scores);
  }

  /** The labels of {@code a} that {@code b} knows too (by canonical name), in {@code a}'s order. */
  static List<String> shared(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>();
    for (String label : a) {
      if (ClassSelection.indexOf(b, label) >= 0) {
        out.add(label);
      }
    }
    return out;
  }
}
