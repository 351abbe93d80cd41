package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import java.nio.file.Path;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.Test;

/** The FFmpeg options each kind of source gets (a grabber configured, not started). */
class FfmpegCameraStreamTest {

  private static CameraConfig camera(String yaml) {
    return CameraList.parse("cameras:\n  - " + yaml + "\n", Path.of("cameras.yaml"),
        IngestDefaults.from(Settings.defaults())).cameras().get(0);
  }

  private static FFmpegFrameGrabber configured(CameraConfig c) throws Exception {
    FFmpegFrameGrabber g = new FFmpegFrameGrabber("x");
    FfmpegCameraStream.configure(g, CameraUrl.parse(c.url()).kind(), c);
    return g;
  }

  @Test
  void rtspGetsItsTransportASocketTimeoutAndNoFrameRateProbing() throws Exception {
    try (FFmpegFrameGrabber g = configured(camera("{id: a, url: 'rtsp://cam/1', read-timeout-ms: 4000}"))) {
      assertEquals("tcp", g.getOption("rtsp_transport"));
      assertEquals("4000000", g.getOption("timeout"), "microseconds");
      assertEquals("0", g.getOption("fpsprobesize"));
      assertEquals("1", g.getVideoOption("threads"), "one decoding thread per camera");
    }
    try (FFmpegFrameGrabber g = configured(camera("{id: a, url: 'rtsp://cam/1', rtsp-transport: udp}"))) {
      assertEquals("udp", g.getOption("rtsp_transport"));
    }
  }

  @Test
  void aUsbCameraIsOpenedAsV4l2WithTheCamerasOwnFormat() throws Exception {
    try (FFmpegFrameGrabber g = configured(camera(
        "{id: usb, url: /dev/video0, ffmpeg-options: {input_format: mjpeg, video_size: 1280x720, framerate: '15'}}"))) {
      assertEquals("video4linux2", g.getFormat());
      assertEquals("mjpeg", g.getOption("input_format"));
      assertEquals("1280x720", g.getOption("video_size"));
      assertEquals("15", g.getOption("framerate"));
      assertNull(g.getOption("timeout"), "a device has no socket");
    }
  }

  @Test
  void httpThroughFfmpegAndOtherProtocolsGetIoTimeouts() throws Exception {
    try (FFmpegFrameGrabber g = configured(camera("{id: a, url: 'http://cam/live.m3u8', source: ffmpeg}"))) {
      assertEquals("5000000", g.getOption("rw_timeout"));
      assertEquals("5000000", g.getOption("timeout"));
    }
    try (FFmpegFrameGrabber g = configured(camera("{id: a, url: 'srt://cam:9000'}"))) {
      assertEquals("5000000", g.getOption("rw_timeout"));
    }
  }

  @Test
  void aMissingVideoFileFailsForGoodAndNamesTheFile() {
    CameraConfig c = camera("{id: f, url: /nonexistent/entrance.mp4}");
    CameraException e = assertThrows(CameraException.class,
        () -> FfmpegCameraStream.open(c, CameraUrl.parse(c.url()), Credentials.NONE));
    assertTrue(e.lasting() && e.getMessage().contains("/nonexistent/entrance.mp4"), e.getMessage());
  }
}
