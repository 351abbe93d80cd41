package io.emotionstream.cli;

import io.emotionstream.config.Settings;
import io.emotionstream.ops.Operations;
import io.emotionstream.stream.EmotionProcessor;
import io.emotionstream.inference.DevicePlan;
import io.emotionstream.inference.DeviceUnavailableException;
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
    try (Operations ops = Operations.start(settings, true)) {
      Pipeline pipeline;
      try {
        DevicePlan.requireRequestedGpus(Pipeline.inferenceConfig(settings));
        pipeline = Pipeline.open(settings, ops.registry());
      } catch (DeviceUnavailableException e) {
        return unavailable(ops, e);
      }
      return run(settings, ops, pipeline, ticker);
    } finally {
      ticker.shutdownNow();
    }
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

  private Integer run(Settings settings, Operations ops, Pipeline opened, ScheduledExecutorService ticker)
      throws Exception {
    try (Pipeline pipeline = opened;
        EmotionProcessor processor = new EmotionProcessor(settings, pipeline.analyzer(), ops.registry())) {
      ops.status().model(pipeline::modelInService);
      ops.status().processor(processor);
      pipeline.startHotReload(settings, ops.registry());
      Runtime.getRuntime().addShutdownHook(new Thread(processor::close, "shutdown"));
      processor.start();
      ops.startFeed();
      LOG.info("processing {} -> {} on {}", settings.string("topic.frames"), settings.string("topic.events"),
          settings.string("bootstrap.servers"));
      if (statsInterval > 0) {
        ticker.scheduleAtFixedRate(() -> LOG.info("{}", processor.stats()), statsInterval, statsInterval, TimeUnit.SECONDS);
      }
      processor.awaitStop();
      LOG.info("stopped: {}", processor.stats());
    }
    return 0;
  }
}
