package io.emotionstream.cli;

import io.emotionstream.config.Settings;
import io.emotionstream.inference.DevicePlan;
import io.emotionstream.inference.DeviceUnavailableException;
import io.emotionstream.inference.InferenceConfig;
import io.emotionstream.ops.Operations;
import io.emotionstream.processor.ProcessorInstance;
import io.emotionstream.stream.EmotionStreams;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code process}: run one processor instance until stopped (SIGTERM / Ctrl-C). */
@Command(name = "process", mixinStandardHelpOptions = true,
    description = {"Run the processor: camera frames in, one emotion event per face out.",
        "Instances sharing application.id split the frames topic's partitions."})
public final class ProcessCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessCommand.class);

  @Mixin
  SettingsOptions options;

  @Option(names = "--stats-interval", paramLabel = "SECONDS", defaultValue = "30",
      description = "How often to log the counters (default ${DEFAULT-VALUE} s; 0 = never).")
  int statsInterval;

  @Override
  public Integer call() throws Exception {
    Settings settings = options.settings();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "stats");
      t.setDaemon(true);
      return t;
    });
    try (ProcessorInstance instance = ProcessorInstance.create(settings, true)) {
      try {
        DevicePlan.requireRequestedGpus(InferenceConfig.from(settings));
        instance.load();
      } catch (DeviceUnavailableException e) {
        return unavailable(instance.operations(), e);
      }
      EmotionStreams processor = instance.processor();
      Runtime.getRuntime().addShutdownHook(new Thread(processor::close, "shutdown"));
      instance.start();
      if (statsInterval > 0) {
        ticker.scheduleAtFixedRate(() -> LOG.info("{}", processor.stats()), statsInterval, statsInterval, TimeUnit.SECONDS);
      }
      processor.awaitStop();
      LOG.info("stopped: {}", processor.stats());
    } finally {
      ticker.shutdownNow();
    }
    return 0;
  }

  /**
   * GPUs were asked for and cannot be used: running on the CPU instead would take partitions at a
   * fraction of the planned throughput. Stay up, not ready, saying why, until stopped; restarting
   * would not bring a GPU, so liveness stays up.
   */
  private static Integer unavailable(Operations ops, DeviceUnavailableException e) throws InterruptedException {
    LOG.error("not processing: {}", e.getMessage());
    ops.status().unavailable(e.getMessage());
    if (ops.port() == 0) {
      return 2; // nobody can see a not-ready status
    }
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(stop::countDown, "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stop.await();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running
      }
    }
    return 2;
  }
}
