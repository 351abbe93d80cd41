package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.frame.ImageCodec;
import io.emotionstream.frame.ImageHeader;
import io.emotionstream.ingest.testcamera.FrameNumberBand;
import java.time.Instant;
import java.util.Arrays;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class FrameEncoderTest {

  private static Mat picture(int w, int h, long number) {
    Mat m = new Mat(h, w, opencv_core.CV_8UC3, new Scalar(90, 120, 150, 0));
    FrameNumberBand.draw(m, number);
    return m;
  }

  @Test
  void aCameraJpegThatFitsIsForwardedByteForByte() {
    byte[] jpeg;
    try (Mat m = picture(640, 360, 1234)) {
      jpeg = ImageCodec.encode(m, ".jpg", 80);
    }
    FrameEncoder.Outcome out = new FrameEncoder(0, 85, 16 << 20).encode(CapturedFrame.jpeg(jpeg, Instant.now(), 0), "c");
    assertFalse(out.reencoded());
    assertArrayEquals(jpeg, out.image().bytes());
    assertEquals(640, out.image().width());
  }

  @Test
  void largerThanMaxSideIsScaledOnceAndKeepsItsPicture() {
    byte[] jpeg;
    try (Mat m = picture(1920, 1080, 4321)) {
      jpeg = ImageCodec.encode(m, ".jpg", 90);
    }
    FrameEncoder.Outcome out = new FrameEncoder(1280, 85, 16 << 20).encode(CapturedFrame.jpeg(jpeg, Instant.now(), 0), "c");
    assertTrue(out.reencoded());
    assertEquals(new ImageHeader(io.emotionstream.schema.ImageEncoding.JPEG, 1280, 720), ImageHeader.read(out.image().bytes()));
    try (Mat back = io.emotionstream.frame.ImageDecoding.decodeBgr(out.image().bytes(), "x")) {
      assertEquals(4321, FrameNumberBand.read(back));
    }
  }

  @Test
  void decodedVideoIsEncodedAtTheQualityAndOversizedOrBrokenFramesAreDropped() {
    try (Mat m = picture(320, 240, 7)) {
      FrameEncoder.Outcome out = new FrameEncoder(0, 85, 16 << 20).encode(CapturedFrame.decoded(m.clone(), Instant.now(), 0), "c");
      assertTrue(out.reencoded());
      assertEquals(320, out.image().width());
      FrameEncoder.Outcome tooLarge = new FrameEncoder(0, 85, 100).encode(CapturedFrame.decoded(m.clone(), Instant.now(), 0), "c");
      assertEquals(CameraCounters.DropReason.TOO_LARGE, tooLarge.dropped());
      assertTrue(tooLarge.detail().contains("frame.max-bytes"), tooLarge.detail());
      byte[] jpeg = ImageCodec.encode(m, ".jpg", 80);
      FrameEncoder.Outcome cut = new FrameEncoder(0, 85, 16 << 20).encode(
          CapturedFrame.jpeg(Arrays.copyOf(jpeg, jpeg.length / 2), Instant.now(), 0), "c");
      assertEquals(CameraCounters.DropReason.BROKEN_IMAGE, cut.dropped());
    }
  }

  @Test
  void theDrawnFrameNumberSurvivesJpeg() {
    for (long n : new long[] {0, 1, 255, 40_000, 65_535}) {
      try (Mat m = picture(320, 240, n); Mat back = io.emotionstream.frame.ImageDecoding.decodeBgr(
          ImageCodec.encode(m, ".jpg", 60), "x")) {
        assertEquals(n, FrameNumberBand.read(back));
      }
    }
    try (Mat grey = new Mat(240, 320, opencv_core.CV_8UC3, new Scalar(128, 128, 128, 0))) {
      assertEquals(-1, FrameNumberBand.read(grey), "no band: unreadable, never a made-up number");
    }
  }
}
