package io.emotionstream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private static final Pattern DEFAULT = Pattern.compile("export MALLOC_CONF=\"\\$\\{MALLOC_CONF:-([^}\"]+)}\"");

  private LauncherAllocator() {}

  /** The launcher's default {@code MALLOC_CONF}; fails if the launcher no longer sets exactly one. */
  public static String mallocConf() {
    return Launcher.MALLOC_CONF;
  }

  /** Read once, when first asked for (the launcher does not change while the tests run). */
  private static final class Launcher {
    static final String MALLOC_CONF = read();
  }

  private static String read() {
    Path launcher = Path.of("emotion-stream");
    String text;
    try {
      text = Files.readString(launcher);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the launcher " + launcher.toAbsolutePath(), e);
    }
    Matcher m = DEFAULT.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException(launcher + " sets no default MALLOC_CONF");
    }
    String conf = m.group(1);
    if (m.find()) {
      throw new IllegalStateException(launcher + " sets more than one default MALLOC_CONF: " + conf + ", " + m.group(1));
    }
    return conf;
  }

  /**
   * Preloads jemalloc with the launcher's settings into a child process's environment, where jemalloc
   * is installed (a {@code MALLOC_CONF} already there wins, as in the launcher).
   *
   * @return whether jemalloc is preloaded
   */
  public static boolean apply(Map<String, String> env) {
    if (!Files.isRegularFile(JEMALLOC)) {
      return false;
    }
    String preload = env.get("LD_PRELOAD");
    env.put("LD_PRELOAD", preload == null || preload.isBlank() ? JEMALLOC.toString() : preload + ":" + JEMALLOC);
    env.putIfAbsent("MALLOC_CONF", mallocConf());
    return true;
  }
}
