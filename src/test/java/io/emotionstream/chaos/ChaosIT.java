package io.emotionstream.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.detect.MtcnnConfig;
import io.emotionstream.detect.MtcnnDetector;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.frame.ImageDecoding;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.testing.SamplePhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * Kills and restarts, on a real broker, with the real detector and model: for each processing
 * guarantee, the processor runs as its own JVM ({@code process}) and is killed with SIGKILL at
 * random points at least three times, the broker is restarted while it runs, and a second
 * instance joins and one of the two is killed so that its partitions move to the other, all
 * while four cameras stream photos whose face counts are known. The committed output (read with
 * {@code read_committed}) must then hold, with {@code exactly_once_v2}, every face of every frame
 * exactly once, in camera order, with the right face count; with {@code at_least_once}, every face
 * at least once (duplicates are counted, not failed). Longer runs: {@code scripts/chaos.sh}.
 */
class ChaosIT {

  @Test
  void noFaceIsLostOrDuplicatedThroughKillsABrokerRestartAndAHandover() throws Exception {
    ChaosOptions options = ChaosOptions.fromSystemProperties();
    System.out.printf("[chaos] seed %d (rerun with -Dchaos.seed=%d, or scripts/chaos.sh --seed %d)%n",
        options.seed(), options.seed(), options.seed());
    List<FrameStreamer.Photo> photos = photosWithKnownFaceCounts(options.photoWidth());
    List<ChaosReport> reports = new ArrayList<>();
    Map<String, Throwable> failures = new LinkedHashMap<>();
    try (EmbeddedKafka broker = chaosBroker()) {
      for (int i = 0; i < options.guarantees().size(); i++) {
        String guarantee = options.guarantees().get(i);
        try {
          reports.add(new ChaosRun(broker, options, photos, guarantee, options.seed() + i).run());
        } catch (Exception | AssertionError e) {
          failures.put(guarantee, e);
        }
      }
    }
    List<String> table = new ArrayList<>();
    table.add("seed " + options.seed());
    table.add(ChaosReport.HEADER);
    reports.forEach(r -> table.add(r.row()));
    failures.forEach((g, e) -> table.add(g + " did not finish: " + e));
    table.forEach(line -> System.out.println("[chaos] " + line));
    Path summary = Path.of("target", "chaos", "summary.txt");
    Files.createDirectories(summary.getParent());
    Files.write(summary, table, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    if (!failures.isEmpty()) {
      throw new AssertionError("chaos run did not finish: " + failures.keySet(), failures.values().iterator().next());
    }
    for (ChaosReport r : reports) {
      EventAudit.Result a = r.audit();
      String what = r.guarantee() + " (seed " + r.seed() + "; processor logs " + r.logs() + "): " + a.problems();
      assertTrue(r.framesSent() > 0 && a.events() > 0, what);
      assertTrue(r.kills() >= options.kills() + 1, what);
      assertTrue(r.brokerRestarts() >= 1 && r.handovers() >= 1, what);
      assertEquals(0, a.missingFaces(), "faces missing, " + what);
      assertEquals(0, a.wrongCounts(), "events whose face count differs from the photo's, " + what);
      assertEquals(0, a.unexpected(), "events of frames never sent, " + what);
      assertEquals(0, a.undecodable(), "undecodable events, " + what);
      assertEquals(0, r.deadLettered(), "frames dead-lettered, " + what);
      if (r.guarantee().equals("exactly_once_v2")) {
        assertEquals(0, a.duplicates(), "duplicated faces, " + what);
        assertEquals(0, a.outOfOrder(), "events out of camera order, " + what);
        assertEquals(a.expectedFaces(), a.events(), what);
      }
    }
  }

  /**
   * The sample photos, downscaled, each with the number of faces the processors' detector finds in
   * it (the bundled detect.* settings: at this width some faces are below detect.min-face).
   */
  /** A broker restarted by the runs, whose coordinators are spread and which aborts stalled transactions soon. */
  private static EmbeddedKafka chaosBroker() {
    return EmbeddedKafka.builder()
        .property("offsets.topic.num.partitions", "4")
        .property("transaction.state.log.num.partitions", "4")
        // transactions of killed instances are aborted by timeout; look for them every second so
        // that read_committed readers are not held back for the broker's default 10 s
        .property("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000")
        .start();
  }

  private static List<FrameStreamer.Photo> photosWithKnownFaceCounts(int width) {
    List<FrameStreamer.Photo> photos = new ArrayList<>();
    try (MtcnnDetector detector = new MtcnnDetector(MtcnnConfig.from(Settings.defaults()))) {
      for (EncodedImage image : SamplePhotos.encoded(width, 1, 2, 3, 4, 5, 6)) {
        try (Mat bgr = ImageDecoding.decodeBgr(image.bytes())) {
          int faces = detector.detect(bgr).size();
          System.out.printf("[chaos] %s %dx%d: %d faces%n", image.origin(), image.width(), image.height(), faces);
          if (faces > 0) {
            photos.add(new FrameStreamer.Photo(image, faces));
          }
        }
      }
    }
    assertTrue(photos.size() >= 2, "the sample photos should show faces");
    return photos;
  }
}
