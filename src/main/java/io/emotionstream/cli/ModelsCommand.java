package io.emotionstream.cli;

import io.emotionstream.audit.AuditSource;
import io.emotionstream.config.Settings;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelMetadata;
import io.emotionstream.model.ModelPacker;
import io.emotionstream.model.ModelReleases;
import io.emotionstream.model.ModelStore;
import io.emotionstream.schema.ModelRelease;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code models}: publish, list and promote model versions; pack a trained model for bundling. */
@Command(name = "models", mixinStandardHelpOptions = true,
    description = "Publish model artifacts to the model store, list them, and choose the version processors serve.",
    subcommands = {ModelsCommand.Publish.class, ModelsCommand.ListVersions.class, ModelsCommand.Promote.class,
        ModelsCommand.EndCanary.class, ModelsCommand.Pack.class})
public final class ModelsCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Shared: the store location flag on top of the settings. */
  static final class StoreOptions {
    @Mixin
    SettingsOptions settings;

    @Option(names = "--store", paramLabel = "DIR|URI", description = "Model store (default: setting model.store).")
    String store;

    Settings settings() {
      return settings.settings().with(Collections.singletonMap("model.store", store), "--store");
    }
  }

  @Command(name = "publish", mixinStandardHelpOptions = true,
      description = {"Copy a verified artifact into the store and release it to a channel: every processor",
          "following the channel (model.channel) loads it without a restart, or first a canary's share of them",
          "(unless --no-release). The release gate must pass (or --force). Recorded in the audit topic",
          "(topic.audit) as model-released, or model-canary-started."})
  static final class Publish implements Callable<Integer> {
    @Mixin
    StoreOptions options;

    @Mixin
    ReleaseOptions release;

    @Parameters(paramLabel = "ARTIFACT_DIR")
    Path artifact;

    @Option(names = "--no-release", description = "Only store it; release later with 'models promote'.")
    boolean noRelease;

    @Override
    public Integer call() {
      Settings settings = options.settings();
      ModelArtifact verified = ModelArtifact.open(artifact);
      ModelStore store = ModelStore.open(settings.string("model.store"));
      ModelMetadata m = verified.metadata();
      URI uri = noRelease ? store.publish(verified) : release.release(settings, store, verified,
          ModelReleases.Intent.PUBLISH, "models publish", null, System.err);
      System.out.println("stored " + m.name() + " " + m.version() + " at " + uri);
      if (!noRelease) {
        System.out.println("released " + m.name() + " " + m.version() + " to " + release.target(settings).describe()
            + " on " + settings.string("topic.model-releases") + ", audited on " + settings.string("topic.audit"));
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"List stored versions and the channels (and canaries) that release them (needs the brokers",
          "unless --offline)."})
  static final class ListVersions implements Callable<Integer> {
    @Mixin
    StoreOptions options;

    @Option(names = "--offline", description = "Do not read the releases topic.")
    boolean offline;

    @Override
    public Integer call() {
      Settings settings = options.settings();
      Map<String, ModelRelease> released = offline ? Map.of() : ModelReleases.current(settings);
      System.out.printf("%-16s %-24s %-28s %-10s %-24s %s%n", "RELEASED TO", "NAME", "VERSION", "ARCH", "CREATED",
          "METRICS");
      for (ModelMetadata m : ModelStore.open(settings.string("model.store")).list()) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        new java.util.TreeMap<>(released).forEach((key, r) -> {
          if (r.getModelName().equals(m.name()) && r.getVersion().equals(m.version())) {
            keys.add(key);
          }
        });
        System.out.printf("%-16s %-24s %-28s %-10s %-24s %s%n", keys.isEmpty() ? "-" : String.join(",", keys),
            m.name(), m.version(), m.architecture(), m.createdAt(), m.metrics() == null ? "{}" : m.metrics());
      }
      return 0;
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true,
      description = {"Release a stored version, of any model, to a channel (a rollback is the promotion of an",
          "older one). The release gate must pass (or --force). Recorded in the audit topic as model-promoted, or",
          "model-rolled-back for a version made before the one released now; a release to the whole channel",
          "ends its canary (model-canary-ended)."})
  static final class Promote implements Callable<Integer> {
    @Mixin
    StoreOptions options;

    @Mixin
    ReleaseOptions release;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "VERSION")
    String version;

    @Override
    public Integer call() {
      Settings settings = options.settings();
      ModelStore store = ModelStore.open(settings.string("model.store"));
      ModelArtifact verified = ModelArtifact.open(store.fetch(store.locate(name, version)));
      // already stored: publishing again is a no-op
      release.release(settings, store, verified, ModelReleases.Intent.PROMOTE, "models promote", null, System.err);
      System.out.println("released " + name + " " + version + " to " + release.target(settings).describe() + " on "
          + settings.string("topic.model-releases") + ", audited on " + settings.string("topic.audit"));
      return 0;
    }
  }

  @Command(name = "end-canary", mixinStandardHelpOptions = true,
      description = {"End the canary of a channel: its instances go back to the channel's release. Recorded in the",
          "audit topic as model-canary-ended. (Promoting the canary's version to the channel ends it too.)"})
  static final class EndCanary implements Callable<Integer> {
    @Mixin
    SettingsOptions settings;

    @Option(names = "--channel", paramLabel = "NAME", description = "Release channel (default: setting model.channel).")
    String channel;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit trail.")
    String reason;

    @Override
    public Integer call() {
      Settings s = settings.settings();
      String name = channel != null ? channel : s.string("model.channel");
      ModelRelease ended = ModelReleases.endCanary(s, name, AuditSource.of("models end-canary"), reason);
      System.out.println(ended == null ? "channel " + name + " has no canary"
          : "ended the canary " + ended.getModelName() + " " + ended.getVersion() + " on channel " + name);
      return 0;
    }
  }

  @Command(name = "pack", mixinStandardHelpOptions = true,
      description = "Write the compact copy of a trained model that the repository bundles: weights as float16 "
          + "safetensors (half the size, loaded as float32), new checksum; copies the run's report (report.md, "
          + "report.json, curves.png, confusion.png) and the train command into --docs.")
  static final class Pack implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_OR_ARTIFACT_DIR",
        description = "A training run directory (<run>/model + report), or an artifact directory.")
    Path source;

    @Parameters(index = "1", paramLabel = "OUT_DIR", description = "The packed artifact directory (replaced).")
    Path out;

    @Option(names = "--docs", paramLabel = "DIR", defaultValue = "docs/model",
        description = "Where the report and a provenance page go (default: ${DEFAULT-VALUE}).")
    Path docs;

    @Option(names = "--no-docs", description = "Pack the weights only (no report needed).")
    boolean noDocs;

    @Option(names = "--train-command", paramLabel = "LINE",
        description = "The command that trained the model, when report.json does not record it.")
    String trainCommand;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      ModelPacker.Packed p = ModelPacker.pack(source, out, noDocs ? null : docs, trainCommand, commandLine());
      ModelMetadata m = p.artifact().metadata();
      System.out.printf(java.util.Locale.ROOT, "packed %s %s: %s (%.1f MB float16, from %.1f MB float32; "
              + "largest change of a weight %.2g)%n", m.name(), m.version(), p.artifact().weightsFile(),
          p.bytes() / 1e6, p.sourceBytes() / 1e6, p.conversion().maxAbsError());
      p.docs().forEach(d -> System.out.println("wrote " + d));
      return 0;
    }

    /** This invocation as a launcher line (paths as given). */
    private String commandLine() {
      java.util.List<String> args = spec.commandLine().getParseResult().originalArgs();
      int pack = args.indexOf("pack");
      StringBuilder line = new StringBuilder("./emotion-stream models pack");
      for (String a : args.subList(pack >= 0 && pack < 2 ? pack + 1 : 0, args.size())) {
        line.append(' ').append(TrainCommand.shellQuoted(a));
      }
      return line.toString();
    }
  }
}
