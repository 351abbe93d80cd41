package io.emotionstream.model;

import java.nio.file.Path;
import java.util.Locale;

/** A model artifact that is missing, damaged or inconsistent; the message names the file and what is wrong. */
public class ModelArtifactException extends RuntimeException {

  /**
   * What kind of problem; {@link #refusal()} tells the ones that retrying cannot mend (refused for
   * safety, or deterministically corrupt) from those a later attempt may not meet (a half-copied
   * artifact, a store not mounted yet).
   */
  public enum Reason {
    /** Missing, unreadable, damaged or inconsistent files. */
    INVALID(false),
    /** An artifact URI with a scheme the store does not serve. */
    UNSUPPORTED_URI(true),
    /** An artifact that resolves (after {@code ..} and symbolic links) outside the model store root. */
    OUTSIDE_STORE(true),
    /** A weights file that resolves outside its artifact directory. */
    WEIGHTS_OUTSIDE_ARTIFACT(true),
    /**
     * Complete as published (the weights match the checksum of the metadata) and still unusable:
     * a damaged layout, NaN or infinite values, a label count the network does not have. Reading it
     * again gives the same bytes, so it is not retried.
     */
    CORRUPT(true),
    /** A weights file larger than {@code ModelArtifact.MAX_WEIGHTS_BYTES}, refused before it is read. */
    TOO_LARGE(true);

    private final boolean refusal;

    Reason(boolean refusal) {
      this.refusal = refusal;
    }

    /** Retrying cannot help, only a new release can. */
    public boolean refusal() {
      return refusal;
    }

    /** The metric tag: {@code outside-store}. */
    public String code() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final transient Path file;
  private final Reason reason;

  public ModelArtifactException(Path file, String problem) {
    this(Reason.INVALID, file, problem, null);
  }

  public ModelArtifactException(Path file, String problem, Throwable cause) {
    this(Reason.INVALID, file, problem, cause);
  }

  public ModelArtifactException(Reason reason, Path file, String problem, Throwable cause) {
    super("model artifact " + file + ": " + problem, cause);
    this.file = file;
    this.reason = reason;
  }

  /** The file (or directory) at fault. */
  public Path file() {
    return file;
  }

  public Reason reason() {
    return reason;
  }
}
