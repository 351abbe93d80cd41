package io.emotionstream.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.LabelScore;
import io.emotionstream.schema.Point;

/** One {@link FaceEmotion} as one line of JSON, for {@code tail}, {@code demo} and dashboards. */
public final class EventJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private EventJson() {}

  public static ObjectNode toJson(FaceEmotion e) {
    ObjectNode o = JSON.createObjectNode();
    o.put("cameraId", e.getCameraId());
    if (e.getSiteId() != null) {
      o.put("siteId", e.getSiteId());
    }
    if (e.getZone() != null) {
      o.put("zone", e.getZone());
    }
    if (e.getTags() != null && !e.getTags().isEmpty()) {
      ObjectNode tags = o.putObject("tags");
      new java.util.TreeMap<>(e.getTags()).forEach(tags::put);
    }
    o.put("frameSequence", e.getFrameSequence());
    o.put("captureTime", e.getCaptureTime().toString());
    o.put("faceIndex", e.getFaceIndex());
    o.put("faceCount", e.getFaceCount());
    ObjectNode box = o.putObject("box");
    box.put("x", e.getBox().getX());
    box.put("y", e.getBox().getY());
    box.put("width", e.getBox().getWidth());
    box.put("height", e.getBox().getHeight());
    o.put("detectionScore", e.getDetectionScore());
    ArrayNode landmarks = o.putArray("landmarks");
    for (Point p : e.getLandmarks()) {
      landmarks.addArray().add(p.getX()).add(p.getY());
    }
    o.put("label", e.getLabel());
    ObjectNode scores = o.putObject("scores");
    for (LabelScore s : e.getScores()) {
      scores.put(s.getLabel(), s.getScore());
    }
    if (e.getTrackId() != null) {
      o.put("trackId", e.getTrackId());
      o.put("smoothedLabel", e.getSmoothedLabel());
      ObjectNode smoothed = o.putObject("smoothedScores");
      for (LabelScore s : e.getSmoothedScores()) {
        smoothed.put(s.getLabel(), s.getScore());
      }
    }
    o.put("modelName", e.getModelName());
    o.put("modelVersion", e.getModelVersion());
    o.put("processingTimeMs", e.getProcessingTimeMs());
    o.put("latencyMs", e.getLatencyMs());
    return o;
  }

  public static String line(FaceEmotion e) {
    return toJson(e).toString();
  }
}
