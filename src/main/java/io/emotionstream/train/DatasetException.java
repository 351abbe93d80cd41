package io.emotionstream.train;

import java.nio.file.Path;

/** A dataset that cannot be used, naming the file (and line, when there is one) at fault. */
public final class DatasetException extends RuntimeException {

  private final transient Path file;
  private final long line;

  public DatasetException(Path file, long line, String message) {
    super(file + (line > 0 ? ":" + line : "") + ": " + message);
    this.file = file;
    this.line = line;
  }

  public DatasetException(Path file, String message, Throwable cause) {
    super(file + ": " + message, cause);
    this.file = file;
    this.line = 0;
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }

  /** The 1-based line at fault, or 0 when the problem is not on one line. */
  public long line() {
    return line;
  }
}
