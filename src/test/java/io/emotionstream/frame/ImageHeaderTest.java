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

  /** A JPEG with an APP1 segment holding a TIFF header and IFD0 with the orientation tag only. */
  private static byte[] withExif(byte[] jpeg, int orientation, boolean littleEndian, int type) {
    java.nio.ByteBuffer tiff = java.nio.ByteBuffer.allocate(8 + 2 + 12 + 4)
        .order(littleEndian ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
    tiff.put(littleEndian ? (byte) 'I' : (byte) 'M').put(littleEndian ? (byte) 'I' : (byte) 'M');
    tiff.putShort((short) 42).putInt(8).putShort((short) 1);
    tiff.putShort((short) 0x0112).putShort((short) type).putInt(1);
    if (type == 3) {
      tiff.putShort((short) orientation).putShort((short) 0);
    } else {
      tiff.putInt(orientation);
    }
    tiff.putInt(0);
    byte[] body = tiff.array();
    int length = 2 + 6 + body.length;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(0xFF);
    out.write(0xD8);
    out.write(0xFF);
    out.write(0xE1);
    out.write(length >> 8);
    out.write(length & 0xff);
    out.writeBytes("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    out.writeBytes(body);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  @Test
  void readsTheExifOrientationInEitherByteOrder() {
    try (Mat image = new Mat(30, 50, opencv_core.CV_8UC3, new Scalar(10, 200, 30, 0))) {
      byte[] jpeg = ImageCodec.encode(image, ".jpg", 90);
      for (int o = 1; o <= 8; o++) {
        ImageHeader little = ImageHeader.read(withExif(jpeg, o, true, 3));
        ImageHeader big = ImageHeader.read(withExif(jpeg, o, false, 3));
        assertEquals(new ImageHeader(ImageEncoding.JPEG, 50, 30, o), little);
        assertEquals(little, big);
        assertEquals(o >= 5 ? 30 : 50, little.displayWidth());
        assertEquals(o >= 5 ? 50 : 30, little.displayHeight());
      }
      assertEquals(6, ImageHeader.read(withExif(jpeg, 6, false, 4)).orientation(), "a LONG value");
      assertEquals(1, ImageHeader.read(withExif(jpeg, 9, true, 3)).orientation(), "out of range: as stored");
      assertEquals(1, ImageHeader.read(withExif(jpeg, 0, true, 3)).orientation());
    }
  }

  @Test
  void aTruncatedOrDamagedExifSegmentNeverThrows() {
    try (Mat image = new Mat(30, 50, opencv_core.CV_8UC3, new Scalar(10, 200, 30, 0))) {
      byte[] exif = withExif(ImageCodec.encode(image, ".jpg", 90), 6, true, 3);
      for (int n = 0; n <= 60; n++) {
        ImageHeader.read(java.util.Arrays.copyOf(exif, n)); // no exception, whatever the length
      }
      java.util.Random random = new java.util.Random(7);
      for (int i = 0; i < 2_000; i++) {
        byte[] damaged = exif.clone();
        damaged[6 + random.nextInt(34)] = (byte) random.nextInt(256); // anywhere in the APP1 segment
        ImageHeader h = ImageHeader.read(damaged);
        if (h != null) {
          org.junit.jupiter.api.Assertions.assertTrue(h.orientation() >= 1 && h.orientation() <= 8);
        }
      }
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
