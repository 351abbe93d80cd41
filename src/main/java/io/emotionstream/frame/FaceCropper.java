package io.emotionstream.frame;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import io.emotionstream.detect.DetectedFace;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Cuts a face out of a frame as a {@link CropSpec} asks. Immutable and thread-safe.
 *
 * <ul>
 *   <li>{@link CropSpec.Framing#ALIGNED}: the similarity transform (rotation, uniform scale,
 *       translation) that best maps the five detected landmarks onto a canonical five-point
 *       template, so the eyes come out level at fixed positions. The template is the one the spec
 *       carries ({@link CropSpec#landmarks()}, measured on the model's training faces) or else the
 *       widely used ArcFace 112x112 one, made exactly left/right symmetric; either is shrunk
 *       towards the centre by {@code 1 / (1 + margin)}.</li>
 *   <li>{@link CropSpec.Framing#SQUARE}: a square of side {@code max(w, h) * (1 + margin)} centred
 *       on the detection box, no rotation.</li>
 * </ul>
 * Parts of the crop outside the frame are filled by {@link Border}.
 */
public final class FaceCropper {

  /**
   * How pixels outside the frame are filled.
   *
   * <p>{@link #REPLICATE} is the default because it is what the emotion model sees in training.
   * FER2013's faces run off their own 48x48 border, and the image simply goes on there: the
   * outermost line differs from the next as much as lines inside do (median 9-12 grey levels
   * against 10-14), a constant outer line is rare (1.3% of left sides, 1.2% right, 0.3% top, 0.1%
   * bottom, about a third of them black) and a replicated one too (0.5% at most). So a black or
   * grey fill puts a hard edge into the crop that the training faces almost never have; repeating
   * the edge pixels continues the face's colours without one. The training augmentation (shift,
   * rotation, zoom) fills with replicated edge pixels as well, so that is the fill the model has
   * learnt to ignore.
   */
  public enum Border {
    /** repeat the nearest edge pixel */
    REPLICATE,
    /** black */
    CONSTANT
  }

  /**
   * Five points (left eye, right eye, nose, left and right mouth corner) as fractions of a square
   * crop: ArcFace's 112x112 template averaged with its mirror image, so eyes and mouth corners are
   * exactly level and symmetric.
   */
  private static final double[] TEMPLATE = {
      38.3814 / 112, 51.5989 / 112,
      73.6186 / 112, 51.5989 / 112,
      56.0000 / 112, 71.7366 / 112,
      41.4097 / 112, 92.2848 / 112,
      70.5903 / 112, 92.2848 / 112,
  };

  /** Largest intermediate enlargement of an aligned crop before area averaging. */
  private static final int MAX_SUPERSAMPLE = 6;

  private final Border border;

  /** Replicates edge pixels outside the frame (see {@link Border} for why). */
  public FaceCropper() {
    this(Border.REPLICATE);
  }

  public FaceCropper(Border border) {
    this.border = border;
  }

  /**
   * The crop of {@code face} in {@code bgr}, {@code spec.width() x spec.height()}, same type as the
   * input. The caller closes the result.
   */
  public Mat crop(Mat bgr, DetectedFace face, CropSpec spec) {
    if (bgr == null || bgr.empty()) {
      throw new IllegalArgumentException("cannot crop a face from an empty image");
    }
    return spec.framing() == CropSpec.Framing.ALIGNED ? aligned(bgr, face, spec) : square(bgr, face, spec);
  }

  /**
   * Where the aligned crop puts the five landmarks: ten numbers x, y in output pixels (left eye,
   * right eye, nose, left mouth corner, right mouth corner).
   */
  public static double[] alignedTemplate(CropSpec spec) {
    double[] points = new double[TEMPLATE.length];
    if (spec.landmarks() != null) {
      // measured on the training faces as fractions of their width and height
      double shrink = 1 / (1 + spec.margin());
      for (int i = 0; i < TEMPLATE.length; i += 2) {
        points[i] = spec.width() * (0.5 + (spec.landmarks().get(i) - 0.5) * shrink);
        points[i + 1] = spec.height() * (0.5 + (spec.landmarks().get(i + 1) - 0.5) * shrink);
      }
      return points;
    }
    double side = Math.min(spec.width(), spec.height()) / (1 + spec.margin());
    for (int i = 0; i < TEMPLATE.length; i += 2) {
      points[i] = spec.width() / 2.0 + (TEMPLATE[i] - 0.5) * side;
      points[i + 1] = spec.height() / 2.0 + (TEMPLATE[i + 1] - 0.5) * side;
    }
    return points;
  }

  private Mat aligned(Mat bgr, DetectedFace face, CropSpec spec) {
    // a camera face is often 3-6x larger than the crop: bilinear warping straight to the crop size
    // would sample every few pixels and alias (hair, stubble, stripes), unlike the area-averaged
    // faces models are trained on. So warp to an intermediate size first, then area-average down.
    double[] landmarks = toDoubles(face.landmarks());
    double[] points = alignedTemplate(spec);
    double[] direct = SimilarityTransform.fit(landmarks, points);
    double scale = Math.hypot(direct[0], direct[3]);
    int factor = scale >= 0.5 ? 1 : (int) Math.min(MAX_SUPERSAMPLE, Math.ceil(1 / scale));
    for (int i = 0; i < points.length; i++) {
      // pixel centres: output pixel x covers enlarged pixels x*f .. x*f+f-1
      points[i] = (points[i] + 0.5) * factor - 0.5;
    }
    double[] m = factor == 1 ? direct : SimilarityTransform.fit(landmarks, points);
    Mat out = new Mat();
    try (Mat transform = new Mat(2, 3, CV_64F);
        Size warped = new Size(spec.width() * factor, spec.height() * factor);
        Size size = new Size(spec.width(), spec.height()); Scalar black = Scalar.all(0)) {
      try (DoubleIndexer ix = transform.createIndexer()) {
        for (int r = 0; r < 2; r++) {
          for (int c = 0; c < 3; c++) {
            ix.put(r, c, m[r * 3 + c]);
          }
        }
      }
      if (factor == 1) {
        warpAffine(bgr, out, transform, size, INTER_LINEAR, borderMode(), black);
      } else {
        try (Mat big = new Mat()) {
          warpAffine(bgr, big, transform, warped, INTER_LINEAR, borderMode(), black);
          resize(big, out, size, 0, 0, INTER_AREA);
        }
      }
    }
    return out;
  }

  private Mat square(Mat bgr, DetectedFace face, CropSpec spec) {
    double side = Math.max(face.width(), face.height()) * (1 + spec.margin());
    double cx = (face.x1() + face.x2()) / 2.0;
    double cy = (face.y1() + face.y2()) / 2.0;
    int s = Math.max(1, (int) Math.round(side));
    int x0 = (int) Math.round(cx - s / 2.0);
    int y0 = (int) Math.round(cy - s / 2.0);
    int ix0 = Math.max(0, x0);
    int iy0 = Math.max(0, y0);
    int ix1 = Math.min(bgr.cols(), x0 + s);
    int iy1 = Math.min(bgr.rows(), y0 + s);
    Mat out = new Mat();
    try (Size size = new Size(spec.width(), spec.height())) {
      if (ix1 <= ix0 || iy1 <= iy0) {
        // the box lies wholly outside the frame: nothing to show
        out.create(spec.height(), spec.width(), bgr.type());
        out.put(Scalar.all(0));
        return out;
      }
      try (Rect inside = new Rect(ix0, iy0, ix1 - ix0, iy1 - iy0); Mat roi = new Mat(bgr, inside);
          Mat padded = new Mat(); Scalar black = Scalar.all(0)) {
        copyMakeBorder(roi, padded, iy0 - y0, y0 + s - iy1, ix0 - x0, x0 + s - ix1, borderMode(), black);
        resize(padded, out, size, 0, 0, s > Math.max(spec.width(), spec.height()) ? INTER_AREA : INTER_LINEAR);
      }
    }
    return out;
  }

  private int borderMode() {
    return border == Border.REPLICATE ? BORDER_REPLICATE : BORDER_CONSTANT;
  }

  private static double[] toDoubles(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
