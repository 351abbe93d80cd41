package io.emotionstream.cli;

import io.emotionstream.config.Settings;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelReleases;
import io.emotionstream.model.ModelStore;
import io.emotionstream.train.TrainingOptions;
import io.emotionstream.train.TrainingRun;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code train}: trains a ResNet-18 emotion classifier on FER2013 (Kaggle CSV) or an image folder
 * tree and writes a model artifact, a report and checkpoints into {@code --output}. Progress and
 * per-epoch lines go to stderr; stdout gets one line, the artifact directory, so that scripts (and
 * a later {@code --publish} step) can pick it up; {@link #result()} gives it to callers in-process.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a ResNet-18 emotion classifier; writes <output>/model (artifact), report.json/.md, "
        + "curves.png, confusion.png and checkpoint/. Prints the artifact directory.",
    sortOptions = false, defaultValueProvider = TrainingOptions.Defaults.class)
public final class TrainCommand implements Callable<Integer> {

  @Mixin
  TrainingOptions training;

  @Option(names = "--publish", description = {"Publish the trained artifact: copy it into the model store and release it",
      "on the model releases topic, so running processors hot-reload it (needs the brokers: -b or --config)."})
  boolean publish;

  @Option(names = "--store", paramLabel = "DIR|URI", description = "Model store for --publish (default: setting model.store).")
  String store;

  @Mixin
  SettingsOptions settings;

  @Mixin
  ReleaseOptions release;

  @Spec
  CommandSpec spec;

  private TrainingRun.Result result;

  @Override
  public Integer call() {
    training.commandLine = commandLine();
    result = new TrainingRun(training, System.err).run();
    if (result.interrupted()) {
      System.err.println("interrupted after epoch " + result.epochsDone() + "; checkpoint in " + training.output);
      return 3;
    }
    System.out.println(result.artifact().toAbsolutePath());
    if (publish) {
      Settings s = settings.settings().with(Collections.singletonMap("model.store", store), "--store");
      ModelArtifact verified = ModelArtifact.open(result.artifact());
      URI uri = release.release(s, ModelStore.open(s.string("model.store")), verified, ModelReleases.Intent.PUBLISH,
          "train --publish", training.data, System.err);
      System.err.println("published " + verified.metadata().name() + " " + verified.metadata().version() + " at " + uri
          + " and released it to " + release.target(s).describe() + " on " + s.string("topic.model-releases"));
    }
    return 0;
  }

  /** This invocation as a launcher line, {@code --resume} left out (it continues the same run). */
  String commandLine() {
    if (spec == null || spec.commandLine().getParseResult() == null) {
      return null;
    }
    List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
    int train = args.indexOf("train");
    if (train >= 0 && train < 2) {
      args = args.subList(train + 1, args.size());
    }
    StringBuilder line = new StringBuilder("./emotion-stream train");
    for (String a : args) {
      if (!a.equals("--resume")) {
        line.append(' ').append(shellQuoted(a));
      }
    }
    return line.toString();
  }

  static String shellQuoted(String arg) {
    return arg.matches("[A-Za-z0-9_./:=,@%+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
  }

  /** What the last {@link #call()} produced (the artifact directory for a publishing step), or null. */
  public TrainingRun.Result result() {
    return result;
  }
}
