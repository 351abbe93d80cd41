package io.emotionstream.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The figures of one chaos run. */
record ChaosReport(String guarantee, long seed, int framesSent, int framesFailed, EventAudit.Result audit, int deadLettered,
    int kills, int brokerRestarts, int handovers, Duration elapsed, List<String> logs) {

  static final String HEADER = String.format(Locale.ROOT, "%-16s %7s %7s %7s %10s %8s %8s %6s %4s %6s %6s %8s %9s",
      "guarantee", "frames", "faces", "events", "duplicates", "missing", "wrong-n", "order", "dlq", "kills", "broker",
      "handover", "elapsed");

  String row() {
    return String.format(Locale.ROOT, "%-16s %7d %7d %7d %10d %8d %8d %6d %4d %6d %6d %8d %8.0fs", guarantee,
        framesSent, audit.expectedFaces(), audit.events(), audit.duplicates(), audit.missingFaces(),
        audit.wrongCounts(), audit.outOfOrder(), deadLettered, kills, brokerRestarts, handovers, elapsed.toMillis() / 1000.0);
  }
}
