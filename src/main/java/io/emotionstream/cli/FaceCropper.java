package io.emotionstream.cli;

import io.emotionstream.detect.DetectedFace;
import io.emotionstream.frame.CropSpec;
import org.bytedeco.opencv.opencv_core.Mat;

/** Cuts one detected face out of an image the way a classifier's {@link CropSpec} asks. */
@FunctionalInterface
public interface FaceCropper {

  /**
   * @param bgr the whole image, 8-bit BGR; not modified
   * @return a new 8-bit BGR image of {@code spec.width() x spec.height()}
   */
  Mat crop(Mat bgr, DetectedFace face, CropSpec spec);
}
