package io.emotionstream.torch;

import java.util.function.BooleanSupplier;

/**
 * A check of the loaded libtorch that runs once per process, on first use, and keeps its answer
 * (resolving exported symbols and trying them on known values costs milliseconds, and the answer
 * cannot change while the library stays loaded). Passes only while {@link NativeAccess#allowed()}:
 * the check itself does not run otherwise.
 */
final class OnceCheck {

  private final BooleanSupplier check;
  private volatile Boolean answer;

  OnceCheck(BooleanSupplier check) {
    this.check = check;
  }

  /** The check's answer, running it if nobody has yet. */
  boolean passed() {
    if (!NativeAccess.allowed()) {
      return false;
    }
    Boolean done = answer;
    if (done != null) {
      return done;
    }
    synchronized (this) {
      if (answer == null) {
        answer = check.getAsBoolean();
      }
      return answer;
    }
  }
}
