package io.emotionstream.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class ImageDecodingTest {

  @Test
  void decodesPngToBgr() {
    byte[] png;
    try (Mat image = new Mat(6, 8, opencv_core.CV_8UC3, new Scalar(10, 20, 30, 0));
        BytePointer buf = new BytePointer()) {
      opencv_imgcodecs.imencode(".png", image, buf);
      png = new byte[(int) buf.limit()];
      buf.get(png);
    }
    try (Mat decoded = ImageDecoding.decodeBgr(png, "test.png")) {
      assertEquals(8, decoded.cols());
      assertEquals(6, decoded.rows());
      assertEquals(opencv_core.CV_8UC3, decoded.type());
    }
  }

  @Test
  void garbageFailsWithTheSourceNamed() {
    var e = assertThrows(ImageDecoding.UndecodableImageException.class,
        () -> ImageDecoding.decodeBgr(new byte[] {1, 2, 3, 4, 5}, "camera-7/frame-42"));
    assertTrue(e.getMessage().contains("camera-7/frame-42"), e.getMessage());
    assertThrows(ImageDecoding.UndecodableImageException.class, () -> ImageDecoding.decodeBgr(new byte[0]));
  }
}
