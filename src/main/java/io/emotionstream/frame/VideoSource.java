package io.emotionstream.frame;

import java.util.Optional;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/** Frames of a video file or a live stream (RTSP, HTTP, a V4L2 device) through FFmpeg. */
public final class VideoSource implements FrameSource {

  static {
    // at FFmpeg's default level (info) each opened input is described on stderr with its full
    // address, a camera's password included (av_dump_format)
    if (org.bytedeco.ffmpeg.global.avutil.av_log_get_level() > org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING) {
      org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING);
    }
  }

  private final String location;
  private final ImageEncoder encoder;
  private final boolean loop;
  private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
  private FFmpegFrameGrabber grabber;

  public VideoSource(String location, ImageEncoder encoder, boolean loop) {
    this.location = location;
    this.encoder = encoder;
    this.loop = loop;
    this.grabber = open(location);
  }

  private static FFmpegFrameGrabber open(String location) {
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(location);
    if (location.startsWith("rtsp://")) {
      g.setOption("rtsp_transport", "tcp");
    }
    if (location.startsWith("/dev/video")) {
      g.setFormat("video4linux2");
    }
    try {
      g.start();
    } catch (FrameGrabber.Exception e) {
      // JavaCV's message repeats the address: never with its password
      throw new IllegalArgumentException("cannot open video " + withoutPassword(location) + ": "
          + withoutPassword(String.valueOf(e.getMessage())), e);
    }
    return g;
  }

  /** A URL's password replaced by {@code ***} ({@code rtsp://user:***@host/...}). */
  static String withoutPassword(String text) {
    return text.replaceAll("([A-Za-z][A-Za-z0-9+.-]*://[^/@\\s:]*):[^@\\s]*@", "$1:***@");
  }

  @Override
  public Optional<EncodedImage> next() {
    try {
      Frame frame = grabber.grabImage();
      if (frame == null && loop) {
        grabber.close();
        grabber = open(location);
        frame = grabber.grabImage();
      }
      if (frame == null) {
        return Optional.empty();
      }
      Mat image = converter.convert(frame); // owned by the converter, valid until the next grab
      return Optional.of(encoder.encode(image, withoutPassword(location) + "#" + grabber.getFrameNumber()));
    } catch (FrameGrabber.Exception e) {
      throw new IllegalStateException("cannot read from video " + withoutPassword(location) + ": "
          + withoutPassword(String.valueOf(e.getMessage())), e);
    }
  }

  @Override
  public double nativeFps() {
    return grabber.getFrameRate();
  }

  @Override
  public void close() {
    try {
      grabber.close();
    } catch (FrameGrabber.Exception e) {
      // closing a finished grabber: nothing left to release
    }
    converter.close();
  }
}
