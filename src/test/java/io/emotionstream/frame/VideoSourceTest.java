package io.emotionstream.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.schema.ImageEncoding;
import java.nio.file.Path;
import java.util.Optional;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoSourceTest {

  @Test
  void readsEveryFrameOfAVideoAndLoops(@TempDir Path dir) throws Exception {
    Path video = dir.resolve("clip.avi");
    try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(video.toString(), 160, 120);
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_MJPEG);
      recorder.setFormat("avi");
      recorder.setFrameRate(10);
      recorder.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P);
      recorder.start();
      for (int i = 0; i < 7; i++) {
        try (Mat frame = new Mat(120, 160, opencv_core.CV_8UC3, new Scalar(i * 30, 100, 200 - i * 20, 0))) {
          recorder.record(converter.convert(frame));
        }
      }
      recorder.stop();
    }
    ImageEncoder encoder = new ImageEncoder(ImageEncoding.JPEG, 0, 90);
    int frames = 0;
    try (VideoSource source = new VideoSource(video.toString(), encoder, false)) {
      assertEquals(10.0, source.nativeFps(), 0.01);
      Optional<EncodedImage> image;
      while ((image = source.next()).isPresent()) {
        assertEquals(160, image.get().width());
        assertEquals(new ImageHeader(ImageEncoding.JPEG, 160, 120), ImageHeader.read(image.get().bytes()));
        frames++;
      }
    }
    assertEquals(7, frames);
    try (VideoSource looping = new VideoSource(video.toString(), encoder, true)) {
      for (int i = 0; i < 10; i++) {
        assertTrue(looping.next().isPresent(), "looping source ended at frame " + i);
      }
    }
  }

  @Test
  void aFailedOpenNamesTheAddressWithoutItsPassword() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new VideoSource("rtsp://admin:Produce-pw-731@127.0.0.1:1/live", new ImageEncoder(ImageEncoding.JPEG, 0, 90), false));
    assertTrue(e.getMessage().contains("rtsp://admin:***@127.0.0.1:1/live"), e.getMessage());
    assertTrue(!e.getMessage().contains("Produce-pw-731"), e.getMessage());
  }

  @Test
  void missingVideoIsNamedInTheError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new VideoSource("/nonexistent/clip.mp4", new ImageEncoder(ImageEncoding.JPEG, 0, 90), false));
    assertTrue(e.getMessage().contains("/nonexistent/clip.mp4"), e.getMessage());
  }
}
