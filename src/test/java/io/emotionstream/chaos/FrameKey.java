package io.emotionstream.chaos;

/** A frame by camera and sequence number. */
record FrameKey(String camera, long sequence) implements Comparable<FrameKey> {

  @Override
  public int compareTo(FrameKey o) {
    int c = camera.compareTo(o.camera);
    return c != 0 ? c : Long.compare(sequence, o.sequence);
  }

  @Override
  public String toString() {
    return camera + "/" + sequence;
  }
}
