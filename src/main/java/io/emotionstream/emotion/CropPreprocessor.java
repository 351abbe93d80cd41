package io.emotionstream.emotion;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.emotionstream.model.Colour;
import io.emotionstream.model.ModelMetadata;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Turns an 8-bit BGR face crop into the network input its model's metadata describes: resized to
 * the input size, converted to grey or RGB, {@code (v - mean[c]) / std[c]} per channel, laid out
 * CHW. Runs in the caller's thread, so the device workers only see ready float arrays.
 */
public final class CropPreprocessor {

  private final int width;
  private final int height;
  private final Colour colour;
  private final float[] mean;
  private final float[] scale;

  public CropPreprocessor(ModelMetadata metadata) {
    this.width = metadata.inputWidth();
    this.height = metadata.inputHeight();
    this.colour = metadata.colour();
    int c = metadata.mean().length;
    mean = new float[c];
    scale = new float[c];
    for (int i = 0; i < c; i++) {
      mean[i] = (float) metadata.mean()[i];
      scale[i] = (float) (1.0 / metadata.std()[i]);
    }
  }

  /** Values per input: channels x height x width. */
  public int inputSize() {
    return mean.length * width * height;
  }

  /**
   * @param bgr 8-bit BGR (or grey) crop of any size; not modified
   * @return CHW floats, {@link #inputSize()} long
   */
  public float[] toInput(Mat bgr) {
    if (bgr == null || bgr.empty()) {
      throw new IllegalArgumentException("empty face crop");
    }
    if (bgr.depth() != opencv_core.CV_8U || (bgr.channels() != 3 && bgr.channels() != 1)) {
      throw new IllegalArgumentException("face crop must be 8-bit BGR (or grey), got type " + bgr.type());
    }
    try (Mat sized = new Mat(); Mat converted = new Mat()) {
      Mat src = bgr;
      if (bgr.cols() != width || bgr.rows() != height) {
        boolean shrinking = bgr.cols() > width || bgr.rows() > height;
        resize(bgr, sized, new Size(width, height), 0, 0, shrinking ? INTER_AREA : INTER_LINEAR);
        src = sized;
      }
      int channels = colour == Colour.GREY ? 1 : 3;
      if (src.channels() == 3) {
        cvtColor(src, converted, channels == 1 ? COLOR_BGR2GRAY : COLOR_BGR2RGB);
      } else if (channels == 3) {
        cvtColor(src, converted, COLOR_GRAY2RGB);
      } else {
        src.copyTo(converted);
      }
      byte[] pixels = new byte[width * height * channels];
      Mat continuous = converted.isContinuous() ? converted : converted.clone();
      continuous.data().get(pixels);
      float[] out = new float[pixels.length];
      int plane = width * height;
      for (int p = 0; p < plane; p++) {
        for (int c = 0; c < channels; c++) {
          out[c * plane + p] = ((pixels[p * channels + c] & 0xff) - mean[c]) * scale[c];
        }
      }
      return out;
    }
  }
}
