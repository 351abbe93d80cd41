package io.emotionstream.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import io.emotionstream.schema.ImageEncoding;
import io.emotionstream.testing.ExifPhotos;
import io.emotionstream.testing.SamplePhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecodingTest {

  /**
   * JPEGs written as cameras write them (pixels stored turned or mirrored, the EXIF orientation tag
   * written by exiftool) decode to the picture as shown, pixel for pixel as OpenCV's own EXIF
   * handling shows it, and their header tells the stored and the shown size.
   */
  @Test
  void everyExifOrientationDecodesAsShown(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(ExifPhotos.available(), "exiftool is not installed (Debian: libimage-exiftool-perl)");
    try (Mat photo = opencv_imgcodecs.imread(SamplePhotos.path(1).toString()); Mat upright = new Mat()) {
      org.bytedeco.opencv.global.opencv_imgproc.resize(photo, upright, new Size(320, 200));
      for (int orientation = 1; orientation <= 8; orientation++) {
        Path file = ExifPhotos.write(upright, orientation, dir.resolve("o" + orientation + ".jpg"));
        byte[] bytes = Files.readAllBytes(file);
        ImageHeader header = ImageHeader.read(bytes);
        boolean turned = orientation >= 5;
        assertEquals(new ImageHeader(ImageEncoding.JPEG, turned ? 200 : 320, turned ? 320 : 200, orientation), header);
        assertEquals(320, header.displayWidth());
        assertEquals(200, header.displayHeight());
        try (Mat ours = ImageDecoding.decodeBgr(bytes, file.toString());
            BytePointer data = new BytePointer(bytes);
            Mat encoded = new Mat(1, bytes.length, opencv_core.CV_8UC1, data);
            Mat opencv = opencv_imgcodecs.imdecode(encoded, opencv_imgcodecs.IMREAD_COLOR);
            Mat diff = new Mat()) {
          assertEquals(320, ours.cols(), "orientation " + orientation);
          assertEquals(200, ours.rows(), "orientation " + orientation);
          opencv_core.absdiff(ours, opencv, diff);
          assertEquals(0.0, opencv_core.sumElems(diff).get(0) + opencv_core.sumElems(diff).get(1)
              + opencv_core.sumElems(diff).get(2), "orientation " + orientation + " differs from OpenCV's");
          // and it is the upright picture (up to JPEG's losses), not a turned one
          opencv_core.absdiff(ours, upright, diff);
          double mean = (opencv_core.sumElems(diff).get(0) + opencv_core.sumElems(diff).get(1)
              + opencv_core.sumElems(diff).get(2)) / (3.0 * 320 * 200);
          assertTrue(mean < 6, "orientation " + orientation + ": mean difference " + mean);
        }
      }
    }
  }

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
