package io.emotionstream.emotion;

import io.emotionstream.frame.CropSpec;
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

  @Override
  void close();
}
