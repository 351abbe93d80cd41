package io.emotionstream.cli;

import io.emotionstream.audit.AuditSource;
import io.emotionstream.config.Settings;
import io.emotionstream.emotion.TestTimeAugmentation;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelReleases;
import io.emotionstream.model.ModelStore;
import io.emotionstream.model.ReleaseTarget;
import io.emotionstream.schema.ModelRelease;
import io.emotionstream.train.ReleaseGate;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where a release goes and the gate it passes: {@code --channel}, {@code --canary-share},
 * {@code --canary-instances}, {@code --gate-data}, {@code --force}; shared by {@code models publish},
 * {@code models promote} and {@code train --publish}.
 */
public final class ReleaseOptions {

  @Option(names = "--channel", paramLabel = "NAME",
      description = "Release channel (default: setting model.channel, stable); the processors following it swap.")
  String channel;

  @Option(names = "--canary-share", paramLabel = "FRACTION",
      description = {"Release as a canary to this share of the channel's instances (0 to 1) first; compare their",
          "metrics, then promote to the whole channel, or end it with 'models end-canary'."})
  Double canaryShare;

  @Option(names = "--canary-instances", paramLabel = "ID[,ID...]", split = ",",
      description = "Release as a canary to these instances (group.instance.id, else host name) first.")
  List<String> canaryInstances = new ArrayList<>();

  @Option(names = "--gate-data", paramLabel = "FILE|DIR",
      description = {"Held evaluation set of the release gate (default: setting model.gate.data): a model that scores",
          "below the release in force there (accuracy or macro-F1) is refused."})
  Path gateData;

  @Option(names = "--force", description = "Release even when the release gate refuses (the verdict is audited).")
  boolean force;

  /** The target of a release from these options over {@code settings}. */
  ReleaseTarget target(Settings settings) {
    String name = channel != null ? channel : settings.string("model.channel");
    return new ReleaseTarget(name, canaryShare == null ? 0 : canaryShare, canaryInstances);
  }

  /** The gate, with {@code fallbackData} (train's own data) when neither --gate-data nor model.gate.data says. */
  ReleaseGate gate(Settings settings, Path fallbackData) {
    String configured = settings.string("model.gate.data", "");
    Path data = gateData != null ? gateData : !configured.isBlank() ? Path.of(configured) : fallbackData;
    String where = gateData != null ? "--gate-data" : !configured.isBlank()
        ? "setting 'model.gate.data' from " + settings.source("model.gate.data") : "train --data";
    double tolerance = settings.decimal("model.gate.tolerance");
    if (!(tolerance >= 0 && tolerance < 1)) {
      throw new IllegalArgumentException("setting 'model.gate.tolerance' = " + tolerance + " from "
          + settings.source("model.gate.tolerance") + " must lie in [0, 1)");
    }
    return new ReleaseGate(data, settings.string("model.gate.usage"), tolerance,
        settings.enumValue("inference.tta", TestTimeAugmentation.class), where);
  }

  /**
   * Judges {@code artifact} against the release in force on the channel, then stores and releases
   * it (unless the gate refuses and {@code --force} was not given) and audits it with the verdict.
   *
   * @param command who releases it, for the audit trail
   * @param fallbackData the gate's evaluation set when none is configured, or null
   * @throws ReleaseRefusedException when the gate refuses and --force was not given
   */
  URI release(Settings settings, ModelStore store, ModelArtifact artifact, ModelReleases.Intent intent,
      String command, Path fallbackData, PrintStream err) {
    ReleaseTarget target = target(settings);
    ModelRelease inForce = ModelReleases.current(settings).get(target.channel());
    ReleaseGate.Verdict verdict = gate(settings, fallbackData).judge(artifact, inForce, store);
    String note;
    if (verdict.passed()) {
      note = "passed: " + verdict.reason();
    } else if (force) {
      note = "forced past a refusal (--force): " + verdict.reason();
    } else {
      throw new ReleaseRefusedException(artifact.metadata().name() + " " + artifact.metadata().version()
          + " not released to " + target.describe() + ": the release gate refuses it: " + verdict.reason()
          + ". Nothing was released; --force releases it anyway (audited)");
    }
    err.println("release gate " + note);
    return ModelReleases.storeAndRelease(settings, store, artifact, intent, AuditSource.of(command), target, note);
  }

  /** The release gate refused a model. */
  static final class ReleaseRefusedException extends RuntimeException {
    ReleaseRefusedException(String message) {
      super(message);
    }
  }
}
