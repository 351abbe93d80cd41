package io.emotionstream.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.Assets;
import io.emotionstream.frame.ImageDecoding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MtcnnDetectorTest {

  private static MtcnnDetector detector;

  @BeforeAll
  static void start() {
    detector = new MtcnnDetector();
  }

  @AfterAll
  static void stop() {
    detector.close();
  }

  @Test
  void concurrentCallsGiveTheSameFacesAsSequentialOnes() throws Exception {
    Path demo = Assets.npmPackage("@vladmandic/face-api", "1.7.15").resolve("demo");
    List<Mat> images = new ArrayList<>();
    try {
      for (String name : new String[] {"sample1.jpg", "sample3.jpg", "sample5.jpg"}) {
        images.add(ImageDecoding.readBgr(demo.resolve(name)));
      }
      List<List<DetectedFace>> sequential = new ArrayList<>();
      for (Mat image : images) {
        sequential.add(detector.detect(image));
      }
      ExecutorService pool = Executors.newFixedThreadPool(3);
      try {
        List<Future<List<DetectedFace>>> futures = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
          for (Mat image : images) {
            futures.add(pool.submit(() -> detector.detect(image)));
          }
        }
        for (int i = 0; i < futures.size(); i++) {
          assertEquals(sequential.get(i % images.size()), futures.get(i).get(), "image " + i % images.size());
        }
      } finally {
        pool.shutdown();
      }
    } finally {
      images.forEach(Mat::close);
    }
  }

  /**
   * The networks in oneDNN's layout (the default where libtorch has it, as the bundled one does)
   * find the same faces as on ordinary tensors with every native path off, up to float rounding.
   */
  @Test
  void oneDnnLayoutFindsTheFacesOrdinaryTensorsFind() throws Exception {
    assertTrue(detector.oneDnnLayout(), "the bundled libtorch should run MTCNN in oneDNN's layout");
    Path demo = Assets.npmPackage("@vladmandic/face-api", "1.7.15").resolve("demo");
    MtcnnDetector plain;
    System.setProperty(io.emotionstream.torch.NativeAccess.FALLBACK_PROPERTY, "true");
    try {
      plain = new MtcnnDetector(MtcnnConfig.defaults().withMinFaceSize(20), 1);
    } finally {
      System.clearProperty(io.emotionstream.torch.NativeAccess.FALLBACK_PROPERTY);
    }
    int compared = 0;
    try (plain; MtcnnDetector oneDnn = new MtcnnDetector(MtcnnConfig.defaults().withMinFaceSize(20), 1)) {
      assertTrue(!plain.oneDnnLayout() && oneDnn.oneDnnLayout());
      for (String name : new String[] {"sample1.jpg", "sample2.jpg", "sample4.jpg", "sample6.jpg"}) {
        try (Mat image = ImageDecoding.readBgr(demo.resolve(name))) {
          List<DetectedFace> expected = plain.detect(image);
          List<DetectedFace> actual = oneDnn.detect(image);
          assertEquals(expected.size(), actual.size(), name + ": " + expected + " vs " + actual);
          for (int i = 0; i < expected.size(); i++) {
            DetectedFace e = expected.get(i);
            DetectedFace a = actual.get(i);
            assertTrue(BoxOps.iou(e.x1(), e.y1(), e.x2(), e.y2(), a.x1(), a.y1(), a.x2(), a.y2()) > 0.999f,
                name + " face " + i + ": " + e + " vs " + a);
            assertEquals(e.score(), a.score(), 1e-4, name + " face " + i);
            compared++;
          }
        }
      }
    }
    assertTrue(compared >= 8, "faces compared: " + compared);
  }

  @Test
  void anyNumberOfWorkersFindsTheSameFaces() throws Exception {
    Path sample = Assets.npmPackage("@vladmandic/face-api", "1.7.15").resolve("demo/sample2.jpg");
    try (Mat image = ImageDecoding.readBgr(sample);
        MtcnnDetector one = new MtcnnDetector(MtcnnConfig.defaults(), 1);
        MtcnnDetector three = new MtcnnDetector(MtcnnConfig.defaults(), 3)) {
      List<DetectedFace> faces = one.detect(image);
      assertTrue(faces.size() >= 3, faces.toString());
      assertEquals(faces, three.detect(image));
      assertEquals(faces, detector.detect(image));
    }
    assertThrows(IllegalArgumentException.class, () -> new MtcnnDetector(MtcnnConfig.defaults(), -1));
  }

  /**
   * The stage clock that bench detect and bench stream read: a full search and a refinement around
   * its faces are counted apart, each network call is counted, and nothing is timed once it is off.
   */
  @Test
  void stageClockCountsFullSearchesRefinementsAndNetworkCalls() throws Exception {
    Path demo = Assets.npmPackage("@vladmandic/face-api", "1.7.15").resolve("demo");
    // one worker: each network gets one call per search (workers would split a batch in chunks)
    try (Mat image = ImageDecoding.readBgr(demo.resolve("sample5.jpg"));
        MtcnnDetector detector = new MtcnnDetector(MtcnnConfig.defaults(), 1)) {
      StageClock clock = new StageClock();
      detector.profileStages(clock);
      List<DetectedFace> faces;
      try {
        faces = detector.detect(image);
        List<FaceRegion> expected = new ArrayList<>();
        for (DetectedFace f : faces) {
          expected.add(new FaceRegion(f.x1(), f.y1(), f.x2(), f.y2()));
        }
        assertEquals(faces.size(), detector.detectAround(image, expected).size());
      } finally {
        detector.profileStages(null);
      }
      detector.detect(image); // not timed
      var perFrame = clock.perFrame(2);
      assertTrue(faces.size() >= 2, "sample5 shows several faces: " + faces.size());
      assertEquals(0.5, perFrame.get("full searches"), 1e-9, perFrame.toString());
      assertEquals(0.5, perFrame.get("refinements"), 1e-9, perFrame.toString());
      // R-Net and O-Net ran once in the full search and once in the refinement
      assertEquals(1.0, perFrame.get("rnet calls"), 1e-9, perFrame.toString());
      assertEquals(1.0, perFrame.get("onet calls"), 1e-9, perFrame.toString());
      assertTrue(perFrame.get("pnet calls") >= 3, perFrame.toString());
      assertTrue(perFrame.get("refinements around tracked faces (ms)") > 0, perFrame.toString());
    }
  }

  @Test
  void facesComeHighestScoreFirst() throws Exception {
    Path sample = Assets.npmPackage("@vladmandic/face-api", "1.7.15").resolve("demo/sample4.jpg");
    try (Mat image = ImageDecoding.readBgr(sample)) {
      List<DetectedFace> faces = detector.detect(image);
      assertTrue(faces.size() >= 4);
      for (int i = 1; i < faces.size(); i++) {
        assertTrue(faces.get(i - 1).score() >= faces.get(i).score());
      }
    }
  }

  @Test
  void blankAndTinyImagesHaveNoFaces() {
    try (Mat grey = new Mat(240, 320, opencv_core.CV_8UC3, Scalar.all(128));
        Mat tiny = new Mat(8, 8, opencv_core.CV_8UC3, Scalar.all(128))) {
      assertTrue(detector.detect(grey).isEmpty());
      assertTrue(detector.detect(tiny).isEmpty());
    }
  }

  @Test
  void rejectsEmptyAndNonBgrImages() {
    try (Mat empty = new Mat(); Mat grey = new Mat(40, 40, opencv_core.CV_8UC1, Scalar.all(0))) {
      assertThrows(IllegalArgumentException.class, () -> detector.detect(empty));
      assertThrows(IllegalArgumentException.class, () -> detector.detect(grey));
    }
  }

  @Test
  void configRejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> MtcnnConfig.defaults().withMinFaceSize(5));
    assertThrows(IllegalArgumentException.class,
        () -> new MtcnnConfig(20, 1.2, 0.6f, 0.7f, 0.7f, "cpu"));
  }
}
