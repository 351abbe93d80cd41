package io.emotionstream.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.policy.StatsDisclosure;
import io.emotionstream.schema.EmotionStats;
import io.emotionstream.stream.EmotionStreams;
import io.emotionstream.stream.EmotionTopology;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

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
    EmotionStreams processor = status.processor();
    if (processor == null || processor.state() != KafkaStreams.State.RUNNING) {
      return new Answer(503, JSON.createObjectNode().put("error", "streams not running"), null);
    }
    KafkaStreams streams = processor.streams();
    StatsDisclosure disclosure = processor.statsDisclosure();
    String key = zone == null ? camera : camera + "/" + zone;
    Instant to = Instant.now();
    Instant from = to.minusSeconds(60L * minutes);
    ReadOnlyKeyValueStore<String, EmotionStats> store;
    try {
      store = streams.store(StoreQueryParameters.fromNameAndType(EmotionTopology.STATS_STORE,
          QueryableStoreTypes.keyValueStore()));
    } catch (InvalidStateStoreException e) {
      return new Answer(503, JSON.createObjectNode().put("error", "store not ready: " + e.getMessage()), null);
    }
    ArrayNode windows = JSON.createArrayNode();
    long fromMs = from.toEpochMilli();
    long toMs = to.toEpochMilli();
    if (camera != null) {
      KeyQueryMetadata owner = streams.queryMetadataForKey(EmotionTopology.STATS_STORE, key,
          Serdes.String().serializer());
      HostInfo active = owner == null ? null : owner.activeHost();
      String[] range = EmotionTopology.statsKeyRange(key);
      try (KeyValueIterator<String, EmotionStats> it = store.range(range[0], range[1])) {
        it.forEachRemaining(kv -> add(windows, kv.value, fromMs, toMs, disclosure));
      }
      String self = status.advertisedAddress();
      boolean elsewhere = active != null && active.port() > 0 && self != null
          && !self.equals(active.host() + ":" + active.port());
      if (windows.isEmpty() && elsewhere) {
        return new Answer(307, null, active.host() + ":" + active.port());
      }
    } else {
      try (KeyValueIterator<String, EmotionStats> it = store.all()) {
        it.forEachRemaining(kv -> add(windows, kv.value, fromMs, toMs, disclosure));
      }
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("from", from.toString()).put("to", to.toString()).set("windows", windows);
    return new Answer(200, body, null);
  }

  /** Adds the window, as it may leave the processor, when it starts within [from, to]. */
  private static void add(ArrayNode windows, EmotionStats stats, long from, long to, StatsDisclosure disclosure) {
    long start = stats.getWindowStart().toEpochMilli();
    if (start >= from && start <= to) {
      windows.add(json(stats, disclosure));
    }
  }

  private static ObjectNode json(EmotionStats window, StatsDisclosure disclosure) {
    EmotionStats stats = disclosure.apply(window);
    ObjectNode o = JSON.createObjectNode();
    o.put("cameraId", stats.getCameraId());
    if (stats.getSiteId() != null) {
      o.put("siteId", stats.getSiteId());
    }
    if (stats.getZone() != null) {
      o.put("zone", stats.getZone());
    }
    o.put("windowStart", stats.getWindowStart().toString());
    o.put("windowEnd", stats.getWindowEnd().toString());
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
