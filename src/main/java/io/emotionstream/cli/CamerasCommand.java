package io.emotionstream.cli;

import io.emotionstream.policy.CameraFile;
import io.emotionstream.policy.CameraFileWatcher;
import io.emotionstream.policy.CameraPolicies;
import io.emotionstream.policy.CameraPolicy;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cameras}: check a camera file and show what the processor will do with each camera. */
@Command(name = "cameras", mixinStandardHelpOptions = true,
    description = "Work with the camera file (cameras.file) that ingest and the processor share.",
    subcommands = {CamerasCommand.Check.class})
public final class CamerasCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Read a camera file as the processor does and print, per camera, whether its frames are",
          "analysed and why not; exit 1 with the file, camera and key at fault when it cannot be used."})
  static final class Check implements Callable<Integer> {
    @Mixin
    SettingsOptions options;

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "The camera file (default: setting cameras.file).")
    Path file;

    @Option(names = "--json", description = "Print the policies as JSON lines, one per camera.")
    boolean json;

    @Override
    public Integer call() {
      CameraPolicies policies;
      if (file != null) {
        policies = CameraFile.read(file);
      } else {
        try (CameraFileWatcher watcher = CameraFileWatcher.from(options.settings())) {
          policies = watcher.get();
        }
      }
      for (CameraPolicy camera : policies.all()) {
        System.out.println(json ? camera.toJson().toString() : camera.describe());
      }
      long analysed = policies.all().stream().filter(CameraPolicy::analysed).count();
      System.err.println(policies + ": " + analysed + " of " + policies.all().size() + " cameras analysed;"
          + " cameras not listed are not analysed");
      return 0;
    }
  }
}
