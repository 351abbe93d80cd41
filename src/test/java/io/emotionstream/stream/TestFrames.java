package io.emotionstream.stream;

import io.emotionstream.frame.EncodedImage;
import io.emotionstream.frame.ImageCodec;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.ImageEncoding;
import java.time.Instant;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Synthetic frames for tests of the streaming code. */
public final class TestFrames {

  private TestFrames() {}

  public static EncodedImage jpeg(int width, int height) {
    try (Mat image = new Mat(height, width, opencv_core.CV_8UC3, new Scalar(90, 120, 150, 0))) {
      return new EncodedImage(ImageCodec.encode(image, ".jpg", 90), ImageEncoding.JPEG, width, height, "synthetic");
    }
  }

  public static CameraFrame frame(String camera, long sequence, EncodedImage image) {
    return FrameProducer.frame(camera, sequence, image, Instant.ofEpochMilli(1_700_000_000_000L + sequence), null,
        Map.of());
  }
}
