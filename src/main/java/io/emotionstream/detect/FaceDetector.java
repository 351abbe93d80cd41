package io.emotionstream.detect;

import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/** Finds faces in an image. Implementations are thread-safe unless they say otherwise. */
public interface FaceDetector extends AutoCloseable {

  /**
   * @param bgr an 8-bit, 3-channel image in OpenCV's BGR order; not modified, not retained
   * @return the faces found, highest score first
   */
  List<DetectedFace> detect(Mat bgr);

  /**
   * Looks for faces only around {@code expected} (the predicted boxes of faces already being
   * followed), far cheaper than a search of the whole image. Finds nothing new elsewhere: callers
   * still run {@link #detect} regularly. Detectors without a cheaper way search the whole image.
   *
   * @param expected boxes in pixels of {@code bgr} where faces are expected
   * @return the faces found there, highest score first
   */
  default List<DetectedFace> detectAround(Mat bgr, List<FaceRegion> expected) {
    return detect(bgr);
  }

  @Override
  void close();
}
