package io.emotionstream.track;

/**
 * When a camera's frame needs the full face search and when refining the tracked faces is enough.
 *
 * <p>A full search (the whole MTCNN pyramid) finds new faces; refining (the later MTCNN stages
 * around each track's predicted box) only follows known ones, at a fraction of the cost. The rule:
 * a full search every {@code fullEvery} frames; refinement otherwise (a camera with no face to
 * follow gets the full search: the caller's part); a new face then waits at most
 * {@code fullEvery - 1} frames to be found. A refinement that finds fewer faces than it looked for (a face turned away or left, the
 * camera moved, another scene) is followed by a full search of the same frame (the caller's part)
 * and counts as one. {@code fullEvery = 1} is a full search on every frame.
 *
 * <p>Mutable, one per camera, used by the thread that owns the camera.
 */
public final class DetectionSchedule {

  private final int fullEvery;
  private int sinceFull;
  private boolean lost = true;

  public DetectionSchedule(int fullEvery) {
    if (fullEvery < 1) {
      throw new IllegalArgumentException("a full search every " + fullEvery + " frames: must be >= 1");
    }
    this.fullEvery = fullEvery;
  }

  /** Whether the next frame gets the full search. */
  public boolean fullSearchNext() {
    return lost || sinceFull + 1 >= fullEvery;
  }

  /** Records a full search. */
  public void searched() {
    sinceFull = 0;
    lost = false;
  }

  /** Records a refinement that looked for {@code expected} faces and found {@code found}. */
  public void refined(int expected, int found) {
    sinceFull++;
    lost = found < expected;
  }
}
