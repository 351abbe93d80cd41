package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.ImageEncoding;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The send queue alone, with a sink that acknowledges when the test says so (a stand-in for Kafka). */
class SendQueueTest {

  private static CameraFrame frame(long sequence) {
    return CameraFrame.newBuilder().setCameraId("c").setSequence(sequence).setCaptureTime(Instant.now())
        .setEncoding(ImageEncoding.JPEG).setWidth(1).setHeight(1).setImage(ByteBuffer.wrap(new byte[100]))
        .setTags(Map.of()).build();
  }

  private static final class HeldSink implements SendQueue.Sink {
    final List<CameraFrame> sent = new ArrayList<>();
    final List<Consumer<Exception>> pending = new ArrayList<>();

    @Override
    public void send(CameraFrame f, Consumer<Exception> done) {
      sent.add(f);
      pending.add(done);
    }

    void ack(Exception e) {
      pending.remove(0).accept(e);
    }
  }

  @Test
  void whileKafkaDoesNotAnswerTheNewestFramesWaitAndTheOldestGiveWay() {
    CameraCounters counters = new CameraCounters(System::currentTimeMillis);
    HeldSink sink = new HeldSink();
    List<String> failures = new ArrayList<>();
    int[] wakes = {0};
    SendQueue q = new SendQueue(sink, 4, 2, counters, () -> wakes[0]++, failures::add);
    for (long s = 0; s < 20; s++) {
      q.offer(frame(s));
    }
    assertEquals(List.of(0L, 1L), sink.sent.stream().map(CameraFrame::getSequence).toList(), "two in flight");
    assertEquals(6, q.pending());
    assertEquals(14, counters.dropped(CameraCounters.DropReason.SEND_BUFFER_FULL));
    sink.ack(null);
    sink.ack(new org.apache.kafka.common.errors.TimeoutException("Expiring 1 record(s) for frames-0"));
    assertEquals(2, wakes[0]);
    assertEquals(1, counters.sent());
    assertEquals(1, counters.dropped(CameraCounters.DropReason.SEND_FAILED));
    assertTrue(failures.get(0).startsWith("Kafka: Expiring"), failures.toString());
    q.drain();
    assertEquals(List.of(0L, 1L, 16L, 17L), sink.sent.stream().map(CameraFrame::getSequence).toList(),
        "what waited were the newest frames, sent in order");
    sink.ack(null);
    sink.ack(null);
    q.drain();
    sink.ack(null);
    sink.ack(null);
    assertEquals(0, q.pending());
    assertEquals(5, counters.sent());
    assertEquals(500, counters.bytesSent());
  }
}
