package io.emotionstream.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one chaos run. {@code aborted}: events on the topic that {@code read_committed}
 * does not show (written in transactions that a kill left open and the broker aborted).
 */
record ChaosReport(String guarantee, long seed, int framesSent, int framesFailed, EventAudit.Result audit,
    int deadLettered, int aborted, int kills, int brokerRestarts, int handovers, Duration elapsed, List<String> logs) {

  private static final String COLUMNS = "%-16s %7s %7s %7s %10s %8s %8s %6s %4s %8s %6s %6s %8s %9s";

  static final String HEADER = String.format(Locale.ROOT, COLUMNS, "guarantee", "frames", "faces", "events",
      "duplicates", "missing", "wrong-n", "order", "dlq", "aborted", "kills", "broker", "handover", "elapsed");

  String row() {
    return String.format(Locale.ROOT, COLUMNS, guarantee, framesSent, audit.expectedFaces(), audit.events(),
        audit.duplicates(), audit.missingFaces(), audit.wrongCounts(), audit.outOfOrder(), deadLettered, aborted,
        kills, brokerRestarts, handovers, Math.round(elapsed.toMillis() / 1000.0) + "s");
  }
}
