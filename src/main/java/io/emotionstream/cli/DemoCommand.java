package io.emotionstream.cli;

import io.emotionstream.cli.bench.LocalCluster;
import io.emotionstream.cli.bench.PacedSender;
import io.emotionstream.cli.bench.SampleFrames;
import io.emotionstream.cli.bench.SimulatedCameras;
import io.emotionstream.config.Settings;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.kafka.TopicCreator;
import io.emotionstream.kafka.Topics;
import io.emotionstream.processor.ProcessorInstance;
import io.emotionstream.stream.EmotionStreams;
import io.emotionstream.stream.EventJson;
import io.emotionstream.stream.EventReader;
import io.emotionstream.stream.FrameProducer;
import io.emotionstream.stream.FrameStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code demo}: everything in one process: a real Kafka broker (KRaft), the topics, simulated
 * cameras sending the sample photos, the processor, and the events printed as JSON lines.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run everything in one process on sample photos; print events.",
        "Starts a Kafka broker (KRaft) in this process, streams sample photos from simulated cameras",
        "through the processor and prints every face event as a JSON line (logs go to stderr).",
        "The cameras demo-camera-1..N are declared as opted-in customer-area cameras in",
        "config/demo-cameras.yaml (used unless cameras.file is set)."})
public final class DemoCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);

  @Mixin
  SettingsOptions options;

  @Option(names = "--once", description = "Send every photo once, exit 0 when every frame is processed (non-zero on failure).")
  boolean once;

  @Option(names = "--cameras", defaultValue = "3", description = "Simulated cameras (default ${DEFAULT-VALUE}).")
  int cameras;

  @Option(names = "--fps", defaultValue = "0.5", description = "Frames per second per camera (default ${DEFAULT-VALUE}).")
  double fps;

  @Option(names = "--max-width", defaultValue = "1280",
      description = "Downscale photos wider than this, as a camera stream would be (default ${DEFAULT-VALUE}; 0 = keep).")
  int maxWidth;

  @Option(names = "--photos", paramLabel = "PATH",
      description = "Photos or folders to send (default: the sample photos of the @vladmandic/face-api npm package).")
  List<Path> photos;

  @Option(names = "--timeout", defaultValue = "600", description = "With --once: give up after this many seconds.")
  long timeoutSeconds;

  private volatile boolean stopping;
  private final CountDownLatch finished = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping = true; // Ctrl-C: leave the event loop, close the processor and the broker
      try {
        finished.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "shutdown"));
    try {
      return run();
    } finally {
      finished.countDown();
    }
  }

  private int run() throws Exception {
    List<EncodedImage> images = SampleFrames.load(photos != null ? photos : SampleFrames.samplePhotos(), maxWidth,
        Integer.MAX_VALUE);
    List<String> cameraIds = SimulatedCameras.ids(cameras);
    Settings configured = SimulatedCameras.withDemoCameras(options.settings());
    SimulatedCameras.requireAnalysed(configured, cameraIds);
    try (LocalCluster cluster = LocalCluster.start("demo")) {
      Settings settings = cluster.settings(configured, "demo").with(Map.of(
          "application.id", "emotion-stream-demo",
          "topics.partitions", Integer.toString(Math.max(1, cameras))), "demo");
      TopicCreator.ensure(settings, Topics.from(settings));
      try (ProcessorInstance instance = ProcessorInstance.open(settings, true);
          EventReader reader = new EventReader(settings, true)) {
        instance.start();
        EmotionStreams processor = instance.processor();
        int port = instance.operations().port();
        if (port > 0) {
          System.err.printf("dashboard: http://localhost:%d/   metrics: http://localhost:%d/metrics%n", port, port);
        }
        if (!processor.awaitRunning(Duration.ofSeconds(60))) {
          System.err.println("error: the processor did not start (state " + processor.state() + ")");
          return 1;
        }
        AtomicLong produced = new AtomicLong();
        AtomicReference<Throwable> producerError = new AtomicReference<>();
        Thread producerThread = new Thread(() -> produce(settings, images, cameraIds, produced, producerError), "demo-cameras");
        producerThread.setDaemon(true);
        producerThread.start();
        return printEvents(processor.stats(), reader, producerThread, produced, producerError);
      }
    }
  }

  private int printEvents(FrameStats stats, EventReader reader, Thread producerThread, AtomicLong produced,
      AtomicReference<Throwable> producerError) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    long printed = 0;
    while (true) {
      for (var record : reader.poll(Duration.ofMillis(200))) {
        System.out.println(EventJson.line(record.value()));
        printed++;
      }
      System.out.flush();
      if (producerError.get() != null) {
        System.err.println("error: sending frames failed: " + producerError.get());
        return 1;
      }
      if (!once) {
        if (stopping) {
          System.err.printf("demo stopped: %s%n", stats);
          return 0;
        }
        continue;
      }
      long done = stats.framesProcessed() + stats.deadLettered() + stats.framesShed() + stats.framesRefused();
      if (!producerThread.isAlive() && done >= produced.get() && printed >= stats.faces()) {
        System.err.printf("demo: %d frames from %d cameras, %d face events printed; %s%n", produced.get(),
            cameras, printed, stats);
        if (stats.deadLettered() > 0) {
          System.err.println("error: " + stats.deadLettered() + " frames went to the dead-letter topic");
          return 2;
        }
        return printed > 0 ? 0 : 3;
      }
      if (System.nanoTime() > deadline) {
        System.err.printf("error: timed out after %d s: %d of %d frames processed; %s%n", timeoutSeconds, done,
            produced.get(), stats);
        return 1;
      }
    }
  }

  /**
   * Every photo in turn, photo {@code i} of a round from camera {@code i mod cameras}, at {@code fps}
   * per camera; once, or round after round until the demo stops.
   */
  private void produce(Settings settings, List<EncodedImage> images, List<String> cameraIds, AtomicLong produced,
      AtomicReference<Throwable> error) {
    int n = images.size();
    PacedSender.Schedule photos = new PacedSender.Schedule() {
      @Override
      public int camera(long sent) {
        return (int) (sent % n % cameraIds.size());
      }

      @Override
      public EncodedImage image(long sent) {
        return images.get((int) (sent % n));
      }

      @Override
      public Map<String, String> headers(long sent) {
        return Map.of("source", Path.of(image(sent).origin()).getFileName().toString());
      }
    };
    try (FrameProducer producer = new FrameProducer(settings)) {
      PacedSender sender = new PacedSender(producer, cameraIds, "demo-site", photos, true);
      // a round is never cut short: the next one starts only while the demo goes on
      sender.send(fps * cameraIds.size(), sent -> {
        produced.set(sent);
        return sent < n || sent % n != 0 || !once && !stopping;
      });
      produced.set(sender.sent());
      LOG.info("sent {} frames from {} cameras", produced.get(), cameraIds.size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      error.set(e);
    }
  }
}
