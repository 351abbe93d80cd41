package io.emotionstream.testing;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import io.emotionstream.track.FaceBox;
import io.emotionstream.track.TrackingScore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Test videos with known face tracks: a virtual camera looks at a photo whose faces are known and
 * moves (pans, zooms), faces enter and leave its view, and a face can be covered for some frames.
 * Every frame's true faces (identity = index of the face in the photo, box in frame pixels) follow
 * from the camera's motion, so a tracker's output can be scored against them
 * ({@link TrackingScore}). The video is written with FFmpeg (MJPEG in AVI) through JavaCV, as a
 * camera recording would be, and can be streamed with {@code produce}.
 */
public final class TrackVideos {

  /** A face counts as visible when at least this share of its box lies inside the frame. */
  private static final double VISIBLE_SHARE = 0.8;

  private TrackVideos() {}

  /** Where the virtual camera looks in frame {@code i}: a window of the photo, in photo pixels. */
  public interface CameraPath {
    double[] window(int frame);
  }

  /**
   * A face covered by something in front of it from {@code fromFrame} to {@code toFrame}, inclusive.
   */
  public record Occlusion(int face, int fromFrame, int toFrame) {}

  /**
   * The true faces of every frame, and the faces only partly in view (at the border or beside an
   * occluder), which a tracker may or may not report.
   */
  public record Truth(List<List<TrackingScore.Labelled>> frames, List<List<FaceBox>> partial) {
    public int faces() {
      return frames.stream().mapToInt(List::size).sum();
    }
  }

  /** A pan across {@code photo} from left to right: faces enter on one side and leave on the other. */
  public static CameraPath pan(int photoWidth, int photoHeight, double windowWidth, int frames) {
    double height = windowWidth * 9 / 16;
    double y = Math.max(0, (photoHeight - height) / 2);
    return i -> new double[] {-windowWidth / 2 + (photoWidth) * i / (double) (frames - 1), y, windowWidth, height};
  }

  /** A zoom into the photo's centre and back out. */
  public static CameraPath zoom(int photoWidth, int photoHeight, double tightest, int frames) {
    return i -> {
      double phase = Math.sin(Math.PI * i / (frames - 1));
      double scale = 1 - (1 - tightest) * phase;
      double w = photoWidth * scale;
      double h = Math.min(photoHeight, w * 9 / 16);
      return new double[] {(photoWidth - w) / 2, (photoHeight - h) / 2, w, h};
    };
  }

  /** A still camera on the whole photo. */
  public static CameraPath still(int photoWidth, int photoHeight) {
    return i -> new double[] {0, 0, photoWidth, photoHeight};
  }

  /**
   * Writes {@code frames} frames of {@code width} x {@code height} to {@code video} and returns the
   * true faces of each.
   *
   * @param photo the scene (BGR)
   * @param faces the true face boxes of the scene, in photo pixels; a face's identity is its index
   */
  public static Truth write(Path video, Mat photo, List<FaceBox> faces, CameraPath path, int frames, int width,
      int height, double fps, List<Occlusion> occlusions) throws Exception {
    List<List<TrackingScore.Labelled>> truth = new ArrayList<>();
    List<List<FaceBox>> partial = new ArrayList<>();
    try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(video.toString(), width, height);
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_MJPEG);
      recorder.setFormat("avi");
      recorder.setFrameRate(fps);
      recorder.setVideoQuality(2);
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUVJ420P);
      recorder.start();
      for (int i = 0; i < frames; i++) {
        double[] w = path.window(i);
        double sx = width / w[2];
        double sy = height / w[3];
        List<TrackingScore.Labelled> visible = new ArrayList<>();
        List<FaceBox> partly = new ArrayList<>();
        try (Mat frame = new Mat(height, width, opencv_core.CV_8UC3, new Scalar(90, 90, 90, 0));
            Mat affine = new Mat(2, 3, opencv_core.CV_64F)) {
          var a = affine.createIndexer();
          ((org.bytedeco.javacpp.indexer.DoubleIndexer) a).put(0, 0, sx).put(0, 1, 0).put(0, 2, -w[0] * sx)
              .put(1, 0, 0).put(1, 1, sy).put(1, 2, -w[1] * sy);
          a.release();
          warpAffine(photo, frame, affine, new Size(width, height), INTER_AREA, opencv_core.BORDER_CONSTANT,
              new Scalar(90, 90, 90, 0));
          for (int f = 0; f < faces.size(); f++) {
            FaceBox b = faces.get(f);
            FaceBox inFrame = new FaceBox((b.x1() - w[0]) * sx, (b.y1() - w[1]) * sy, (b.x2() - w[0]) * sx,
                (b.y2() - w[1]) * sy);
            if (covered(occlusions, f, i)) {
              try (Point p1 = new Point((int) inFrame.x1() - 4, (int) inFrame.y1() - 4);
                  Point p2 = new Point((int) inFrame.x2() + 4, (int) inFrame.y2() + 4);
                  Scalar grey = new Scalar(60, 70, 80, 0)) {
                rectangle(frame, p1, p2, grey, -1, 8, 0);
              }
              partly.add(inFrame);
            } else if (insideShare(inFrame, width, height) >= VISIBLE_SHARE) {
              visible.add(new TrackingScore.Labelled("face-" + f, inFrame));
            } else if (insideShare(inFrame, width, height) > 0) {
              partly.add(inFrame);
            }
          }
          recorder.record(converter.convert(frame));
        }
        truth.add(visible);
        partial.add(partly);
      }
      recorder.stop();
    }
    return new Truth(truth, partial);
  }

  private static boolean covered(List<Occlusion> occlusions, int face, int frame) {
    return occlusions.stream().anyMatch(o -> o.face() == face && frame >= o.fromFrame() && frame <= o.toFrame());
  }

  private static double insideShare(FaceBox b, int width, int height) {
    double w = Math.min(b.x2(), width) - Math.max(b.x1(), 0);
    double h = Math.min(b.y2(), height) - Math.max(b.y1(), 0);
    return w <= 0 || h <= 0 ? 0 : w * h / (b.width() * b.height());
  }
}
