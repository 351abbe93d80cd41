package io.emotionstream.processor;

import io.emotionstream.audit.AuditSource;
import io.emotionstream.audit.AuditTrail;
import io.emotionstream.audit.EffectivePolicy;
import io.emotionstream.config.Settings;
import io.emotionstream.model.ModelMetadata;
import io.emotionstream.policy.CameraFileWatcher;
import io.emotionstream.policy.CameraPolicies;
import io.emotionstream.policy.PolicyChange;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a processor instance records in the audit trail: its start with its effective policy (a
 * start that cannot be audited fails), every change of the camera file it takes into force, every
 * version of the file it refuses, every model it swaps in, and its stop. Changes of the camera
 * file and model swaps take effect whether or not the audit topic can be reached; a failed write
 * is logged.
 */
final class ProcessorAudit implements CameraFileWatcher.Listener, AutoCloseable {

  static final String STARTED = "processor-started";
  static final String STOPPED = "processor-stopped";
  static final String FILE_REJECTED = "camera-file-rejected";
  static final String MODEL_SWAPPED = "model-swapped";

  private final Settings settings;
  private final AuditTrail trail;

  private ProcessorAudit(Settings settings, AuditTrail trail) {
    this.settings = settings;
    this.trail = trail;
  }

  static ProcessorAudit open(Settings settings) {
    return new ProcessorAudit(settings, AuditTrail.open(settings, AuditSource.processor(
        settings.string("application.id"), settings.string("group.instance.id", ""))));
  }

  /** @throws io.emotionstream.audit.AuditException when the start cannot be recorded */
  void started(CameraPolicies cameras, String model) {
    trail.record(STARTED, null, "processor started: " + EffectivePolicy.summary(cameras, model), null,
        EffectivePolicy.json(settings, cameras, model).toString());
  }

  /** Best effort, waiting a few seconds at most: a processor stopping because its brokers are gone must still stop. */
  void stopped(Supplier<CameraPolicies> cameras, String model) {
    trail.recordOrLog(STOPPED, null, "processor stopped: no frame of this instance is analysed any more", null,
        EffectivePolicy.json(settings, cameras.get(), model).toString(), java.time.Duration.ofSeconds(5));
  }

  @Override
  public void changed(CameraPolicies before, CameraPolicies after, List<PolicyChange> changes) {
    for (PolicyChange change : changes) {
      trail.recordOrLog(change.kind().action(), change.camera(), change.detail() + " (camera file " + after.source()
          + ", sha256 " + after.sha256() + ")", change.before(), change.after());
    }
  }

  @Override
  public void rejected(String file, String reason) {
    trail.recordOrLog(FILE_REJECTED, null, "camera file " + file + " changed but was refused, the previous version"
        + " stays in force: " + reason, null, null);
  }

  void modelSwapped(String fromVersion, ModelMetadata to) {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    trail.recordOrLog(MODEL_SWAPPED, to.name(), "model " + to.name() + " " + to.version()
        + " swapped in for version " + fromVersion + " by hot reload",
        json.createObjectNode().put("version", fromVersion).toString(),
        json.createObjectNode().put("version", to.version()).put("weightsSha256", to.weightsSha256()).toString());
  }

  @Override
  public void close() {
    trail.close();
  }
}
