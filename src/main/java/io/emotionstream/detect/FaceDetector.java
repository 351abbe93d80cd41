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

  @Override
  void close();
}
