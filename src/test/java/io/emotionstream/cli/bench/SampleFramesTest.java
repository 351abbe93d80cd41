package io.emotionstream.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emotionstream.frame.EncodedImage;
import io.emotionstream.frame.ImageEncoder;
import io.emotionstream.schema.ImageEncoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleFramesTest {

  @TempDir
  Path dir;

  @Test
  void savedFramesKeepTheirBytesAndOrderAndLoadBackInThatOrder() throws Exception {
    List<EncodedImage> frames = new ArrayList<>();
    ImageEncoder jpeg = new ImageEncoder(ImageEncoding.JPEG, 0, 90);
    for (int i = 0; i < 12; i++) {
      // widths tell the frames apart after a round trip through the decoder
      try (Mat bgr = new Mat(40, 60 + 4 * i, org.bytedeco.opencv.global.opencv_core.CV_8UC3,
          new Scalar(10 * i, 255 - 10 * i, 128, 0))) {
        frames.add(jpeg.encode(bgr, "frame " + i));
      }
    }
    frames.add(new EncodedImage(new byte[] {1, 2, 3}, ImageEncoding.PNG, 1, 1, "png"));

    SampleFrames.save(frames, dir.resolve("out"));

    List<Path> written;
    try (Stream<Path> files = Files.list(dir.resolve("out"))) {
      written = files.sorted().toList();
    }
    assertEquals(13, written.size());
    assertEquals("frame-00001.jpg", written.get(0).getFileName().toString());
    assertEquals("frame-00013.png", written.get(12).getFileName().toString());
    for (int i = 0; i < 13; i++) {
      assertArrayEquals(frames.get(i).bytes(), Files.readAllBytes(written.get(i)), "frame " + (i + 1));
    }

    Files.delete(written.get(12));
    List<EncodedImage> loaded = SampleFrames.load(List.of(dir.resolve("out")), 0, 100);
    assertEquals(12, loaded.size());
    for (int i = 0; i < 12; i++) {
      assertEquals(60 + 4 * i, loaded.get(i).width(), "frame " + (i + 1) + " comes back in its place");
    }
  }
}
