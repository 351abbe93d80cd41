package io.emotionstream.emotion;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.emotionstream.Assets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Assumptions;

/**
 * Face crops from the face-api package's demo photos, cut at fixed positions (boxes of a reference
 * MTCNN run on those photos), square with a 10% margin like the bootstrap model's crop spec.
 */
final class SampleFaces {

  /** photo, x1, y1, x2, y2. */
  record Face(String photo, double x1, double y1, double x2, double y2) {
    String id() {
      return photo.replace(".jpg", "") + "@" + (int) x1 + "," + (int) y1;
    }
  }

  static final List<Face> FACES = List.of(
      new Face("sample1.jpg", 832.8, 425.2, 1037.1, 659.3),
      new Face("sample1.jpg", 1478.0, 212.5, 1682.0, 443.2),
      new Face("sample1.jpg", 410.5, 354.0, 598.6, 601.7),
      new Face("sample2.jpg", 1443.0, 168.6, 1634.9, 391.5),
      new Face("sample3.jpg", 1057.1, 198.0, 1285.5, 505.0),
      new Face("sample3.jpg", 584.9, 325.8, 795.9, 598.1),
      new Face("sample3.jpg", 1495.6, 291.8, 1690.5, 572.6),
      new Face("sample4.jpg", 248.6, 212.3, 438.6, 448.1),
      new Face("sample4.jpg", 978.5, 185.1, 1158.1, 414.0),
      new Face("sample4.jpg", 658.8, 71.1, 830.0, 289.3),
      new Face("sample4.jpg", 1268.3, 167.2, 1427.1, 375.2),
      new Face("sample5.jpg", 358.5, 870.7, 571.2, 1164.6),
      new Face("sample5.jpg", 1406.5, 388.6, 1605.3, 666.6),
      new Face("sample5.jpg", 595.0, 422.0, 770.7, 663.7),
      new Face("sample5.jpg", 1118.6, 208.3, 1289.9, 425.1),
      new Face("sample5.jpg", 785.7, 110.9, 951.0, 330.1),
      new Face("sample6.jpg", 254.9, 481.5, 473.6, 767.3),
      new Face("sample6.jpg", 1484.9, 256.9, 1693.4, 553.8),
      new Face("sample6.jpg", 663.2, 331.6, 859.9, 628.1),
      new Face("sample6.jpg", 1172.2, 314.5, 1365.2, 586.4));

  private SampleFaces() {}

  /** face-api's converted model; aborts the test when the face-api npm package is not unpacked. */
  static io.emotionstream.model.ModelArtifact faceApiArtifactOrSkip() {
    demoDir();
    return EmotionClassifiers.faceApiArtifact();
  }

  /**
   * The bundled default model; aborts the test when it is not in the checkout (its weights are
   * added to the repository separately, with {@code models pack}).
   */
  static io.emotionstream.model.ModelArtifact bundledArtifactOrSkip() {
    try {
      return EmotionModels.bundled();
    } catch (io.emotionstream.model.ModelArtifactException e) {
      Assumptions.abort("bundled model not present: " + e.getMessage());
      return null;
    }
  }

  static Path demoDir() {
    try {
      return Assets.npmPackage(FaceApiExpressionModel.NPM_PACKAGE, FaceApiExpressionModel.NPM_VERSION).resolve("demo");
    } catch (IllegalStateException e) {
      Assumptions.abort("face-api npm package not unpacked (run scripts/fetch-assets.sh): " + e.getMessage());
      return null;
    }
  }

  /** Square crop around the box, {@code margin} of the larger side added, resized to {@code size}. */
  static Mat crop(Mat image, Face f, double margin, int size) {
    double side = Math.max(f.x2() - f.x1(), f.y2() - f.y1()) * (1 + margin);
    double cx = (f.x1() + f.x2()) / 2;
    double cy = (f.y1() + f.y2()) / 2;
    int x = (int) Math.round(cx - side / 2);
    int y = (int) Math.round(cy - side / 2);
    int s = (int) Math.round(side);
    int left = Math.max(0, -x);
    int top = Math.max(0, -y);
    int right = Math.max(0, x + s - image.cols());
    int bottom = Math.max(0, y + s - image.rows());
    Mat inside = new Mat(image, new Rect(x + left, y + top, s - left - right, s - top - bottom));
    Mat square = new Mat();
    copyMakeBorder(inside, square, top, bottom, left, right, BORDER_CONSTANT, new Scalar(0, 0, 0, 0));
    Mat out = new Mat();
    resize(square, out, new Size(size, size), 0, 0, INTER_AREA);
    return out;
  }

  /** Every listed face, cropped to {@code size}; aborts the test when the photos are absent. */
  static List<Mat> crops(List<Face> faces, int size) {
    Path demo = demoDir();
    List<Mat> out = new ArrayList<>();
    for (Face f : faces) {
      Path photo = demo.resolve(f.photo());
      Assumptions.assumeTrue(Files.isRegularFile(photo), "sample photo missing: " + photo);
      Mat image = imread(photo.toString());
      out.add(crop(image, f, 0.1, size));
    }
    return out;
  }
}
