package io.emotionstream.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.config.Settings;
import io.emotionstream.kafka.TopicCreator;
import io.emotionstream.kafka.TopicReader;
import io.emotionstream.kafka.serde.AvroSerdes;
import io.emotionstream.schema.AuditRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads the audit trail, oldest first. */
public final class AuditLog implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TopicReader<AuditRecord> reader;

  private AuditLog(TopicReader<AuditRecord> reader) {
    this.reader = reader;
  }

  /** From the oldest record on (the audit topic is created when missing, so that a new cluster reads as empty). */
  public static AuditLog open(Settings settings) {
    TopicCreator.ensureAudit(settings);
    return new AuditLog(new TopicReader<>(settings, settings.string("topic.audit"),
        AvroSerdes.from(settings).serde(AuditRecord.class).deserializer(), TopicReader.Start.BEGINNING));
  }

  /** Every record up to the current end of the topic. */
  public List<AuditRecord> readToEnd() {
    List<AuditRecord> out = new ArrayList<>();
    reader.readToEnd().forEach(r -> out.add(r.value()));
    return out;
  }

  /** Records that arrived within {@code timeout}. */
  public List<AuditRecord> poll(Duration timeout) {
    List<AuditRecord> out = new ArrayList<>();
    reader.poll(timeout).forEach(r -> out.add(r.value()));
    return out;
  }

  /** Records skipped because they could not be decoded. */
  public long skipped() {
    return reader.skipped();
  }

  /** One record as a JSON object; {@code before} and {@code after} stay JSON text. */
  public static ObjectNode json(AuditRecord r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("time", r.getTime().toString());
    o.put("action", r.getAction());
    o.put("subject", r.getSubject());
    o.put("source", r.getSource());
    o.put("application", r.getApplication());
    o.put("detail", r.getDetail());
    if (r.getBefore() != null) {
      o.put("before", r.getBefore());
    }
    if (r.getAfter() != null) {
      o.put("after", r.getAfter());
    }
    return o;
  }

  @Override
  public void close() {
    reader.close();
  }
}
