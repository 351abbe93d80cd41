package io.emotionstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.config.Settings;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.frame.FrameSource;
import io.emotionstream.frame.ImageEncoder;
import io.emotionstream.frame.ImageDecoding;
import io.emotionstream.frame.ImageFilesSource;
import io.emotionstream.frame.MovingScene;
import io.emotionstream.frame.VideoSource;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.kafka.TopicCreator;
import io.emotionstream.kafka.Topics;
import io.emotionstream.kafka.serde.AvroSerdes;
import io.emotionstream.processor.Pipeline;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.ImageEncoding;
import io.emotionstream.stream.EmotionStreams;
import io.emotionstream.stream.FrameProducer;
import io.emotionstream.stream.FrameStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * End-to-end throughput and latency of one processor instance under a given load: an embedded
 * broker, simulated cameras sending frames at a fixed rate, the processor with the configured
 * settings, and a read_committed consumer timing each event from its frame's capture time. Each
 * step runs on fresh topics with a fresh Kafka Streams instance (the detector and model stay
 * loaded), so that the backlog of one step never leaks into the next. Prints one JSON line per step;
 * {@code latencyMs} is capture to event, {@code processingMs} the analysis time of each event's
 * frame (the event's own field), so a shed policy's bound (max age plus one frame's processing) can
 * be checked against the same run.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
    description = {"Benchmark the processor end to end under load (embedded Kafka; prints JSON per step).",
        "Either a fixed load (--cameras N --fps F), or --sweep of fractions of the capacity measured first",
        "by working off a queue of frames (--probe seconds, --probe-frames)."})
public final class BenchStreamCommand implements Callable<Integer> {

  @Mixin
  SettingsOptions options;

  @Option(names = "--cameras", defaultValue = "4", description = "Simulated cameras (default ${DEFAULT-VALUE}).")
  int cameras;

  @Option(names = "--fps", description = "Frames per second per camera: one step at this fixed load.")
  Double fps;

  @Option(names = "--sweep", split = ",", paramLabel = "FRACTION",
      description = "Fractions of the measured capacity, one step each (default 0.5,0.7,1.0,3.0 without --fps).")
  List<Double> sweep;

  @Option(names = "--duration", defaultValue = "30", description = "Seconds per step (default ${DEFAULT-VALUE}).")
  int durationSeconds;

  @Option(names = "--probe", defaultValue = "20",
      description = "Seconds of the capacity probe (default ${DEFAULT-VALUE}).")
  int probeSeconds;

  @Option(names = "--probe-frames", defaultValue = "1500",
      description = "Frames queued before the probe starts, more than the instance can do in --probe seconds "
          + "(default ${DEFAULT-VALUE}).")
  int probeFrames;

  @Option(names = "--capacity", description = "Skip the probe and take this capacity (frames/s).")
  Double capacity;

  @Option(names = "--recovery", defaultValue = "20",
      description = "After an overloaded step, seconds at half the capacity to see latency recover (default ${DEFAULT-VALUE}; 0 = none).")
  int recoverySeconds;

  @Option(names = "--recovered-below-ms", defaultValue = "1000",
      description = "Latency an event must stay under, from some moment on, for the instance to count as recovered (default ${DEFAULT-VALUE}).")
  long recoveredBelowMs;

  @Option(names = "--photos", paramLabel = "PATH",
      description = "Photos, folders or one video to take frames from (default: the sample photos of the @vladmandic/face-api npm package).")
  List<Path> photos;

  @Option(names = "--max-width", defaultValue = "1280",
      description = "Downscale frames wider than this (default ${DEFAULT-VALUE}; 0 = keep).")
  int maxWidth;

  @Option(names = "--max-frames", defaultValue = "300", description = "Frames kept from a video (default ${DEFAULT-VALUE}).")
  int maxFrames;

  @Option(names = "--video", paramLabel = "pan|zoom",
      description = "A moving scene instead of still photos: a virtual camera panning across or zooming into the "
          + "first photo (--photos, default the sample photo with the most faces), 1280x720, --max-frames frames "
          + "(each camera starts at its own frame and plays them in order, back and forth).")
  String video;

  @Option(names = "--warmup", defaultValue = "10",
      description = "Seconds of load through Kafka before the measured steps, not counted (default ${DEFAULT-VALUE}; "
          + "0 = none): the JIT, libtorch's kernels per shape and the allocator reach their steady state.")
  int warmupSeconds;

  @Option(names = "--rounds", defaultValue = "3",
      description = "Measured rounds of the fixed load (--fps) or of the capacity probe; their median, spread and "
          + "the load average are printed as a summary line (default ${DEFAULT-VALUE}).")
  int rounds;

  private final ObjectMapper json = new ObjectMapper();

  @Override
  public Integer call() throws Exception {
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1");
    }
    List<EncodedImage> images = video != null ? movingScene() : load(photos != null ? photos : DemoCommand.samplePhotos());
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      // the broker is new on every run: Streams state lives beside it, for this run only
      Settings base = DemoCameras.withDemoCameras(options.settings()).with(Map.of("bootstrap.servers",
          kafka.bootstrapServers(),
          "ops.port", "0", "model.hot-reload", "false",
          "stream.state-dir", Files.createTempDirectory("emotion-stream-bench-state").toString()), "bench");
      try (Pipeline pipeline = Pipeline.open(base)) {
        ObjectNode header = json.createObjectNode();
        header.put("kind", "setup");
        header.put("processors", Runtime.getRuntime().availableProcessors());
        header.put("model", pipeline.modelInService());
        header.put("frames", images.size());
        header.put("frameWidth", images.get(0).width());
        header.put("frameHeight", images.get(0).height());
        header.put("meanFrameBytes", (long) images.stream().mapToInt(i -> i.bytes().length).average().orElse(0));
        ObjectNode settings = header.putObject("settings");
        new TreeMap<>(base.asMap()).forEach((k, v) -> {
          if (!k.startsWith("kafka.") && !k.startsWith("schema.") && !k.equals("bootstrap.servers")) {
            settings.put(k, v);
          }
        });
        print(header);
        warmUp(pipeline, images);
        int step = 0;
        if (warmupSeconds > 0) {
          // offered at the fixed load, or at about the capacity a probe would find, so that the
          // measured steps start from a processor that has already worked at full speed for a while
          double offered = fps != null ? cameras * fps : capacity != null ? capacity : cameras * 10.0;
          print(runStep(base, pipeline, images, step++,
              "warm-up", offered, Double.NaN, 0, warmupSeconds));
        }
        if (fps != null) {
          List<ObjectNode> measuredRounds = new ArrayList<>();
          for (int round = 1; round <= rounds; round++) {
            ObjectNode r = runStep(base, pipeline, images, step++, "fixed", cameras * fps, Double.NaN,
                recoverySeconds > 0 && capacity != null && cameras * fps > capacity ? capacity / 2 : 0);
            r.put("round", round);
            print(r);
            measuredRounds.add(r);
          }
          print(summary(measuredRounds, "sustainedFps"));
          return 0;
        }
        double measured;
        if (capacity != null) {
          measured = capacity;
        } else {
          // capacity: a queue of frames worked off with nobody sending meanwhile (a producer at many
          // times the capacity would take CPU from the processor), and nothing shed
          List<ObjectNode> probes = new ArrayList<>();
          for (int round = 1; round <= rounds; round++) {
            ObjectNode probe = runStep(base.with(Map.of("frame.max-age-ms", "0"), "bench probe"), pipeline, images,
                step++, "probe", 0, Double.NaN, 0, probeSeconds);
            probe.put("round", round);
            print(probe);
            probes.add(probe);
          }
          ObjectNode summary = summary(probes, "capacityFps");
          print(summary);
          measured = summary.get("capacityFps").get("median").asDouble();
        }
        for (double fraction : sweep != null ? sweep : List.of(0.5, 0.7, 1.0, 3.0)) {
          print(runStep(base, pipeline, images, step++, "sweep", fraction * measured, fraction,
              fraction > 1 && recoverySeconds > 0 ? measured / 2 : 0));
        }
      }
    }
    return 0;
  }

  private ObjectNode runStep(Settings base, Pipeline pipeline, List<EncodedImage> images, int step, String kind,
      double offeredFps, double fraction, double recoveryFps) throws Exception {
    return runStep(base, pipeline, images, step, kind, offeredFps, fraction, recoveryFps, durationSeconds);
  }

  /** One load step on its own topics and Kafka Streams instance; returns its figures. */
  private ObjectNode runStep(Settings base, Pipeline pipeline, List<EncodedImage> images, int step, String kind,
      double offeredFps, double fraction, double recoveryFps, int seconds) throws Exception {
    String suffix = "-bench-" + step;
    Settings settings = base.with(Map.of(
        "application.id", "emotion-stream" + suffix,
        "topic.frames", "camera-frames" + suffix,
        "topic.events", "face-emotions" + suffix,
        "topic.dead-letter", "camera-frames-dlq" + suffix,
        "topic.stats", "emotion-stats" + suffix,
        "topic.zone-stats", "emotion-zone-stats" + suffix), "bench");
    TopicCreator.ensure(settings, Topics.from(settings));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<String> cameraIds = DemoCameras.ids(cameras); // opted in by the demo camera file
    DemoCameras.requireAnalysed(settings, cameraIds);
    MemorySampler memory = new MemorySampler();
    try (EmotionStreams processor = new EmotionStreams(settings, pipeline.analyzer(), registry);
        KafkaConsumer<String, FaceEmotion> consumer = eventConsumer(settings);
        FrameProducer producer = new FrameProducer(settings)) {
      if (kind.equals("probe")) {
        for (int i = 0; i < probeFrames; i++) {
          int camera = i % cameraIds.size();
          producer.send(FrameProducer.frame(cameraIds.get(camera), i / cameraIds.size(),
              images.get((i / cameraIds.size() + camera) % images.size()), Instant.now(), "bench", Map.of()));
        }
        producer.flush();
      }
      processor.start();
      if (!processor.awaitRunning(Duration.ofSeconds(60))) {
        throw new IllegalStateException("the processor did not start (state " + processor.state() + ")");
      }
      FrameStats stats = processor.stats();
      long primed = kind.equals("probe") ? 0 : prime(producer, consumer, images, cameraIds, stats);
      double loadBefore = loadAverage();
      memory.start();
      long cpu0 = processCpuNanos();
      long wall0 = System.nanoTime();
      Instant loadStart = Instant.now();
      Instant loadEnd = loadStart.plusSeconds(seconds);
      Instant recoveryEnd = loadEnd.plusSeconds(recoveryFps > 0 ? recoverySeconds : 0);
      AtomicLong sent = new AtomicLong();
      AtomicLong sentDuringLoad = new AtomicLong();
      AtomicReference<Throwable> sendError = new AtomicReference<>();
      Thread cameraThread = new Thread(() -> sendFrames(producer, images, cameraIds, offeredFps, loadEnd, recoveryFps,
          recoveryEnd, sent, sentDuringLoad, sendError), "bench-cameras");
      cameraThread.setDaemon(true);
      if (offeredFps > 0) {
        cameraThread.start();
      }

      List<Long> loadLatencies = new ArrayList<>();
      List<Long> loadProcessing = new ArrayList<>(); // the analysis time of each event's frame
      List<long[]> recoveryEvents = new ArrayList<>(); // {received millis, latency millis}
      long analysedAtLoadEnd = -1;
      Instant settled = loadStart.plusMillis(seconds * 1000L / 3);
      long analysedAtSettled = -1;
      long shedAtLoadEnd = -1;
      Map<String, Long> shedPerCameraAtLoadEnd = null;
      long eventsDuringLoad = 0;
      while (Instant.now().isBefore(recoveryEnd)) {
        for (ConsumerRecord<String, FaceEmotion> r : consumer.poll(Duration.ofMillis(100))) {
          long now = System.currentTimeMillis();
          long latency = now - r.value().getCaptureTime().toEpochMilli();
          if (now < loadEnd.toEpochMilli()) {
            loadLatencies.add(latency);
            loadProcessing.add((long) Math.ceil(r.value().getProcessingTimeMs()));
            eventsDuringLoad++;
          } else {
            recoveryEvents.add(new long[] {now, latency});
          }
        }
        if (analysedAtSettled < 0 && !Instant.now().isBefore(settled)) {
          analysedAtSettled = stats.framesProcessed() - primed;
        }
        if (analysedAtLoadEnd < 0 && !Instant.now().isBefore(loadEnd)) {
          analysedAtLoadEnd = stats.framesProcessed() - primed;
          shedAtLoadEnd = shed(registry);
          shedPerCameraAtLoadEnd = shedPerCamera(registry);
        }
        if (sendError.get() != null) {
          throw new IllegalStateException("sending frames failed", sendError.get());
        }
      }
      if (analysedAtLoadEnd < 0) {
        analysedAtLoadEnd = stats.framesProcessed() - primed;
        shedAtLoadEnd = shed(registry);
        shedPerCameraAtLoadEnd = shedPerCamera(registry);
      }
      long wall = System.nanoTime() - wall0;
      long cpu = processCpuNanos() - cpu0;
      if (offeredFps > 0) {
        cameraThread.join(5_000);
      }
      memory.stop();

      ObjectNode r = json.createObjectNode();
      r.put("kind", kind);
      r.put("step", step);
      if (!Double.isNaN(fraction)) {
        r.put("fractionOfCapacity", fraction);
      }
      r.put("cameras", cameras);
      r.put("seconds", seconds);
      r.put("offeredFps", round(offeredFps));
      r.put("sentFps", round(sentDuringLoad.get() / (double) seconds));
      r.put("sustainedFps", round(analysedAtLoadEnd / (double) seconds));
      if (kind.equals("probe")) {
        // the last two thirds of the probe, when the processor has been saturated for a while
        r.put("capacityFps", round((analysedAtLoadEnd - analysedAtSettled) / (seconds * 2 / 3.0)));
        r.put("framesQueued", probeFrames);
        if (analysedAtLoadEnd >= probeFrames) {
          // the queue ran dry before the probe ended: the last seconds measured an idle instance
          r.put("queueRanDry", true);
          System.err.println("bench stream: the instance analysed all " + probeFrames + " queued frames within the "
              + seconds + " s probe, so the capacity is underestimated; raise --probe-frames");
        }
      }
      r.put("facesPerSecond", round(eventsDuringLoad / (double) seconds));
      r.put("framesSent", sentDuringLoad.get());
      r.put("framesAnalysed", analysedAtLoadEnd);
      r.put("framesShed", shedAtLoadEnd);
      r.put("framesDeadLettered", stats.deadLettered());
      if (shedAtLoadEnd > 0) {
        putShedShares(r.putObject("shedPerCamera"), shedPerCameraAtLoadEnd, cameraIds, sentDuringLoad.get());
      }
      putLatency(r.putObject("latencyMs"), loadLatencies);
      putLatency(r.putObject("processingMs"), loadProcessing);
      ObjectNode stages = r.putObject("stageMeanMs");
      registry.find("emotionstream.stage.duration").timers().forEach(
          t -> stages.put(t.getId().getTag("stage"), round(t.mean(TimeUnit.MICROSECONDS) / 1000)));
      r.put("cpuCores", round(cpu / (double) wall));
      ObjectNode load = r.putObject("loadAverage");
      load.put("start", loadBefore);
      load.put("end", loadAverage());
      ObjectNode rss = r.putObject("rssMiB");
      rss.put("start", memory.first / 1024);
      rss.put("end", memory.last / 1024);
      rss.put("max", memory.max / 1024);
      ArrayNode every10s = rss.putArray("every10s");
      memory.samples.forEach(v -> every10s.add(v / 1024));
      if (recoveryFps > 0) {
        ObjectNode rec = r.putObject("recovery");
        rec.put("offeredFps", round(recoveryFps));
        rec.put("seconds", recoverySeconds);
        rec.put("framesShedTotal", shed(registry));
        rec.put("events", recoveryEvents.size());
        putLatency(rec.putObject("latencyMs"), recoveryEvents.stream().map(e -> e[1]).toList());
        rec.put("recoveredAfterSeconds", recoveredAfter(recoveryEvents, loadEnd.toEpochMilli()));
        ArrayNode perSecond = rec.putArray("maxLatencyMsPerSecond");
        long[] worst = new long[recoverySeconds];
        for (long[] e : recoveryEvents) {
          int s = (int) ((e[0] - loadEnd.toEpochMilli()) / 1000);
          if (s >= 0 && s < worst.length) {
            worst[s] = Math.max(worst[s], e[1]);
          }
        }
        Arrays.stream(worst).forEach(perSecond::add);
      }
      return r;
    } finally {
      memory.stop();
    }
  }

  /**
   * Analyses every frame twice outside Kafka, so that the first step does not measure the JIT and
   * libtorch's first calls for each image size.
   */
  private static void warmUp(Pipeline pipeline, List<EncodedImage> images) {
    for (int round = 0; round < 2; round++) {
      for (EncodedImage image : images.subList(0, Math.min(images.size(), 12))) {
        pipeline.analyzer().analyze(FrameProducer.frame("warm-up", 0, image, Instant.now(), "bench", Map.of()));
      }
    }
  }

  /**
   * The rounds' figure {@code field}: median, every round's value in order, smallest, largest and
   * the spread ((largest - smallest) / median, in percent); with the latencies' and CPU's medians and
   * each round's load average (a busy machine moves every figure). A change between two runs of this
   * benchmark smaller than the spread of either is not seen.
   */
  private ObjectNode summary(List<ObjectNode> measured, String field) {
    ObjectNode s = json.createObjectNode();
    s.put("kind", "summary");
    s.put("rounds", measured.size());
    s.put("secondsPerRound", measured.get(0).get("seconds").asInt());
    s.put("warmupSeconds", warmupSeconds);
    ObjectNode f = s.putObject(field);
    double[] v = measured.stream().mapToDouble(r -> r.get(field).asDouble()).toArray();
    ArrayNode values = f.putArray("rounds");
    Arrays.stream(v).forEach(values::add);
    double median = median(v);
    double min = Arrays.stream(v).min().orElse(0);
    double max = Arrays.stream(v).max().orElse(0);
    f.put("median", round(median));
    f.put("min", round(min));
    f.put("max", round(max));
    f.put("spreadPercent", median > 0 ? round(100 * (max - min) / median) : 0);
    s.put("latencyP50MsMedian", round(median(latencies(measured, "p50"))));
    s.put("latencyP99MsMedian", round(median(latencies(measured, "p99"))));
    s.put("cpuCoresMedian", round(median(measured.stream().mapToDouble(r -> r.get("cpuCores").asDouble()).toArray())));
    ArrayNode loads = s.putArray("loadAverageEnd");
    measured.forEach(r -> loads.add(r.get("loadAverage").get("end").asDouble()));
    return s;
  }

  private static double[] latencies(List<ObjectNode> measured, String percentile) {
    return measured.stream().filter(r -> r.get("latencyMs").has(percentile))
        .mapToDouble(r -> r.get("latencyMs").get(percentile).asDouble()).toArray();
  }

  private static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** The system's load average over the last minute (other work on the machine), -1 where unknown. */
  private static double loadAverage() {
    return round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /**
   * The frames of a moving scene over the first photo (or the sample photo with the most faces),
   * played forth then back so that the sequence loops without a jump.
   */
  private List<EncodedImage> movingScene() throws IOException {
    Path photo = photos != null ? photos.get(0)
        : DemoCommand.samplePhotos().stream().filter(p -> p.getFileName().toString().startsWith("sample5"))
            .findFirst().orElse(DemoCommand.samplePhotos().get(0));
    ImageEncoder encoder = new ImageEncoder(ImageEncoding.JPEG, 0, 90);
    int n = Math.max(2, maxFrames / 2);
    try (Mat bgr = ImageDecoding.readBgr(photo)) {
      MovingScene.Motion motion = switch (video.toLowerCase(java.util.Locale.ROOT)) {
        case "pan" -> MovingScene.Motion.PAN;
        case "zoom" -> MovingScene.Motion.ZOOM;
        default -> throw new IllegalArgumentException("--video takes pan or zoom, not " + video);
      };
      List<EncodedImage> forth = MovingScene.frames(bgr, motion, n, 1280, 720, encoder);
      List<EncodedImage> all = new ArrayList<>(forth);
      for (int i = forth.size() - 2; i > 0; i--) {
        all.add(forth.get(i));
      }
      return all;
    }
  }

  /** Seconds after the overload ended from which every event's latency stayed under the bound; -1 if never. */
  private double recoveredAfter(List<long[]> events, long loadEndMillis) {
    if (events.isEmpty()) {
      return -1;
    }
    long from = loadEndMillis;
    for (long[] e : events) {
      if (e[1] >= recoveredBelowMs) {
        from = e[0];
      }
    }
    if (from == events.get(events.size() - 1)[0] && events.get(events.size() - 1)[1] >= recoveredBelowMs) {
      return -1;
    }
    return round((from - loadEndMillis) / 1000.0);
  }

  /**
   * Sends frames round robin over the cameras at {@code fps} frames/s in all until {@code loadEnd},
   * then at {@code recoveryFps} until {@code recoveryEnd}; capture time is the time of sending.
   */
  private static void sendFrames(FrameProducer producer, List<EncodedImage> images, List<String> cameraIds,
      double fps, Instant loadEnd, double recoveryFps, Instant recoveryEnd, AtomicLong sent, AtomicLong sentDuringLoad,
      AtomicReference<Throwable> error) {
    long[] sequence = new long[cameraIds.size()];
    try {
      long start = System.nanoTime();
      long phaseSent = 0;
      double rate = fps;
      boolean recovering = false;
      while (true) {
        Instant now = Instant.now();
        if (!recovering && !now.isBefore(loadEnd)) {
          if (recoveryFps <= 0) {
            return;
          }
          recovering = true;
          rate = recoveryFps;
          start = System.nanoTime();
          phaseSent = 0;
        }
        if (recovering && !now.isBefore(recoveryEnd)) {
          return;
        }
        int camera = (int) (sent.get() % cameraIds.size());
        EncodedImage image = images.get((int) ((sequence[camera] + camera) % images.size()));
        producer.send(FrameProducer.frame(cameraIds.get(camera), sequence[camera]++, image, Instant.now(), "bench",
            Map.of()));
        sent.incrementAndGet();
        if (!recovering) {
          sentDuringLoad.incrementAndGet();
        }
        phaseSent++;
        long wait = start + (long) (phaseSent * 1e9 / rate) - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      error.set(e);
    }
  }

  /**
   * Before a timed step: one frame per camera, and its events read. Each step runs on fresh topics
   * and a fresh Streams instance, so the first frames would otherwise also time the producers'
   * and the consumer's first metadata and offset lookups and each camera's first tracker state,
   * which a running instance does not pay (they made the slowest 1% of events of a 60 s step at
   * 70% load take 0.6-0.9 s against 0.2 s for the 95th percentile).
   *
   * @return the frames the processor analysed meanwhile, not counted in the step
   */
  private static long prime(FrameProducer producer, KafkaConsumer<String, FaceEmotion> consumer,
      List<EncodedImage> images, List<String> cameraIds, FrameStats stats) {
    for (int c = 0; c < cameraIds.size(); c++) {
      producer.send(FrameProducer.frame(cameraIds.get(c), 0, images.get(c % images.size()), Instant.now(), "bench",
          Map.of()));
    }
    producer.flush();
    Set<String> seen = new HashSet<>();
    Instant deadline = Instant.now().plusSeconds(60);
    Instant analysed = null;
    while (seen.size() < cameraIds.size()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("the processor did not analyse the first frame of every camera within 60 s");
      }
      for (ConsumerRecord<String, FaceEmotion> r : consumer.poll(Duration.ofMillis(100))) {
        seen.add(r.value().getCameraId().toString());
      }
      if (stats.framesProcessed() >= cameraIds.size()) {
        analysed = analysed == null ? Instant.now() : analysed;
        if (Instant.now().isAfter(analysed.plusSeconds(5))) {
          break; // a frame without faces has no event: its camera is primed all the same
        }
      }
    }
    return stats.framesProcessed();
  }

  private static KafkaConsumer<String, FaceEmotion> eventConsumer(Settings settings) {
    Map<String, Object> config = settings.kafkaClientConfig();
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, FaceEmotion> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
        AvroSerdes.from(settings).serde(FaceEmotion.class).deserializer());
    String topic = settings.string("topic.events");
    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  /** Frames shed by the processor per camera, all reasons. */
  private static Map<String, Long> shedPerCamera(SimpleMeterRegistry registry) {
    Map<String, Long> perCamera = new TreeMap<>();
    registry.find("emotionstream.frames.shed").counters().forEach(c -> {
      String camera = c.getId().getTag("camera");
      if (camera != null) {
        perCamera.merge(camera, (long) c.count(), Long::sum);
      }
    });
    return perCamera;
  }

  /**
   * Each camera's frames shed and their share of the frames it was sent (the cameras are sent to in
   * turn, so each got a {@code 1 / cameras} share of {@code sent}), and the spread of those shares in
   * percentage points: what fair shedding keeps small.
   */
  private static void putShedShares(ObjectNode out, Map<String, Long> shed, List<String> cameraIds, long sent) {
    double perCamera = sent / (double) cameraIds.size();
    double lowest = Double.MAX_VALUE;
    double highest = 0;
    for (String camera : cameraIds) {
      long n = shed == null ? 0 : shed.getOrDefault(camera, 0L);
      double percent = perCamera == 0 ? 0 : 100.0 * n / perCamera;
      ObjectNode c = out.putObject(camera);
      c.put("shed", n);
      c.put("percent", round(percent));
      lowest = Math.min(lowest, percent);
      highest = Math.max(highest, percent);
    }
    out.put("spreadPoints", round(highest - lowest));
  }

  /** Frames shed by the processor, all cameras and reasons (0 where the processor never sheds). */
  private static long shed(SimpleMeterRegistry registry) {
    return (long) registry.find("emotionstream.frames.shed").counters().stream().mapToDouble(Counter::count).sum();
  }

  private static void putLatency(ObjectNode node, List<Long> latencies) {
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    node.put("events", sorted.length);
    if (sorted.length == 0) {
      return;
    }
    node.put("p50", percentile(sorted, 0.50));
    node.put("p95", percentile(sorted, 0.95));
    node.put("p99", percentile(sorted, 0.99));
    node.put("max", sorted[sorted.length - 1]);
  }

  private static long percentile(long[] sorted, double p) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  }

  private List<EncodedImage> load(List<Path> inputs) {
    ImageEncoder encoder = new ImageEncoder(ImageEncoding.JPEG, maxWidth, 90);
    List<EncodedImage> out = new ArrayList<>();
    boolean video = inputs.size() == 1 && Files.isRegularFile(inputs.get(0)) && !ImageFilesSource.isImage(inputs.get(0));
    try (FrameSource source = video ? new VideoSource(inputs.get(0).toString(), encoder, false)
        : new ImageFilesSource(inputs, encoder, false)) {
      Optional<EncodedImage> image;
      while (out.size() < maxFrames && (image = source.next()).isPresent()) {
        out.add(image.get());
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot read frames from " + inputs + ": " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no frames in " + inputs);
    }
    return out;
  }

  private void print(ObjectNode node) {
    System.out.println(node.toString());
    System.out.flush();
  }

  private static long processCpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** Resident memory (VmRSS, KiB) every 200 ms: first, last and largest value, and one every 10 s. */
  private static final class MemorySampler {
    private final List<Long> samples = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile long first;
    private volatile long last;
    private volatile long max;
    private Thread thread;

    void start() {
      first = rssKib();
      last = first;
      max = first;
      thread = new Thread(() -> {
        for (long n = 0; !Thread.currentThread().isInterrupted(); n++) {
          long v = rssKib();
          last = v;
          max = Math.max(max, v);
          if (n % 50 == 0) {
            samples.add(v);
          }
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "bench-rss");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() {
      if (thread != null) {
        thread.interrupt();
        last = rssKib();
        max = Math.max(max, last);
      }
    }

    private static long rssKib() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (line.startsWith("VmRSS:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (IOException | NumberFormatException e) {
        return 0;
      }
      return 0;
    }
  }
}
