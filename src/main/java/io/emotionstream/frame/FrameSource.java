package io.emotionstream.frame;

import java.util.Optional;

/** A stream of encoded images: image files, a video file, or a live camera. */
public interface FrameSource extends AutoCloseable {

  /** The next image, or empty at the end (never for a live camera). */
  Optional<EncodedImage> next();

  /** Frames per second the source itself runs at, or 0 when it has none (still images). */
  double nativeFps();

  @Override
  void close();
}
