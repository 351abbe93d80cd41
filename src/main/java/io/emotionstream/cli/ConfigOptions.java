package io.emotionstream.cli;

import io.emotionstream.config.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --config} and {@code --set} for commands that do not talk to Kafka ({@code detect},
 * {@code classify}, {@code bench detect}): the same layers as every other command (bundled
 * defaults, the file, {@code EMOTION_STREAM_*} variables, {@code --set}), so that they use the
 * processor's settings unless told otherwise.
 */
public final class ConfigOptions {

  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file layered over the bundled config/emotion-stream.properties.")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one setting (repeatable), e.g. --set detect.min-face=20.")
  List<String> overrides = new ArrayList<>();

  /** Bundled defaults, then --config, environment, --set, then {@code flags} (null values left out). */
  public Settings settings(Map<String, String> flags, String flagSource) {
    return Settings.load(config, System.getenv(), overrides).with(flags, flagSource);
  }
}
