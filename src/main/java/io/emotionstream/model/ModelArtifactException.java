package io.emotionstream.model;

import java.nio.file.Path;

/** A model artifact that is missing, damaged or inconsistent; the message names the file and what is wrong. */
public class ModelArtifactException extends RuntimeException {

  private final transient Path file;

  public ModelArtifactException(Path file, String problem) {
    super("model artifact " + file + ": " + problem);
    this.file = file;
  }

  public ModelArtifactException(Path file, String problem, Throwable cause) {
    super("model artifact " + file + ": " + problem, cause);
    this.file = file;
  }

  /** The file (or directory) at fault. */
  public Path file() {
    return file;
  }
}
