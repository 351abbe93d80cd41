package io.emotionstream.stream;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * One tag key for the store of every Kafka Streams state-store meter ({@code kafka.stream.state.*}).
 * Kafka names the store tag after the store's type ({@code rocksdb-state-id},
 * {@code rocksdb-window-state-id}, {@code in-memory-state-id}, ...), so one meter name comes with
 * several tag keys; Prometheus requires one set of keys per name, and the registry refused every
 * store's meters after the first type's: the tracker store's RocksDB meters never reached
 * {@code /metrics}. Here each of those keys becomes {@code state.id} ({@code state_id} on
 * {@code /metrics}); the store names stay distinct.
 *
 * <p>The number of tags stays the same on purpose: Micrometer's Kafka binder drops a metric when a
 * meter of that name with more tags exists already.
 */
public final class StoreMeterTags implements MeterFilter {

  /** The tag key of the store on every state-store meter. */
  public static final String KEY = "state.id";
  private static final String PREFIX = "kafka.stream.state.";
  private static final String SUFFIX = ".state.id";

  @Override
  public Meter.Id map(Meter.Id id) {
    if (!id.getName().startsWith(PREFIX)) {
      return id;
    }
    List<Tag> tags = new ArrayList<>();
    boolean renamed = false;
    for (Tag tag : id.getTagsAsIterable()) {
      if (tag.getKey().endsWith(SUFFIX) || tag.getKey().endsWith("-state-id")) {
        tags.add(Tag.of(KEY, tag.getValue()));
        renamed = true;
      } else {
        tags.add(tag);
      }
    }
    return renamed ? id.replaceTags(tags) : id;
  }
}
