package io.emotionstream.chaos;

import io.emotionstream.config.Settings;
import io.emotionstream.kafka.TopicReader;
import io.emotionstream.schema.FaceEmotion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the events topic from the beginning with {@code isolation.level=read_committed} and holds
 * it against the frames the cameras sent: every (camera, frame, face index) of a sent frame, the
 * face count of each event against the photo's known count, duplicates, and per-camera order.
 */
final class EventAudit {

  /** What the committed output holds. {@code problems} lists the first few findings. */
  record Result(int events, int expectedFaces, int duplicates, int missingFaces, int missingFrames,
      int wrongCounts, int unexpected, int outOfOrder, int undecodable, List<String> problems) {}

  private static final int MAX_PROBLEMS = 20;

  private EventAudit() {}

  /**
   * @param expected frames the broker acknowledged, with their known face counts
   * @param uncertain frames whose send failed: their events are neither required nor unexpected
   */
  static Result audit(String bootstrapServers, String topic, Map<FrameKey, Integer> expected,
      Set<FrameKey> uncertain, Duration timeout) {
    List<String> problems = new ArrayList<>();
    Map<FrameKey, Map<Integer, Integer>> seen = new TreeMap<>();
    Map<String, long[]> lastPerCamera = new HashMap<>();
    int events = 0;
    int wrongCounts = 0;
    int unexpected = 0;
    int outOfOrder = 0;
    int undecodable = 0;
    try (TopicReader<byte[]> reader = reader(bootstrapServers, topic, "read_committed")) {
      // with read_committed, the end is the last stable offsets
      for (ConsumerRecord<String, byte[]> record : reader.readToEnd(timeout)) {
        events++;
        FaceEmotion event;
        try {
          event = FaceEmotion.getDecoder().decode(record.value());
        } catch (Exception e) {
          undecodable++;
          note(problems, "undecodable event at " + record.topic() + "-" + record.partition() + "@"
              + record.offset() + ": " + e);
          continue;
        }
        FrameKey frame = new FrameKey(event.getCameraId(), event.getFrameSequence());
        int index = event.getFaceIndex();
        Integer known = expected.get(frame);
        if (known == null) {
          if (!uncertain.contains(frame)) {
            unexpected++;
            note(problems, "event for a frame never sent: " + frame + " face " + index);
          }
          continue;
        }
        if (event.getFaceCount() != known || index < 0 || index >= known) {
          wrongCounts++;
          note(problems, String.format(Locale.ROOT, "%s face %d of %d, but the photo shows %d faces",
              frame, index, event.getFaceCount(), known));
        }
        seen.computeIfAbsent(frame, f -> new TreeMap<>()).merge(index, 1, Integer::sum);
        long[] last = lastPerCamera.get(frame.camera());
        long[] now = {frame.sequence(), index};
        if (last != null && (now[0] < last[0] || now[0] == last[0] && now[1] <= last[1])) {
          outOfOrder++;
          note(problems, String.format(Locale.ROOT, "%s face %d after %s/%d face %d (offset %d)", frame, index,
              frame.camera(), last[0], last[1], record.offset()));
        }
        lastPerCamera.put(frame.camera(), now);
      }
    }
    int duplicates = 0;
    int missingFaces = 0;
    int missingFrames = 0;
    int expectedFaces = 0;
    for (Map.Entry<FrameKey, Integer> e : new TreeMap<>(expected).entrySet()) {
      expectedFaces += e.getValue();
      Map<Integer, Integer> faces = seen.getOrDefault(e.getKey(), Map.of());
      int missingHere = 0;
      for (int i = 0; i < e.getValue(); i++) {
        int n = faces.getOrDefault(i, 0);
        if (n == 0) {
          missingHere++;
        } else {
          duplicates += n - 1;
        }
      }
      if (missingHere > 0) {
        missingFaces += missingHere;
        if (missingHere == e.getValue()) {
          missingFrames++;
        }
        note(problems, "missing: " + e.getKey() + " has " + (e.getValue() - missingHere) + " of " + e.getValue()
            + " faces");
      }
    }
    return new Result(events, expectedFaces, duplicates, missingFaces, missingFrames, wrongCounts, unexpected,
        outOfOrder, undecodable, List.copyOf(problems));
  }

  /**
   * Records on a topic (0 when it does not exist) at an isolation level; counted by reading them,
   * since transaction markers take offsets too.
   */
  static int records(String bootstrapServers, String topic, String isolationLevel) {
    try (TopicReader<byte[]> reader = reader(bootstrapServers, topic, isolationLevel)) {
      return reader.readToEnd(Duration.ofMinutes(1)).size();
    } catch (IllegalStateException noSuchTopic) {
      return 0;
    }
  }

  private static TopicReader<byte[]> reader(String bootstrapServers, String topic, String isolationLevel) {
    Settings settings = Settings.defaults().with(Map.of("bootstrap.servers", bootstrapServers,
        "kafka.isolation.level", isolationLevel), "chaos");
    return new TopicReader<>(settings, topic, new ByteArrayDeserializer(), TopicReader.Start.BEGINNING);
  }

  private static void note(List<String> problems, String problem) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(problem);
    }
  }
}
