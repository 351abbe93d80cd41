package io.emotionstream.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.policy.StatsDisclosure;
import io.emotionstream.schema.EmotionStats;
import io.emotionstream.stream.EmotionProcessor;
import io.emotionstream.stream.EmotionTopology;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Interactive query of the per-camera (and per-zone: {@code camera=ID&zone=NAME}) emotion counts,
 * as they may leave the processor ({@link StatsDisclosure}: small counts suppressed and marked, no
 * track ids unless enabled). A camera whose partition lives on another instance is answered with
 * that instance's address (when instances advertise one).
 */
final class StatsQuery {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** @param redirectTo host:port of the instance that holds the camera, or null */
  record Answer(int status, Object body, String redirectTo) {}

  private final InstanceStatus status;

  StatsQuery(InstanceStatus status) {
    this.status = status;
  }

  Answer windows(String camera, int minutes) {
    return windows(camera, null, minutes);
  }

  /** @param zone a zone of the camera (its counts are kept under {@code <camera>/<zone>}), or null */
  Answer windows(String camera, String zone, int minutes) {
    if (zone != null && camera == null) {
      return new Answer(400, JSON.createObjectNode().put("error", "zone=" + zone + " needs camera=ID"), null);
    }
    EmotionProcessor processor = status.processor();
    if (processor == null || processor.state() != KafkaStreams.State.RUNNING) {
      return new Answer(503, JSON.createObjectNode().put("error", "streams not running"), null);
    }
    KafkaStreams streams = processor.streams();
    StatsDisclosure disclosure = processor.statsDisclosure();
    String key = zone == null ? camera : camera + "/" + zone;
    Instant to = Instant.now();
    Instant from = to.minusSeconds(60L * minutes);
    ReadOnlyWindowStore<String, EmotionStats> store;
    try {
      store = streams.store(StoreQueryParameters.fromNameAndType(EmotionTopology.STATS_STORE,
          QueryableStoreTypes.windowStore()));
    } catch (InvalidStateStoreException e) {
      return new Answer(503, JSON.createObjectNode().put("error", "store not ready: " + e.getMessage()), null);
    }
    ArrayNode windows = JSON.createArrayNode();
    if (camera != null) {
      KeyQueryMetadata owner = streams.queryMetadataForKey(EmotionTopology.STATS_STORE, key,
          Serdes.String().serializer());
      HostInfo active = owner == null ? null : owner.activeHost();
      try (WindowStoreIterator<EmotionStats> it = store.fetch(key, from, to)) {
        it.forEachRemaining(kv -> windows.add(json(key, kv.key, kv.value, disclosure)));
      }
      String self = status.advertisedAddress();
      boolean elsewhere = active != null && active.port() > 0 && self != null
          && !self.equals(active.host() + ":" + active.port());
      if (windows.isEmpty() && elsewhere) {
        return new Answer(307, null, active.host() + ":" + active.port());
      }
    } else {
      try (KeyValueIterator<Windowed<String>, EmotionStats> it = store.fetchAll(from, to)) {
        it.forEachRemaining(kv -> windows.add(json(kv.key.key(), kv.key.window().start(), kv.value, disclosure)));
      }
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("from", from.toString()).put("to", to.toString()).set("windows", windows);
    return new Answer(200, body, null);
  }

  private static ObjectNode json(String key, long windowStart, EmotionStats window, StatsDisclosure disclosure) {
    EmotionStats stats = disclosure.apply(window);
    ObjectNode o = JSON.createObjectNode();
    o.put("cameraId", stats.getCameraId().isEmpty() ? key : stats.getCameraId());
    if (!key.equals(stats.getCameraId()) && key.startsWith(stats.getCameraId() + "/")) {
      o.put("zone", key.substring(stats.getCameraId().length() + 1));
    }
    o.put("windowStart", Instant.ofEpochMilli(windowStart).toString());
    o.put("faces", stats.getFaces());
    ObjectNode counts = o.putObject("counts");
    for (Map.Entry<String, Long> e : new TreeMap<>(stats.getCounts()).entrySet()) {
      counts.put(e.getKey(), e.getValue());
    }
    o.put("uniqueTracks", stats.getUniqueTracks());
    if (disclosure.trackIds()) {
      stats.getTrackIds().forEach(o.putArray("trackIds")::add);
    }
    o.put("framesAnalysed", stats.getFramesAnalysed());
    o.put("framesShed", stats.getFramesShed());
    o.put("suppressed", disclosure.suppresses(window));
    if (stats.getModelVersion() != null) {
      o.put("modelVersion", stats.getModelVersion());
    }
    return o;
  }
}
