package io.emotionstream.cli;

import io.emotionstream.config.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every Kafka-facing command shares; they override the configuration files and environment. */
public final class SettingsOptions {

  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file layered over the bundled config/emotion-stream.properties.")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one setting (repeatable), e.g. --set stream.threads=4.")
  List<String> overrides = new ArrayList<>();

  @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT", description = "Kafka brokers.")
  String bootstrapServers;

  @Option(names = "--wire-format", paramLabel = "FORMAT", description = "embedded (no registry) or registry.")
  String wireFormat;

  @Option(names = "--registry-url", paramLabel = "URL",
      description = "Confluent-compatible schema registry, e.g. http://host:8080/apis/ccompat/v7.")
  String registryUrl;

  /** Bundled defaults, then --config, environment, --set, then the dedicated flags. */
  public Settings settings() {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("bootstrap.servers", bootstrapServers);
    flags.put("wire.format", wireFormat);
    flags.put("schema.registry.url", registryUrl);
    return Settings.load(config, System.getenv(), overrides).with(flags, "command-line flag");
  }
}
