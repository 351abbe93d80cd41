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
 * <p>Refinements that keep failing back off: a scene that changes from frame to frame (a camera
 * cycling through views, a moving camera, photos instead of video) makes every refinement fail
 * and pay for a full search on top, so after a failed refinement the next {@code fullEvery}
 * frames get the full search directly, and each further failure in a row doubles that, up to
 * {@link #MAX_BACKOFF} frames; a refinement that finds every face ends the back-off. Measured with
 * {@code bench stream} on the sample photos (a new scene every frame, 4 cameras, 2 cores): without
 * the back-off, trying to refine cost 19% of the frames/s (19.9 against 23.7 with refinement off).
 *
 * <p>Mutable, one per camera, used by the thread that owns the camera.
 */
public final class DetectionSchedule {

  /** Most frames of full search in a row after failed refinements, before refining is tried again. */
  public static final int MAX_BACKOFF = 64;

  private final int fullEvery;
  private int sinceFull;
  private boolean lost = true;
  /** Full searches still to do before the next refinement may be tried. */
  private int backoffLeft;
  /** The back-off the next failure sets; 0 after a successful refinement. */
  private int nextBackoff;

  public DetectionSchedule(int fullEvery) {
    if (fullEvery < 1) {
      throw new IllegalArgumentException("a full search every " + fullEvery + " frames: must be >= 1");
    }
    this.fullEvery = fullEvery;
  }

  /** Whether the next frame gets the full search. */
  public boolean fullSearchNext() {
    return lost || backoffLeft > 0 || sinceFull + 1 >= fullEvery;
  }

  /** Records a full search. */
  public void searched() {
    sinceFull = 0;
    lost = false;
    if (backoffLeft > 0) {
      backoffLeft--;
    }
  }

  /**
   * Records a refinement that did not find every face it looked for, after which the frame got the
   * full search: counts as that search, and backs off (see the class comment).
   */
  public void refinementFailed() {
    sinceFull = 0;
    lost = false;
    nextBackoff = nextBackoff == 0 ? fullEvery : Math.min(MAX_BACKOFF, nextBackoff * 2);
    backoffLeft = nextBackoff;
  }

  /** Records a refinement that looked for {@code expected} faces and found {@code found}. */
  public void refined(int expected, int found) {
    sinceFull++;
    lost = found < expected;
    if (!lost) {
      nextBackoff = 0;
    }
  }

  /** Full searches still due before refining is tried again (for tests and diagnostics). */
  public int backoffLeft() {
    return backoffLeft;
  }
}
