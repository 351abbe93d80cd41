package io.emotionstream.cli;

import io.emotionstream.audit.AuditLog;
import io.emotionstream.schema.AuditRecord;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code audit}: print the audit trail as JSON lines. */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Print the audit trail (topic.audit) as JSON lines, oldest first: processor starts with their",
        "effective policy, camera and policy changes, refused camera files, model releases, promotions,",
        "rollbacks and swaps, each with its time, source and subject."})
public final class AuditCommand implements Callable<Integer> {

  @Mixin
  SettingsOptions options;

  @Option(names = "--follow", description = "Keep printing new records until stopped.")
  boolean follow;

  @Option(names = "--action", paramLabel = "ACTION", description = "Only records of this action, e.g. camera-enabled.")
  String action;

  @Option(names = "--subject", paramLabel = "ID", description = "Only records about this camera or model.")
  String subject;

  @Override
  public Integer call() throws InterruptedException {
    try (AuditLog log = AuditLog.open(options.settings())) {
      log.readToEnd().forEach(this::print);
      while (follow) {
        log.poll(Duration.ofMillis(500)).forEach(this::print);
        System.out.flush();
      }
      if (log.skipped() > 0) {
        System.err.println("warning: " + log.skipped() + " audit records could not be decoded (see the log)");
      }
    }
    return 0;
  }

  private void print(AuditRecord r) {
    if ((action == null || action.equals(r.getAction())) && (subject == null || subject.equals(r.getSubject()))) {
      System.out.println(AuditLog.json(r));
    }
  }
}
