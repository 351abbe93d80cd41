package io.emotionstream.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The configuration of every command, layered (later wins): the bundled
 * {@code config/emotion-stream.properties}, a {@code --config FILE}, environment variables
 * {@code EMOTION_STREAM_<KEY>}, then {@code --set key=value} flags. Each value remembers where it
 * came from, so an error can name the file, variable or flag at fault.
 */
public final class Settings {

  /** Environment variable prefix. */
  public static final String ENV_PREFIX = "EMOTION_STREAM_";
  /** Keys with this prefix are handed to Kafka clients without it. */
  public static final String KAFKA_PREFIX = "kafka.";

  private static final String DEFAULTS = "config/emotion-stream.properties";

  /**
   * Variables with the prefix that are not settings: read by the launcher or by code before any
   * settings exist (installation and assets directories, jemalloc opt-out, stack traces, log level).
   * Any other {@code EMOTION_STREAM_*} variable must name a setting, else it is a mistake.
   */
  public static final java.util.Set<String> OTHER_VARIABLES = java.util.Set.of("EMOTION_STREAM_HOME",
      "EMOTION_STREAM_ASSETS", "EMOTION_STREAM_JEMALLOC", "EMOTION_STREAM_DEBUG", "EMOTION_STREAM_LOG_LEVEL");

  private final Map<String, String> values;
  private final Map<String, String> sources;

