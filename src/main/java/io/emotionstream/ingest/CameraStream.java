package io.emotionstream.ingest;

/** An open connection to a camera (or an open file or device), read frame by frame. */
interface CameraStream extends AutoCloseable {

  /**
   * Blocks until the next frame is read, at most the camera's read timeout.
   *
   * @param wanted whether the sender waits for a frame: a reader that must convert frames to
   *     pixels may return a frame without an image when false
   * @return the frame, or null at the end of a file
   * @throws CameraException when the connection broke, timed out or sent something unusable
   */
  CapturedFrame read(boolean wanted) throws CameraException;

  /** What is being read, for the status page: e.g. "H.264 1280x720 over RTSP (FFmpeg)". */
  String description();

  /**
   * Closes the connection. {@link #interruptible()} streams may be closed from another thread to
   * end a blocked {@link #read}; the others only from the thread that reads.
   */
  @Override
  void close();

  /**
   * Whether frames are fetched on request (snapshots): the reader then reads only when the sender
   * wants a frame, instead of draining the source continuously.
   */
  default boolean pull() {
    return false;
  }

  /** Whether {@link #close()} may be called from another thread while {@link #read} blocks. */
  boolean interruptible();
}
