package io.emotionstream.frame;

import io.emotionstream.detect.DetectedFace;
import org.bytedeco.opencv.opencv_core.Mat;

/** Cuts one face out of a frame as a classifier asks for it. */
@FunctionalInterface
public interface FaceCropping {

  /**
   * @param bgrFrame the whole frame, 8-bit BGR; not modified
   * @return a new Mat of {@code spec}'s size that the caller closes
   */
  Mat crop(Mat bgrFrame, DetectedFace face, CropSpec spec);
}
