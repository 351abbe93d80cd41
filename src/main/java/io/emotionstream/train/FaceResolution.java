package io.emotionstream.train;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Faces as a camera sees them from farther away: each image is scaled down to a given side by area
 * averaging (what a sensor integrating the light of a small face records) and back up to its own
 * size bilinearly, the interpolation the processor's face cropper uses to bring a small face to the
 * model's input. {@code evaluate --face-size} scores a model on such faces, which is how the
 * smallest face worth detecting ({@code detect.min-face}) is chosen from measurements.
 */
public final class FaceResolution {

  private FaceResolution() {}

  /**
   * The faces, each seen at {@code side x side} pixels; faces already that small or smaller are
   * kept as they are.
   *
   * @throws IllegalArgumentException when {@code side} is below 4 pixels
   */
  public static LabelledFaces atSide(LabelledFaces faces, int side) {
    if (side < 4) {
      throw new IllegalArgumentException("face size must be at least 4 pixels, got " + side);
    }
    LabelledFaces out = new LabelledFaces(faces.classes());
    for (int i = 0; i < faces.size(); i++) {
      out.add(atSide(faces.image(i), side), faces.label(i));
    }
    return out;
  }

  static GreyImage atSide(GreyImage image, int side) {
    if (side >= Math.max(image.width(), image.height())) {
      return image;
    }
    int w = Math.max(1, Math.round((float) image.width() * side / Math.max(image.width(), image.height())));
    int h = Math.max(1, Math.round((float) image.height() * side / Math.max(image.width(), image.height())));
    try (Mat original = new Mat(image.height(), image.width(), CV_8UC1);
        Mat small = new Mat();
        Mat back = new Mat();
        Size smallSize = new Size(w, h);
        Size fullSize = new Size(image.width(), image.height())) {
      BytePointer data = original.data();
      data.put(image.pixels(), 0, image.pixels().length);
      resize(original, small, smallSize, 0, 0, INTER_AREA);
      resize(small, back, fullSize, 0, 0, INTER_LINEAR);
      byte[] pixels = new byte[image.width() * image.height()];
      back.data().get(pixels, 0, pixels.length);
      return new GreyImage(image.width(), image.height(), pixels);
    }
  }
}
