package io.emotionstream.kafka.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.stream.TestFrames;
import io.emotionstream.testing.SchemaRegistryServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@code registry} wire format against a real schema registry server. */
class RegistryAvroSerdeIT {

  private static SchemaRegistryServer server;

  @BeforeAll
  static void startRegistry() throws Exception {
    server = SchemaRegistryServer.start();
  }

  @AfterAll
  static void stopRegistry() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void recordWeWriteDecodesByFollowingTheWireFormatByHand() throws Exception {
    RegistryAvroSerde<CameraFrame> serde =
        new RegistryAvroSerde<>(CameraFrame.class, new SchemaRegistryClient(server.ccompatUrl()), true);
    CameraFrame frame = TestFrames.frame("kiosk-3", 42, TestFrames.jpeg(80, 60));
    byte[] bytes = serde.serializer().serialize("camera-frames", frame);

    // by hand: magic byte, 4-byte id, fetch the schema by id over REST, plain Avro decode
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    assertEquals(0, buffer.get());
    int id = buffer.getInt();
    HttpResponse<String> reply = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(server.ccompatUrl() + "/schemas/ids/" + id)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, reply.statusCode(), reply.body());
    Schema writer = new Schema.Parser().parse(new ObjectMapper().readTree(reply.body()).get("schema").asText());
    GenericRecord decoded = new GenericDatumReader<GenericRecord>(writer)
        .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    assertEquals("kiosk-3", decoded.get("cameraId").toString());
    assertEquals(42L, decoded.get("sequence"));
    assertEquals(80, decoded.get("width"));
    assertEquals(frame.getImage(), decoded.get("image"));
    assertEquals("JPEG", decoded.get("encoding").toString());

    // the subject follows the topic-name strategy
    HttpResponse<String> subjects = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(server.ccompatUrl() + "/subjects")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(true, subjects.body().contains("camera-frames-value"), subjects.body());

    // and our own reader gets the same record back
    assertEquals(frame, serde.deserializer().deserialize("camera-frames", bytes));
  }

  @Test
  void unknownSchemaIdIsReportedAsSuch() {
    RegistryAvroSerde<CameraFrame> serde =
        new RegistryAvroSerde<>(CameraFrame.class, new SchemaRegistryClient(server.ccompatUrl()), true);
    byte[] bytes = {0, 0, 0, 0x7f, 0x7f, 2, 'x'};
    RecordDecodeException e = assertThrows(RecordDecodeException.class,
        () -> serde.deserializer().deserialize("camera-frames", bytes));
    assertEquals(RecordDecodeException.Reason.UNKNOWN_SCHEMA, e.reason());
  }

  @Test
  void withoutAutoRegistrationAnUnregisteredSchemaIsRefusedClearly() {
    RegistryAvroSerde<CameraFrame> serde =
        new RegistryAvroSerde<>(CameraFrame.class, new SchemaRegistryClient(server.ccompatUrl()), false);
    SchemaRegistryClient.RegistryException e = assertThrows(SchemaRegistryClient.RegistryException.class,
        () -> serde.serializer().serialize("never-registered", TestFrames.frame("c", 1, TestFrames.jpeg(8, 8))));
    assertEquals(true, e.getMessage().contains("never-registered-value"), e.getMessage());
  }

  @Test
  void notTheWireFormatIsMalformed() {
    RegistryAvroSerde<CameraFrame> serde =
        new RegistryAvroSerde<>(CameraFrame.class, new SchemaRegistryClient(server.ccompatUrl()), true);
    RecordDecodeException e = assertThrows(RecordDecodeException.class,
        () -> serde.deserializer().deserialize("camera-frames", new byte[] {(byte) 0xC3, 1, 2, 3, 4, 5}));
    assertEquals(RecordDecodeException.Reason.MALFORMED, e.reason());
  }
}
