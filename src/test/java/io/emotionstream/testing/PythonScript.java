package io.emotionstream.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Python examples with Debian's interpreter ({@code /usr/bin/python3}, where Debian's
 * {@code python3-*} modules live), as a user would.
 */
public final class PythonScript {

  /** Debian's interpreter. */
  public static final Path PYTHON = Path.of("/usr/bin/python3");

  private PythonScript() {}

  /** What a run printed, and how it ended. */
  public record Result(int exitCode, String stdout, String stderr) {}

  /**
   * Null when {@code modules} import in Debian's Python, else why not (to skip a test with it).
   */
  public static String missing(String... modules) {
    if (!Files.isExecutable(PYTHON)) {
      return PYTHON + " is not installed";
    }
    try {
      Result r = run(Duration.ofSeconds(60), List.of("-c", "import " + String.join(", ", modules)));
      return r.exitCode() == 0 ? null : "Debian's Python cannot import " + String.join(", ", modules) + ": "
          + r.stderr().strip();
    } catch (IOException | InterruptedException e) {
      return PYTHON + " did not run: " + e;
    }
  }

  /** Runs {@code /usr/bin/python3 args...} in the repository root; kills it after {@code timeout}. */
  public static Result run(Duration timeout, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(PYTHON.toString());
    command.addAll(args);
    Path out = Files.createTempFile("python-out", ".txt");
    Path err = Files.createTempFile("python-err", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().put("PYTHONUNBUFFERED", "1");
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("python " + args + " did not finish within " + timeout + "; stderr:\n"
            + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
