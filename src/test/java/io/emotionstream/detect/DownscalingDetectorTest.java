package io.emotionstream.detect;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.Assets;
import io.emotionstream.frame.ImageDecoding;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;

class DownscalingDetectorTest {

  /** Records the size it is given and reports one face at fixed coordinates of that image. */
  private static final class Probe implements FaceDetector {
    final List<String> sizes = new ArrayList<>();
    final List<FaceRegion> regions = new ArrayList<>();

    @Override
    public List<DetectedFace> detectAround(Mat bgr, List<FaceRegion> expected) {
      regions.addAll(expected);
      return detect(bgr);
    }

    @Override
    public List<DetectedFace> detect(Mat bgr) {
      sizes.add(bgr.cols() + "x" + bgr.rows());
      return List.of(new DetectedFace(100, 50, 200, 170, 0.9f, new float[] {120, 90, 180, 90, 150, 120, 125, 150, 175, 150}));
    }

    @Override
    public void close() {}
  }

  @Test
  void largeFramesAreDetectedOnACopyAndFacesMappedBackToTheFrame() {
    Probe probe = new Probe();
    try (Mat frame = new Mat(4320, 7680, opencv_core.CV_8UC3);
        DownscalingDetector detector = new DownscalingDetector(probe, 1920)) {
      DetectedFace face = detector.detect(frame).get(0);
      assertEquals(List.of("1920x1080"), probe.sizes);
      assertEquals(400, face.x1(), 1e-3);
      assertEquals(200, face.y1(), 1e-3);
      assertEquals(800, face.x2(), 1e-3);
      assertEquals(680, face.y2(), 1e-3);
      assertEquals(480, face.landmarkX(0), 1e-3);
      assertEquals(600, face.landmarkY(4), 1e-3);
      assertEquals(0.9f, face.score());
    }
  }

  @Test
  void framesWithinTheLimitAreDetectedAsTheyAre() {
    Probe probe = new Probe();
    try (Mat frame = new Mat(1080, 1920, opencv_core.CV_8UC3);
        DownscalingDetector detector = new DownscalingDetector(probe, 1920)) {
      DetectedFace face = detector.detect(frame).get(0);
      assertEquals(List.of("1920x1080"), probe.sizes);
      assertEquals(100, face.x1());
    }
  }

  @Test
  void findsTheSameFacesInAn8kFrameAsInThePhotoItWasMadeFrom() {
    try (MtcnnDetector mtcnn = new MtcnnDetector();
        Mat photo = ImageDecoding.readBgr(Assets.npmPackage("@vladmandic/face-api", "1.7.15")
            .resolve("demo/sample1.jpg"));
        Mat big = new Mat(); Size size = new Size(7680, 7680 * photo.rows() / photo.cols())) {
      resize(photo, big, size, 0, 0, INTER_CUBIC);
      float scale = (float) big.cols() / photo.cols();
      List<DetectedFace> reference = mtcnn.detect(photo);
      List<DetectedFace> found = new DownscalingDetector(mtcnn, 1920).detect(big);
      assertTrue(reference.size() >= 2, "sample1 shows several faces: " + reference.size());
      assertEquals(reference.size(), found.size(), "faces in the 8K frame");
      for (DetectedFace r : reference) {
        double best = found.stream().mapToDouble(f -> iou(f, r, scale)).max().orElse(0);
        assertTrue(best > 0.8, "face " + r + " found in the 8K frame with IoU " + best);
      }
    }
  }

  private static double iou(DetectedFace f, DetectedFace r, float scale) {
    double x1 = Math.max(f.x1(), r.x1() * scale);
    double y1 = Math.max(f.y1(), r.y1() * scale);
    double x2 = Math.min(f.x2(), r.x2() * scale);
    double y2 = Math.min(f.y2(), r.y2() * scale);
    double inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
    double union = f.width() * f.height() + r.width() * r.height() * scale * scale - inter;
    return inter / union;
  }

  @Test
  void theTrackedSearchScalesTheExpectedBoxesWithTheImage() {
    Probe probe = new Probe();
    try (Mat big = new Mat(4320, 7680, opencv_core.CV_8UC3);
        DownscalingDetector detector = new DownscalingDetector(probe, 1920)) {
      List<DetectedFace> faces = detector.detectAround(big, List.of(new FaceRegion(400, 200, 800, 680)));
      assertEquals(List.of("1920x1080"), probe.sizes);
      assertEquals(new FaceRegion(100, 50, 200, 170), probe.regions.get(0));
      assertEquals(400f, faces.get(0).x1(), 1e-3);
      assertEquals(680f, faces.get(0).y2(), 1e-3);
    }
  }
}
