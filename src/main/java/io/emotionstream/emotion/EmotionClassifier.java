package io.emotionstream.emotion;

import io.emotionstream.detect.DetectedFace;
import io.emotionstream.frame.CropSpec;
import io.emotionstream.frame.FaceCropping;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Classifies the emotion of face crops. Thread-safe: many stream threads call it at once, and an
 * implementation backed by the dynamic batcher gathers their faces into shared batches.
 */
public interface EmotionClassifier extends AutoCloseable {

  /** How faces must be cut from frames for this classifier (size, framing). */
  CropSpec cropSpec();

  /**
   * @param crops 8-bit BGR images of {@link #cropSpec()}'s size; not modified, not retained
   * @return one prediction per crop, in the same order
   */
  List<EmotionPrediction> classify(List<Mat> crops);

  /**
   * Cuts every face out of a frame as the model asks and classifies the crops with that same
   * model. An implementation that swaps models takes the crop spec, the pre-processing and the
   * inference from one model snapshot, so that a face framed for one model is never classified by
   * another.
   *
   * @param bgrFrame the whole frame, 8-bit BGR; not modified
   * @return one prediction per face, in the same order
   */
  default List<EmotionPrediction> classify(Mat bgrFrame, List<DetectedFace> faces, FaceCropping cropping) {
    CropSpec spec = cropSpec();
    List<Mat> crops = new ArrayList<>(faces.size());
    try {
      for (DetectedFace face : faces) {
        crops.add(cropping.crop(bgrFrame, face, spec));
      }
      return classify(crops);
    } finally {
      crops.forEach(Mat::close);
    }
  }

  @Override
  void close();
}
