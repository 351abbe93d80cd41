package io.emotionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.frame.ImageHeader;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.kafka.serde.SingleObjectAvroSerde;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.ImageEncoding;
import io.emotionstream.testing.ProcessorRun;
import io.emotionstream.testing.SamplePhotos;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ProduceCommandIT {

  @Test
  void sendsEveryImageOncePerCameraWithItsOwnSequence() {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      int code = new CommandLine(new ProduceCommand()).execute("-b", kafka.bootstrapServers(),
          "--camera-id", "door", "--camera-id", "till", "--fps", "0", "--max-width", "640", "--quiet",
          "--site", "store-9", "--tag", "zone=front",
          SamplePhotos.path(1).toString(), SamplePhotos.path(2).toString(), SamplePhotos.path(3).toString());
      assertEquals(0, code);
      Settings settings = Settings.defaults().with(Map.of("bootstrap.servers", kafka.bootstrapServers()), "test");
      List<ConsumerRecord<String, byte[]>> records = ProcessorRun.readRaw(settings, "camera-frames", 6, Duration.ofSeconds(30));
      assertEquals(6, records.size());
      SingleObjectAvroSerde<CameraFrame> serde = new SingleObjectAvroSerde<>(CameraFrame.class);
      List<String> seen = new ArrayList<>();
      for (ConsumerRecord<String, byte[]> r : records) {
        CameraFrame f = serde.deserializer().deserialize("camera-frames", r.value());
        assertEquals(f.getCameraId(), r.key());
        assertEquals(640, f.getWidth());
        byte[] image = new byte[f.getImage().remaining()];
        f.getImage().duplicate().get(image);
        assertEquals(new ImageHeader(ImageEncoding.JPEG, f.getWidth(), f.getHeight()), ImageHeader.read(image));
        assertEquals("store-9", f.getSiteId());
        assertEquals("front", f.getTags().get("zone"));
        seen.add(f.getCameraId() + "/" + f.getSequence());
      }
      assertTrue(seen.containsAll(List.of("door/0", "door/1", "door/2", "till/0", "till/1", "till/2")), seen.toString());
    }
  }

  @Test
  void aFrameTooLargeToSendIsReportedAndTheCommandFails(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    // noise, re-encoded by the command as a JPEG of quality 100: well above frame.max-bytes plus
    // headroom, so the producer must refuse it
    byte[] pixels = new byte[4000 * 3000 * 3];
    new java.util.Random(3).nextBytes(pixels);
    java.nio.file.Path big = dir.resolve("noise.png");
    try (org.bytedeco.opencv.opencv_core.Mat image = new org.bytedeco.opencv.opencv_core.Mat(3000, 4000,
        org.bytedeco.opencv.global.opencv_core.CV_8UC3)) {
      image.data().put(pixels, 0, pixels.length);
      java.nio.file.Files.write(big, io.emotionstream.frame.ImageCodec.encode(image, ".png", 0));
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      int code = new CommandLine(new ProduceCommand()).execute("-b", kafka.bootstrapServers(), "--fps", "0",
          "--jpeg-quality", "100", "--quiet", big.toString());
      assertEquals(1, code, "a frame that could not be sent fails the command");
    }
  }
}
