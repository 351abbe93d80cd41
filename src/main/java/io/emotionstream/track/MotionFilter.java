package io.emotionstream.track;

/**
 * Constant-velocity Kalman filter of one face box: centre x, centre y, width and height, each with
 * its velocity. The four axes are filtered independently (a 2x2 covariance each): SORT's filter has
 * the same block structure when the measurement noise is diagonal, and four closed-form 2x2 updates
 * need no matrix library. Noise scales with the box's size, so a small face far away and a large
 * one close to the camera are followed alike.
 *
 * <p>Mutable; not thread-safe (one tracker per camera, driven by one stream thread).
 */
final class MotionFilter {

  /** Standard deviation of a detected box's coordinates, as a fraction of its size. */
  static final double MEASUREMENT_NOISE = 0.05;
  /** Acceleration noise of the centre, in box sizes per second squared. */
  static final double CENTRE_ACCELERATION = 1.5;
  /** Acceleration noise of the size (zoom, walking towards the camera), in box sizes per s^2. */
  static final double SIZE_ACCELERATION = 0.5;
  /** Initial velocity uncertainty, in box sizes per second. */
  static final double INITIAL_SPEED = 1.0;

  private static final int AXES = 4;
  /** Per axis: position, velocity, var(p), cov(p, v), var(v). */
  private final double[] state;

  private MotionFilter(double[] state) {
    this.state = state;
  }

  static MotionFilter start(FaceBox box) {
    double size = size(box);
    double[] s = new double[AXES * 5];
    double[] z = measurement(box);
    for (int a = 0; a < AXES; a++) {
      s[a * 5] = z[a];
      s[a * 5 + 2] = sq(MEASUREMENT_NOISE * size);
      s[a * 5 + 4] = sq(INITIAL_SPEED * size);
    }
    return new MotionFilter(s);
  }

  static MotionFilter restore(double[] state) {
    if (state.length != AXES * 5) {
      throw new IllegalArgumentException("motion state needs " + AXES * 5 + " numbers, got " + state.length);
    }
    return new MotionFilter(state.clone());
  }

  double[] state() {
    return state.clone();
  }

  /** Moves the state {@code seconds} ahead. */
  void predict(double seconds) {
    if (seconds <= 0) {
      return;
    }
    double size = Math.max(1, (state[2 * 5] + state[3 * 5]) / 2);
    for (int a = 0; a < AXES; a++) {
      int i = a * 5;
      double acc = (a < 2 ? CENTRE_ACCELERATION : SIZE_ACCELERATION) * size;
      double q = acc * acc;
      double t = seconds;
      double p = state[i + 2];
      double c = state[i + 3];
      double v = state[i + 4];
      state[i] += state[i + 1] * t;
      state[i + 2] = p + 2 * t * c + t * t * v + q * t * t * t * t / 4;
      state[i + 3] = c + t * v + q * t * t * t / 2;
      state[i + 4] = v + q * t * t;
    }
    // a box never shrinks to nothing, whatever its size velocity says
    state[2 * 5] = Math.max(2, state[2 * 5]);
    state[3 * 5] = Math.max(2, state[3 * 5]);
  }

  /** Corrects the state with a detected box. */
  void update(FaceBox box) {
    double r = sq(MEASUREMENT_NOISE * size(box));
    double[] z = measurement(box);
    for (int a = 0; a < AXES; a++) {
      int i = a * 5;
      double p = state[i + 2];
      double c = state[i + 3];
      double v = state[i + 4];
      double s = p + r;
      double kp = p / s;
      double kv = c / s;
      double innovation = z[a] - state[i];
      state[i] += kp * innovation;
      state[i + 1] += kv * innovation;
      state[i + 2] = (1 - kp) * p;
      state[i + 3] = (1 - kp) * c;
      state[i + 4] = v - kv * c;
    }
  }

  /** The box the state describes now. */
  FaceBox box() {
    return FaceBox.ofCentre(state[0], state[5], Math.max(2, state[10]), Math.max(2, state[15]));
  }

  private static double[] measurement(FaceBox box) {
    return new double[] {box.centreX(), box.centreY(), box.width(), box.height()};
  }

  private static double size(FaceBox box) {
    return Math.max(1, (box.width() + box.height()) / 2);
  }

  private static double sq(double x) {
    return x * x;
  }
}
