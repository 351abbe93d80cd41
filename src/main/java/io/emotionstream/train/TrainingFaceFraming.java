package io.emotionstream.train;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.emotionstream.detect.DetectedFace;
import io.emotionstream.detect.FaceDetector;
import io.emotionstream.stats.Median;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Measures where the five landmarks (eyes, nose, mouth corners) sit on a model's training faces, so
 * that the processor can cut camera faces with the same framing ({@code CropSpec.alignedTo}).
 *
 * <p>The face detector runs on a random sample of the training faces, each enlarged 4x and padded
 * by half its side: MTCNN's smallest window is 12 px, and a face that fills its image has no context
 * around it. For each coordinate the median over the faces found is taken, then averaged with its
 * mirror image (training flips faces, so the model sees both). Registered datasets such as FER2013
 * give a tight template; a dataset of loose or unaligned faces gives a wide spread, which
 * {@link Measurement#spread()} reports.
 */
public final class TrainingFaceFraming {

  /** Fewest detected faces for a template; below it the measurement is refused. */
  public static final int MIN_FOUND = 30;

  private static final int ENLARGE = 4;
  private static final float MIN_SCORE = 0.9f;

  private TrainingFaceFraming() {}

  /**
   * @param landmarks ten fractions of the face width/height: left eye, right eye, nose, left and
   *     right mouth corner (x, y each), left/right symmetric
   * @param sampled faces the detector ran on
   * @param found faces it found (score at least 0.9, centred in the image)
   * @param spread median absolute deviation of the landmark coordinates, averaged over the ten,
   *     as a fraction of the face side
   */
  public record Measurement(double[] landmarks, int sampled, int found, double spread) {

    /** The landmarks in pixels of a {@code side x side} image, for messages. */
    public String describe(int side) {
      String[] names = {"left eye", "right eye", "nose", "left mouth", "right mouth"};
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        s.append(i == 0 ? "" : ", ").append(names[i]).append(String.format(Locale.ROOT, " (%.1f, %.1f)",
            landmarks[2 * i] * side, landmarks[2 * i + 1] * side));
      }
      return s.toString();
    }
  }

  /**
   * Runs {@code detector} on up to {@code sample} faces drawn with {@code seed}; empty when fewer
   * than {@link #MIN_FOUND} faces are found.
   */
  public static Optional<Measurement> measure(LabelledFaces faces, int sample, long seed, FaceDetector detector) {
    int n = Math.min(sample, faces.size());
    int[] order = sampleIndices(faces.size(), n, seed);
    List<double[]> found = new ArrayList<>();
    for (int index : order) {
      double[] points = landmarks(faces.image(index), detector);
      if (points != null) {
        found.add(points);
      }
    }
    if (found.size() < MIN_FOUND) {
      return Optional.empty();
    }
    double[] median = new double[10];
    double spread = 0;
    for (int k = 0; k < 10; k++) {
      double[] values = new double[found.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = found.get(i)[k];
      }
      median[k] = Median.of(values);
      for (int i = 0; i < values.length; i++) {
        values[i] = Math.abs(values[i] - median[k]);
      }
      spread += Median.of(values) / 10;
    }
    return Optional.of(new Measurement(symmetric(median), n, found.size(), spread));
  }

  /** The landmarks of the best centred face in {@code face} as fractions of its size, or null. */
  public static double[] landmarks(GreyImage face, FaceDetector detector) {
    int w = face.width() * ENLARGE;
    int h = face.height() * ENLARGE;
    int pad = Math.max(w, h) / 2;
    try (Mat grey = new Mat(face.height(), face.width(), CV_8UC1); Mat bgr = new Mat(); Mat big = new Mat();
        Mat padded = new Mat(); Size size = new Size(w, h); Scalar mid = Scalar.all(128)) {
      grey.data().put(face.pixels());
      cvtColor(grey, bgr, COLOR_GRAY2BGR);
      resize(bgr, big, size, 0, 0, INTER_CUBIC);
      copyMakeBorder(big, padded, pad, pad, pad, pad, BORDER_CONSTANT, mid);
      DetectedFace best = null;
      for (DetectedFace d : detector.detect(padded)) {
        double cx = (d.x1() + d.x2()) / 2 - pad;
        double cy = (d.y1() + d.y2()) / 2 - pad;
        boolean centred = cx > 0.25 * w && cx < 0.75 * w && cy > 0.25 * h && cy < 0.75 * h;
        if (centred && d.score() >= MIN_SCORE && (best == null || d.score() > best.score())) {
          best = d;
        }
      }
      if (best == null) {
        return null;
      }
      double[] points = new double[10];
      for (int i = 0; i < 5; i++) {
        points[2 * i] = (best.landmarkX(i) - pad) / w;
        points[2 * i + 1] = (best.landmarkY(i) - pad) / h;
      }
      return points;
    }
  }

  /** The template averaged with its mirror image: left and right points swap, x becomes 1 - x. */
  static double[] symmetric(double[] p) {
    int[] mirror = {1, 0, 2, 4, 3};
    double[] s = new double[10];
    for (int i = 0; i < 5; i++) {
      int j = mirror[i];
      s[2 * i] = (p[2 * i] + (1 - p[2 * j])) / 2;
      s[2 * i + 1] = (p[2 * i + 1] + p[2 * j + 1]) / 2;
    }
    return s;
  }

  private static int[] sampleIndices(int size, int n, long seed) {
    int[] all = new int[size];
    for (int i = 0; i < size; i++) {
      all[i] = i;
    }
    Random random = new Random(seed);
    for (int i = 0; i < n; i++) {
      int j = i + random.nextInt(size - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return Arrays.copyOf(all, n);
  }
}