  private Settings(Map<String, String> values, Map<String, String> sources) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    this.sources = Map.copyOf(sources);
  }

  /** Bundled defaults only. */
  public static Settings defaults() {
    return load(null, Map.of(), List.of());
  }

  /**
   * @param file an optional properties file ({@code --config})
   * @param env the environment (normally {@code System.getenv()})
   * @param overrides {@code key=value} strings ({@code --set})
   */
  public static Settings load(Path file, Map<String, String> env, List<String> overrides) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> sources = new LinkedHashMap<>();
    Properties bundled = bundled();
    put(values, sources, bundled, DEFAULTS);
    KnownKeys known = KnownKeys.from(bundled);
    List<String> mistakes = new ArrayList<>();
    if (file != null) {
      Properties fromFile = new Properties();
      try (Reader in = Files.newBufferedReader(file)) {
        fromFile.load(in);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
      }
      for (String key : new java.util.TreeSet<>(fromFile.stringPropertyNames())) {
        known.check(key, "config file " + file).ifPresent(mistakes::add);
      }
      put(values, sources, fromFile, file.toString());
    }
    for (String key : new ArrayList<>(values.keySet())) {
      String var = envName(key);
      if (env.containsKey(var)) {
        values.put(key, env.get(var).trim());
        sources.put(key, "environment variable " + var);
      }
    }
    // Kafka client settings need no default to be set from the environment, so that secrets
    // (sasl.jaas.config, ssl.keystore.password) can stay out of files and the process list:
    // EMOTION_STREAM_KAFKA_SASL_JAAS_CONFIG -> kafka.sasl.jaas.config (Kafka's keys have only dots)
    String kafkaEnv = ENV_PREFIX + "KAFKA_";
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(env).entrySet()) {
      if (e.getKey().startsWith(kafkaEnv) && e.getKey().length() > kafkaEnv.length()) {
        String key = KAFKA_PREFIX + e.getKey().substring(kafkaEnv.length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.');
        if (!sources.containsKey(key) || !sources.get(key).startsWith("environment")) {
          values.put(key, e.getValue().trim());
          sources.put(key, "environment variable " + e.getKey());
        }
      }
    }
    // every other variable with the prefix must name a setting: a misspelt one would be ignored
    for (String var : new java.util.TreeSet<>(env.keySet())) {
      if (var.startsWith(ENV_PREFIX) && !var.startsWith(kafkaEnv) && !OTHER_VARIABLES.contains(var)
          && !sources.getOrDefault(keyOfVariable(values.keySet(), var), "").equals("environment variable " + var)) {
        mistakes.add(known.unknownVariable(var));
      }
    }
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--set expects key=value, got '" + override + "'");
      }
      String key = override.substring(0, eq).trim();
      known.check(key, "--set " + key).ifPresent(mistakes::add);
      values.put(key, override.substring(eq + 1).trim());
      sources.put(key, "--set " + key);
    }
    if (!mistakes.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", mistakes));
    }
    return new Settings(values, sources);
  }

  /** The key whose variable is {@code var}, or "" when none is. */
  private static String keyOfVariable(java.util.Collection<String> keys, String var) {
    for (String key : keys) {
      if (envName(key).equals(var)) {
        return key;
      }
    }
    return "";
  }

  private static Properties bundled() {
    Properties bundled = new Properties();
    try (InputStream in = Settings.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException("bundled " + DEFAULTS + " is missing from the class path");
      }
      bundled.load(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read bundled " + DEFAULTS, e);
    }
    return bundled;
  }

  /** A copy with some values replaced (used by commands whose flags map onto settings). */
  public Settings with(Map<String, String> replacements, String source) {
    Map<String, String> v = new LinkedHashMap<>(values);
    Map<String, String> s = new LinkedHashMap<>(sources);
    replacements.forEach((k, val) -> {
      if (val != null) {
        v.put(k, val);
        s.put(k, source);
      }
    });
    return new Settings(v, s);
  }

  /** {@code topic.frames} becomes {@code EMOTION_STREAM_TOPIC_FRAMES}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  public String string(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException("setting '" + key + "' is missing (set it in a --config file, "
          + envName(key) + " or --set " + key + "=...)");
    }
    return value;
  }

  public String string(String key, String fallback) {
    String value = values.get(key);
    return value == null || value.isEmpty() ? fallback : value;
  }

  public int integer(String key) {
    return number(key, Integer::parseInt);
  }

  public long longValue(String key) {
    return number(key, Long::parseLong);
  }

  public double decimal(String key) {
    return number(key, Double::parseDouble);
  }

  public boolean bool(String key) {
    String v = string(key);
    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(v);
    }
    throw invalid(key, "true or false");
  }

  /**
   * The cores this instance sizes its threads for: {@code cpu.cores}, where {@code auto} (the
   * default) is what the JVM sees, {@link Runtime#availableProcessors()}, which honours a
   * container's CPU limit (cgroups v1 and v2) and {@code -XX:ActiveProcessorCount}. Set it where
   * the JVM cannot know: a Kubernetes pod with a CPU request and no limit sees every core of its
   * node (k8s/ sets it from the request).
   */
  public int cores() {
    String v = string("cpu.cores", "auto");
    return v.equalsIgnoreCase("auto") ? Runtime.getRuntime().availableProcessors() : positive("cpu.cores");
  }

  /** A thread count: a whole number of at least 1, or {@code auto} for {@link #cores()}. */
  public int threads(String key) {
    return string(key).equalsIgnoreCase("auto") ? cores() : positive(key);
  }

  private int positive(String key) {
    try {
      int n = Integer.parseInt(string(key).trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(key, "auto or a whole number of at least 1");
  }

  /** Comma-separated numbers. */
  public double[] decimals(String key) {
    String[] parts = string(key).split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw invalid(key, "comma-separated numbers");
      }
    }
    return out;
  }

  public <E extends Enum<E>> E enumValue(String key, Class<E> type) {
    String v = string(key).trim();
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(v.replace('-', '_'))) {
        return e;
      }
    }
    throw invalid(key, "one of " + Arrays.toString(type.getEnumConstants()).toLowerCase());
  }

  /**
   * Configuration shared by every Kafka client: {@code bootstrap.servers}, then every
   * {@code kafka.*} setting (which may override it).
   */
  public Map<String, Object> kafkaClientConfig() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("bootstrap.servers", string("bootstrap.servers"));
    out.putAll(kafkaOverrides());
    return out;
  }

  /** Every {@code kafka.*} setting with the prefix removed. */
  public Map<String, Object> kafkaOverrides() {
    Map<String, Object> out = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(KAFKA_PREFIX)) {
        out.put(k.substring(KAFKA_PREFIX.length()), v);
      }
    });
    return out;
  }

  /** Where a value came from (file, environment variable, flag). */
  public String source(String key) {
    return sources.getOrDefault(key, "nowhere");
  }

  public Map<String, String> asMap() {
    return values;
  }


  private <T extends Number> T number(String key, Function<String, T> parser) {
    try {
      return parser.apply(string(key).trim());
    } catch (NumberFormatException e) {
      throw invalid(key, "a number");
    }
  }

  private IllegalArgumentException invalid(String key, String expected) {
    return new IllegalArgumentException("setting '" + key + "' = '" + (secret(key) ? "***" : values.get(key))
        + "' from " + source(key) + " is not " + expected);
  }

  /** Keys whose values are credentials: never printed. */
  public static boolean secret(String key) {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    return k.contains("password") || k.contains("token") || k.contains("user.info") || k.contains("secret")
        || k.contains("jaas.config") || k.endsWith(".key");
  }

  private static void put(Map<String, String> values, Map<String, String> sources, Properties p, String src) {
    for (String key : p.stringPropertyNames()) {
      values.put(key, p.getProperty(key).trim());
      sources.put(key, src);
    }
  }
}
