package io.emotionstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bench <what>}: benchmarks that print JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks that print JSON (medians, ratios measured in one run).",
    subcommands = {BenchDetectCommand.class, BenchFramesCommand.class, BenchInferenceCommand.class, BenchIngestCommand.class,
        BenchStreamCommand.class,
        BenchTrainCommand.class})
public final class BenchCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
