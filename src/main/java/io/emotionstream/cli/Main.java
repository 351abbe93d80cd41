package io.emotionstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code emotion-stream <command>}: the one entry point of every command. */
@Command(name = "emotion-stream", mixinStandardHelpOptions = true, version = "emotion-stream 0.1.0",
    description = "Emotions of the faces in camera streams, live, on Kafka.",
    subcommands = {
        DemoCommand.class,
        ProcessCommand.class,
        IngestCommand.class,
        ProduceCommand.class,
        TailCommand.class,
        DetectCommand.class,
        ClassifyCommand.class,
        TrainCommand.class,
        EvaluateCommand.class,
        ContactSheetCommand.class,
        DashboardCommand.class,
        TestCameraCommand.class,
        ModelsCommand.class,
        CamerasCommand.class,
        AuditCommand.class,
        BenchCommand.class,
        CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    int code = new CommandLine(new Main())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
          if (System.getenv("EMOTION_STREAM_DEBUG") != null) {
            e.printStackTrace(cmd.getErr());
          } else {
            cmd.getErr().println("(set EMOTION_STREAM_DEBUG=1 for the stack trace)");
          }
          return 1;
        })
        .execute(args);
    System.exit(code);
  }
}
