package io.emotionstream.torch;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this package may call into libtorch past DJL: every native and reflective way into DJL's
 * internals here asks first, and each has a plain fallback (the NDArray path) used otherwise.
 *
 * <p>Refused, with one log line saying why, when
 * <ul>
 *   <li>the system property {@value #FALLBACK_PROPERTY} is {@code true}
 *       ({@code -Demotionstream.torch.fallback=true}): the plain fallbacks everywhere, to compare
 *       results or to rule the native calls out when something looks wrong;</li>
 *   <li>the platform is not Linux on x86-64: the calls pass C++ objects by pointer and read their
 *       results as the x86-64 System V calling convention returns them, and the symbol names are
 *       Itanium-ABI mangled; neither holds elsewhere (Windows' convention, macOS' libraries, arm64's
 *       return of small structures).</li>
 * </ul>
 * The property is read on every question, so a test can switch it within one process.
 */
public final class NativeAccess {

  /** The system property that forces the plain fallbacks. */
  public static final String FALLBACK_PROPERTY = "emotionstream.torch.fallback";

  private static final Logger LOG = LoggerFactory.getLogger(NativeAccess.class);
  private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

  private NativeAccess() {}

  /** Why this platform refuses native calls, or null: fixed for the process. */
  private static final String PLATFORM = refusal(null, System.getProperty("os.name", ""),
      System.getProperty("os.arch", ""));

  /**
   * Whether native calls into libtorch are allowed now; logs the reason once when they are not.
   * Cheap enough for every forward pass (one property read): the platform is judged once.
   */
  public static boolean allowed() {
    String fallback = System.getProperty(FALLBACK_PROPERTY);
    String refusal = fallback != null && Boolean.parseBoolean(fallback) ? FALLBACK_PROPERTY + "=" + fallback : PLATFORM;
    if (refusal != null && LOGGED.add(refusal)) {
      LOG.info("libtorch native calls off, plain fallbacks used: {}", refusal);
    }
    return refusal == null;
  }

  /**
   * Why native calls are refused for this property value and platform, or null when they are allowed.
   *
   * @param fallback the value of {@value #FALLBACK_PROPERTY}, or null
   */
  static String refusal(String fallback, String osName, String osArch) {
    if (Boolean.parseBoolean(fallback)) {
      return FALLBACK_PROPERTY + "=" + fallback;
    }
    String arch = osArch.toLowerCase(Locale.ROOT);
    if (!osName.toLowerCase(Locale.ROOT).startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      return "the calls assume Linux on x86-64 (System V calling convention, Itanium-mangled symbols), this is "
          + osName + " on " + osArch;
    }
    return null;
  }
}
