package io.emotionstream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The allocator environment that the {@code emotion-stream} launcher gives a command, read from the
 * launcher itself, so that tests starting their own JVMs (a processor, a training job) run under the
 * same settings and follow them when the launcher changes.
 */
public final class LauncherAllocator {

  /** Debian's jemalloc, the one the launcher and the image preload. */
  public static final Path JEMALLOC = Path.of("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2");

  /** The launcher's two kinds of command, each with its own {@code MALLOC_CONF}. */
  public enum Work {
    /** every command but training: processors, ingest, dashboards, benchmarks of them */
    PROCESSING("processing_malloc_conf"),
    /** {@code train} and {@code bench train} */
    TRAINING("training_malloc_conf");

    private final String variable;

    Work(String variable) {
      this.variable = variable;
    }
  }

  private LauncherAllocator() {}

  /** The launcher's default {@code MALLOC_CONF} for one kind of command; fails if it sets none or two. */
  public static String mallocConf(Work work) {
    return Launcher.CONFS.get(work);
  }

  /** Read once, when first asked for (the launcher does not change while the tests run). */
  private static final class Launcher {
    static final Map<Work, String> CONFS = read();
  }

  private static Map<Work, String> read() {
    Path launcher = Path.of("emotion-stream");
    String text;
    try {
      text = Files.readString(launcher);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the launcher " + launcher.toAbsolutePath(), e);
    }
    Map<Work, String> confs = new EnumMap<>(Work.class);
    for (Work work : Work.values()) {
      Matcher m = Pattern.compile("(?m)^" + work.variable + "=\"([^\"$]+)\"$").matcher(text);
      if (!m.find()) {
        throw new IllegalStateException(launcher + " sets no " + work.variable);
      }
      String conf = m.group(1);
      if (m.find()) {
        throw new IllegalStateException(launcher + " sets " + work.variable + " twice: " + conf + ", " + m.group(1));
      }
      confs.put(work, conf);
    }
    return confs;
  }

  /**
   * Preloads jemalloc with the launcher's settings for one kind of command into a child process's
   * environment, where jemalloc is installed (a {@code MALLOC_CONF} already there wins, as in the
   * launcher).
   *
   * @return whether jemalloc is preloaded
   */
  public static boolean apply(Map<String, String> env, Work work) {
    if (!Files.isRegularFile(JEMALLOC)) {
      return false;
    }
    String preload = env.get("LD_PRELOAD");
    env.put("LD_PRELOAD", preload == null || preload.isBlank() ? JEMALLOC.toString() : preload + ":" + JEMALLOC);
    env.putIfAbsent("MALLOC_CONF", mallocConf(work));
    return true;
  }
}
