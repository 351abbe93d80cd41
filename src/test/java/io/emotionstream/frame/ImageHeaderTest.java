package io.emotionstream.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.emotionstream.schema.ImageEncoding;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class ImageHeaderTest {

  @Test
  void readsSizeOfJpegAndPngWithoutDecoding() {
    try (Mat image = new Mat(123, 321, opencv_core.CV_8UC3, new Scalar(10, 200, 30, 0))) {
      ImageHeader jpeg = ImageHeader.read(ImageCodec.encode(image, ".jpg", 90));
      ImageHeader png = ImageHeader.read(ImageCodec.encode(image, ".png", 0));
      assertEquals(new ImageHeader(ImageEncoding.JPEG, 321, 123), jpeg);
      assertEquals(new ImageHeader(ImageEncoding.PNG, 321, 123), png);
    }
  }

  @Test
  void garbageHasNoHeader() {
    assertNull(ImageHeader.read(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
    assertNull(ImageHeader.read(new byte[0]));
  }

  @Test
  void encodedImagesDecodeBack() {
    try (Mat image = new Mat(40, 60, opencv_core.CV_8UC3, new Scalar(1, 2, 3, 0))) {
      try (Mat back = ImageDecoding.decodeBgr(ImageCodec.encode(image, ".png", 0), "round trip")) {
        assertNotNull(back);
        assertEquals(60, back.cols());
        assertEquals(40, back.rows());
        assertEquals(3, back.channels());
      }
    }
  }
}
