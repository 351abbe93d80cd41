package io.emotionstream.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive query of the per-camera emotion counts. A camera whose partition lives on another
 * instance is answered with that instance's address (when instances advertise one).
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
    EmotionProcessor processor = status.processor();
    if (processor == null || processor.state() != KafkaStreams.State.RUNNING) {
      return new Answer(503, JSON.createObjectNode().put("error", "streams not running"), null);
    }
    KafkaStreams streams = processor.streams();
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
      KeyQueryMetadata owner = streams.queryMetadataForKey(EmotionTopology.STATS_STORE, camera,
          Serdes.String().serializer());
      HostInfo active = owner == null ? null : owner.activeHost();
      String[] range = EmotionTopology.statsKeyRange(camera);
      try (KeyValueIterator<String, EmotionStats> it = store.range(range[0], range[1])) {
        it.forEachRemaining(kv -> add(windows, kv.value, fromMs, toMs));
      }
      String self = status.advertisedAddress();
      boolean elsewhere = active != null && active.port() > 0 && self != null
          && !self.equals(active.host() + ":" + active.port());
      if (windows.isEmpty() && elsewhere) {
        return new Answer(307, null, active.host() + ":" + active.port());
      }
    } else {
      try (KeyValueIterator<String, EmotionStats> it = store.all()) {
        it.forEachRemaining(kv -> add(windows, kv.value, fromMs, toMs));
      }
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("from", from.toString()).put("to", to.toString()).set("windows", windows);
    return new Answer(200, body, null);
  }

  /** Adds the window when it starts within [from, to]. */
  private static void add(ArrayNode windows, EmotionStats stats, long from, long to) {
    long start = stats.getWindowStart().toEpochMilli();
    if (start >= from && start <= to) {
      windows.add(json(stats));
    }
  }

  private static ObjectNode json(EmotionStats stats) {
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
    o.put("framesAnalysed", stats.getFramesAnalysed());
    o.put("framesShed", stats.getFramesShed());
    if (stats.getModelVersion() != null) {
      o.put("modelVersion", stats.getModelVersion());
    }
    return o;
  }
}
