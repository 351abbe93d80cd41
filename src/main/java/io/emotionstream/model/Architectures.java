package io.emotionstream.model;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The architectures known to this build, by name (found with {@link ServiceLoader}, or registered). */
public final class Architectures {

  private static final Map<String, Architecture> BY_NAME = new ConcurrentHashMap<>();

  static {
    for (Architecture a : ServiceLoader.load(Architecture.class, Architectures.class.getClassLoader())) {
      BY_NAME.put(a.name(), a);
    }
  }

  private Architectures() {}

  /** Adds (or replaces) an architecture. */
  public static void register(Architecture architecture) {
    BY_NAME.put(architecture.name(), architecture);
  }

  /** The architecture with this name, or null. */
  public static Architecture find(String name) {
    return name == null ? null : BY_NAME.get(name);
  }

  /** The known names, sorted. */
  public static java.util.Set<String> names() {
    return new TreeMap<>(BY_NAME).keySet();
  }
}
