package io.emotionstream.kafka.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.emotionstream.schema.CameraFrame;
import io.emotionstream.stream.TestFrames;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SingleObjectAvroSerdeTest {

  private final SingleObjectAvroSerde<CameraFrame> serde = new SingleObjectAvroSerde<>(CameraFrame.class);

  @Test
  void roundTrips() {
    CameraFrame frame = TestFrames.frame("cam-1", 7, TestFrames.jpeg(64, 48));
    byte[] bytes = serde.serializer().serialize("t", frame);
    assertEquals((byte) 0xC3, bytes[0]);
    assertEquals((byte) 0x01, bytes[1]);
    assertEquals(frame, serde.deserializer().deserialize("t", bytes));
  }

  @Test
  void corruptBytesAreMalformed() {
    RecordDecodeException e = assertThrows(RecordDecodeException.class,
        () -> serde.deserializer().deserialize("frames", new byte[] {1, 2, 3, 4, 5}));
    assertEquals(RecordDecodeException.Reason.MALFORMED, e.reason());
  }

  @Test
  void truncatedRecordIsMalformed() {
    byte[] bytes = serde.serializer().serialize("t", TestFrames.frame("cam-1", 7, TestFrames.jpeg(64, 48)));
    RecordDecodeException e = assertThrows(RecordDecodeException.class,
        () -> serde.deserializer().deserialize("frames", Arrays.copyOf(bytes, 20)));
    assertEquals(RecordDecodeException.Reason.MALFORMED, e.reason());
  }

  @Test
  void unknownFingerprintIsUnknownSchema() {
    byte[] bytes = serde.serializer().serialize("t", TestFrames.frame("cam-1", 7, TestFrames.jpeg(64, 48)));
    bytes[5] ^= 0x55; // inside the 8-byte schema fingerprint
    RecordDecodeException e = assertThrows(RecordDecodeException.class,
        () -> serde.deserializer().deserialize("frames", bytes));
    assertEquals(RecordDecodeException.Reason.UNKNOWN_SCHEMA, e.reason());
  }
}
