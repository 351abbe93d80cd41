package io.emotionstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.cli.bench.CpuPerFrame;
import io.emotionstream.cli.bench.LocalCluster;
import io.emotionstream.cli.bench.ThreadCpu;
import io.emotionstream.cli.bench.WarmupRule;
import io.emotionstream.cli.bench.PacedSender;
import io.emotionstream.cli.bench.ResourceProbe;
import io.emotionstream.cli.bench.RssSampler;
import io.emotionstream.cli.bench.SampleFrames;
import io.emotionstream.cli.bench.SimulatedCameras;
import io.emotionstream.config.Settings;
import io.emotionstream.detect.StageClock;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.processor.Pipeline;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.stats.Median;
import io.emotionstream.stream.EmotionStreams;
import io.emotionstream.stream.EventReader;
import io.emotionstream.stream.FrameProducer;
import io.emotionstream.stream.FrameStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * End-to-end throughput and latency of one processor instance under a given load: an embedded
 * broker (or the cluster given with {@code -b}, which keeps the broker out of the figures), simulated cameras sending frames at a fixed rate, the processor with the configured
 * settings, and a read_committed consumer timing each event from its frame's capture time. Each
 * step runs on fresh topics with a fresh Kafka Streams instance (the detector and model stay
 * loaded), so that the backlog of one step never leaks into the next. Prints one JSON line per step;
 * {@code latencyMs} is capture to event, {@code processingMs} the analysis time of each event's
 * frame (the event's own field), so a shed policy's bound (max age plus one frame's processing) can
 * be checked against the same run.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
    description = {"Benchmark the processor end to end under load (embedded Kafka unless -b; prints JSON per step).",
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

  @Option(names = "--save-frames", paramLabel = "DIR",
      description = "Write the frames this run would send to DIR (frame-00001.jpg, ... in their order, the encoded bytes "
          + "as sent) and stop without running: to replay the same pixels elsewhere, for example to an older build "
          + "after `ffmpeg -i DIR/frame-%%05d.jpg -c:v copy scene.avi`.")
  Path saveFrames;

  @Option(names = "--warmup", defaultValue = "30",
      description = "Seconds of each warm-up step: load through Kafka before the measured steps, not counted "
          + "(default ${DEFAULT-VALUE}; 0 = no warm-up): the JIT, libtorch's kernels per shape and the allocator "
          + "reach their steady state. Steps follow one another as --warmup-jit-share and --warmup-settled say.")
  int warmupSeconds;

  @Option(names = "--warmup-jit-share", defaultValue = "0.05", paramLabel = "SHARE",
      description = "Another warm-up step follows while the JIT compiler took more than this share of the "
          + "process's CPU time in the last one (default ${DEFAULT-VALUE}; 1 = not watched), up to --warmup-max.")
  double warmupJitShare;

  @Option(names = "--warmup-settled", defaultValue = "3", paramLabel = "PERCENT",
      description = "Another warm-up step also follows while the analysis threads' CPU per frame fell by more "
          + "than this from the step before (default ${DEFAULT-VALUE}; 100 = not watched), up to --warmup-max.")
  double warmupSettledPercent;

  @Option(names = "--warmup-max", defaultValue = "240", paramLabel = "SECONDS",
      description = "The most seconds of warm-up steps (default ${DEFAULT-VALUE}).")
  int warmupMaxSeconds;

  /** Seconds of warm-up steps this run did, for the summary. */
  private int warmedUpSeconds;

  @Option(names = "--rounds", defaultValue = "3",
      description = "Measured rounds of the fixed load (--fps) or of the capacity probe; their median, spread and "
          + "the load average are printed as a summary line (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--stages",
      description = "Also print where the processor's detection time goes in each step: milliseconds per analysed "
          + "frame of the summed-area table, the P-Net pyramid, R-Net/O-Net and the refinements around tracked faces, "
          + "of each network's libtorch calls (timed on the threads that make them, so they overlap), and full "
          + "searches, refinements and calls per frame; compare with bench detect --stages on the same frames.")
  boolean stages;

  private final ObjectMapper json = new ObjectMapper();
  /** Names each step's topics and group ({@code -bench-<step>}; with a cluster given by -b, a run id too). */
  private String stepPrefix = "-bench-";

  @Override
  public Integer call() throws Exception {
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1");
    }
    List<EncodedImage> images = video != null
        ? SampleFrames.movingScene(photos != null ? photos.get(0) : SampleFrames.busiestSamplePhoto(), video, maxFrames)
        : SampleFrames.load(photos != null ? photos : SampleFrames.samplePhotos(), maxWidth, maxFrames);
    if (saveFrames != null) {
      SampleFrames.save(images, saveFrames);
      System.err.println("bench stream: " + images.size() + " frames written to " + saveFrames);
      return 0;
    }
    try (LocalCluster cluster = LocalCluster.start("bench", options.bootstrapServers)) {
      Settings base = cluster.settings(SimulatedCameras.withDemoCameras(options.settings()), "bench")
          .with(Map.of("ops.port", "0", "model.hot-reload", "false"), "bench");
      if (!cluster.embedded()) {
        // a cluster that outlives the run may hold an earlier run's step topics and groups
        stepPrefix = "-bench-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        System.err.println("bench stream: using the cluster at " + cluster.bootstrapServers() + "; its step topics and"
            + " groups (*" + stepPrefix + "<step>) are left there");
      }
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
          WarmupRule rule = new WarmupRule(warmupJitShare, warmupSettledPercent / 100, warmupMaxSeconds);
          boolean another = true;
          while (another) {
            ObjectNode w = runStep(base, pipeline, images, step++, "warm-up", offered, Double.NaN, 0, warmupSeconds);
            warmedUpSeconds += warmupSeconds;
            Map<String, Double> byThreads = new LinkedHashMap<>();
            if (w.has("cpuCoresByThreads")) {
              w.get("cpuCoresByThreads").properties().forEach(e -> byThreads.put(e.getKey(), e.getValue().asDouble()));
            }
            double jit = WarmupRule.jitShareOf(byThreads);
            if (!Double.isNaN(jit)) {
              w.put("jitShare", round(jit));
            }
            print(w);
            double msPerFrame = w.has("analysisCpuMsPerFrame") ? w.get("analysisCpuMsPerFrame").asDouble() : Double.NaN;
            another = rule.another(byThreads, msPerFrame, warmedUpSeconds);
          }
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
    Settings settings = LocalCluster.ownTopics(base, stepPrefix + step, "bench");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<String> cameraIds = SimulatedCameras.ids(cameras); // opted in by the demo camera file
    SimulatedCameras.requireAnalysed(settings, cameraIds);
    try (RssSampler memory = new RssSampler();
        EmotionStreams processor = new EmotionStreams(settings, pipeline.analyzer(), registry);
        EventReader events = new EventReader(settings, true);
        FrameProducer producer = new FrameProducer(settings)) {
      if (kind.equals("probe")) {
        queueProbeFrames(producer, images, cameraIds);
      }
      processor.start();
      // 120 s: on a machine busy with other work a first rebalance was seen to take over 60 s
      if (!processor.awaitRunning(Duration.ofSeconds(120))) {
        throw new IllegalStateException("the processor did not start within 120 s (state " + processor.state() + ")");
      }
      long primed = kind.equals("probe") ? 0 : prime(producer, events, images, cameraIds, processor.stats());
      Load load = new Load(offeredFps, recoveryFps, seconds, primed);
      StageClock detection = stages ? new StageClock() : null;
      pipeline.profileDetection(detection);
      long timedFrames;
      try {
        load.run(new PacedSender(producer, cameraIds, "bench", PacedSender.roundRobin(images, cameraIds.size()), false),
            events, processor.stats(), registry, memory, processorThreads(settings));
      } finally {
        pipeline.profileDetection(null);
        // every frame analysed while the clock was on: the load and any recovery after it
        timedFrames = processor.stats().framesProcessed() - primed;
      }
      ObjectNode r = report(load, kind, step, fraction, cameraIds, processor.stats(), registry, memory);
      if (detection != null && timedFrames > 0) {
        ObjectNode perFrame = r.putObject("detectStagesPerFrame");
        detection.perFrame((int) timedFrames).forEach(perFrame::put);
      }
      return r;
    }
  }

  private static final String DETECTION = "detection";
  private static final String CLASSIFIER = "classifier";
  private static final String STREAM_THREADS = "streamThreads";

  /**
   * The groups of {@link #processorThreads} that analyse frames, for {@code analysisCpuMsPerFrame} and
   * {@code cpuOverDetection} ({@link CpuPerFrame}).
   */
  private static final List<String> ANALYSIS_THREADS = List.of(DETECTION, CLASSIFIER, STREAM_THREADS);

  /**
   * The process's threads grouped by what they do for {@code cpuCoresByThreads}: the detector's
   * workers, the classifier's, the step's Kafka Streams threads (named after its application id),
   * the JIT compiler, the garbage collector; the rest ({@link ThreadCpu#OTHER}) is the embedded
   * broker when there is one, the Kafka clients, the simulated cameras and the event reader.
   */
  private static ThreadCpu processorThreads(Settings settings) {
    String streams = settings.string("application.id") + "-";
    return new ThreadCpu(List.of(
        new ThreadCpu.Group(DETECTION, List.of("mtcnn-worker")),
        new ThreadCpu.Group(CLASSIFIER, List.of("inference-")),
        new ThreadCpu.Group(STREAM_THREADS, List.of(streams.substring(0, Math.min(15, streams.length())))),
        new ThreadCpu.Group("jitCompiler", List.of("C1 CompilerThre", "C2 CompilerThre")),
        new ThreadCpu.Group("gc", List.of("GC Thread", "G1 ", "VM Thread"))));
  }

  /** The capacity probe's queue: more frames than the instance can do in the probe, sent before it starts. */
  private void queueProbeFrames(FrameProducer producer, List<EncodedImage> images, List<String> cameraIds) {
    for (int i = 0; i < probeFrames; i++) {
      int camera = i % cameraIds.size();
      producer.send(FrameProducer.frame(cameraIds.get(camera), i / cameraIds.size(),
          images.get((i / cameraIds.size() + camera) % images.size()), Instant.now(), "bench", Map.of()));
    }
    producer.flush();
  }

  /**
   * One step's load and what it measured: the simulated cameras sending at the offered rate (then at
   * the recovery rate), and every event read as it comes, timed from its frame's capture time.
   */
  private final class Load {
    final double offeredFps;
    final double recoveryFps;
    final int seconds;
    final long primed;
    final List<Long> latencies = new ArrayList<>();
    final List<Long> processing = new ArrayList<>(); // the analysis time of each event's frame
    final List<long[]> recoveryEvents = new ArrayList<>(); // {received millis, latency millis}
    final AtomicLong sentDuringLoad = new AtomicLong();
    long analysedAtLoadEnd = -1;
    long analysedAtSettled = -1;
    long shedAtLoadEnd = -1;
    Map<String, Long> shedPerCameraAtLoadEnd;
    long eventsDuringLoad;
    double loadBefore;
    long cpuNanos;
    long wallNanos;
    long analysedAtEnd; // frames analysed from the step's start to the CPU figures' end
    Map<String, Double> coresByThreads = Map.of();
    Instant loadEnd;

    Load(double offeredFps, double recoveryFps, int seconds, long primed) {
      this.offeredFps = offeredFps;
      this.recoveryFps = recoveryFps;
      this.seconds = seconds;
      this.primed = primed;
    }

    void run(PacedSender sender, EventReader events, FrameStats stats, SimpleMeterRegistry registry,
        RssSampler memory, ThreadCpu threadCpu) throws InterruptedException {
      loadBefore = ResourceProbe.loadAverage();
      memory.start();
      ThreadCpu.Snapshot threads0 = threadCpu.snapshot();
      long cpu0 = ResourceProbe.cpuNanos();
      long wall0 = System.nanoTime();
      Instant loadStart = Instant.now();
      loadEnd = loadStart.plusSeconds(seconds);
      Instant recoveryEnd = loadEnd.plusSeconds(recoveryFps > 0 ? recoverySeconds : 0);
      AtomicReference<Throwable> sendError = new AtomicReference<>();
      Thread cameraThread = new Thread(() -> {
        try {
          sender.send(offeredFps, n -> {
            sentDuringLoad.set(n); // live, as the step may end before this thread does
            return Instant.now().isBefore(loadEnd);
          });
          if (recoveryFps > 0) {
            sender.send(recoveryFps, n -> Instant.now().isBefore(recoveryEnd));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (Exception e) {
          sendError.set(e);
        }
      }, "bench-cameras");
      cameraThread.setDaemon(true);
      if (offeredFps > 0) {
        cameraThread.start();
      }
      Instant settled = loadStart.plusMillis(seconds * 1000L / 3);
      while (Instant.now().isBefore(recoveryEnd)) {
        for (ConsumerRecord<String, FaceEmotion> r : events.poll(Duration.ofMillis(100))) {
          read(r.value());
        }
        if (analysedAtSettled < 0 && !Instant.now().isBefore(settled)) {
          analysedAtSettled = stats.framesProcessed() - primed;
        }
        if (analysedAtLoadEnd < 0 && !Instant.now().isBefore(loadEnd)) {
          loadEnded(stats, registry);
        }
        if (sendError.get() != null) {
          throw new IllegalStateException("sending frames failed", sendError.get());
        }
      }
      if (analysedAtLoadEnd < 0) {
        loadEnded(stats, registry);
      }
      wallNanos = System.nanoTime() - wall0;
      cpuNanos = ResourceProbe.cpuNanos() - cpu0;
      coresByThreads = threadCpu.coresByGroup(threads0, threadCpu.snapshot(), wallNanos);
      analysedAtEnd = stats.framesProcessed() - primed;
      if (offeredFps > 0) {
        cameraThread.join(5_000);
      }
      memory.stop();
    }

    private void read(FaceEmotion event) {
      long now = System.currentTimeMillis();
      long latency = now - event.getCaptureTime().toEpochMilli();
      if (now < loadEnd.toEpochMilli()) {
        latencies.add(latency);
        processing.add((long) Math.ceil(event.getProcessingTimeMs()));
        eventsDuringLoad++;
      } else {
        recoveryEvents.add(new long[] {now, latency});
      }
    }

    private void loadEnded(FrameStats stats, SimpleMeterRegistry registry) {
      analysedAtLoadEnd = stats.framesProcessed() - primed;
      shedAtLoadEnd = shed(registry);
      shedPerCameraAtLoadEnd = shedPerCamera(registry);
    }
  }

  /** The step's figures, one JSON object. */
  private ObjectNode report(Load load, String kind, int step, double fraction, List<String> cameraIds, FrameStats stats,
      SimpleMeterRegistry registry, RssSampler memory) {
    int seconds = load.seconds;
    ObjectNode r = json.createObjectNode();
    r.put("kind", kind);
    r.put("step", step);
    if (!Double.isNaN(fraction)) {
      r.put("fractionOfCapacity", fraction);
    }
    r.put("cameras", cameras);
    r.put("seconds", seconds);
    r.put("offeredFps", round(load.offeredFps));
    r.put("sentFps", round(load.sentDuringLoad.get() / (double) seconds));
    r.put("sustainedFps", round(load.analysedAtLoadEnd / (double) seconds));
    if (kind.equals("probe")) {
      // the last two thirds of the probe, when the processor has been saturated for a while
      r.put("capacityFps", round((load.analysedAtLoadEnd - load.analysedAtSettled) / (seconds * 2 / 3.0)));
      r.put("framesQueued", probeFrames);
      if (load.analysedAtLoadEnd >= probeFrames) {
        // the queue ran dry before the probe ended: the last seconds measured an idle instance
        r.put("queueRanDry", true);
        System.err.println("bench stream: the instance analysed all " + probeFrames + " queued frames within the "
            + seconds + " s probe, so the capacity is underestimated; raise --probe-frames");
      }
    }
    r.put("facesPerSecond", round(load.eventsDuringLoad / (double) seconds));
    r.put("framesSent", load.sentDuringLoad.get());
    r.put("framesAnalysed", load.analysedAtLoadEnd);
    r.put("framesShed", load.shedAtLoadEnd);
    r.put("framesDeadLettered", stats.deadLettered());
    if (load.shedAtLoadEnd > 0) {
      putShedShares(r.putObject("shedPerCamera"), load.shedPerCameraAtLoadEnd, cameraIds, load.sentDuringLoad.get());
    }
    putLatency(r.putObject("latencyMs"), load.latencies);
    putLatency(r.putObject("processingMs"), load.processing);
    ObjectNode stages = r.putObject("stageMeanMs");
    registry.find("emotionstream.stage.duration").timers().forEach(
        t -> stages.put(t.getId().getTag("stage"), round(t.mean(TimeUnit.MICROSECONDS) / 1000)));
    r.put("cpuCores", round(load.cpuNanos / (double) load.wallNanos));
    if (!load.coresByThreads.isEmpty()) {
      ObjectNode byThreads = r.putObject("cpuCoresByThreads");
      load.coresByThreads.forEach(byThreads::put);
    }
    if (load.analysedAtEnd > 0) {
      r.put("processCpuMsPerFrame", round(load.cpuNanos / 1e6 / load.analysedAtEnd));
      double analysis = CpuPerFrame.millis(load.coresByThreads, ANALYSIS_THREADS, load.wallNanos, load.analysedAtEnd);
      if (!Double.isNaN(analysis)) {
        r.put("analysisCpuMsPerFrame", round(analysis));
      }
      Map<String, Double> ratios = CpuPerFrame.ratios(load.coresByThreads, DETECTION, ANALYSIS_THREADS);
      if (!ratios.isEmpty()) {
        ObjectNode byDetection = r.putObject("cpuOverDetection");
        ratios.forEach((group, ratio) -> byDetection.put(group, Math.round(ratio * 10_000) / 10_000.0));
      }
    }
    ObjectNode loadAverage = r.putObject("loadAverage");
    loadAverage.put("start", load.loadBefore);
    loadAverage.put("end", ResourceProbe.loadAverage());
    RssSampler.Figures kib = memory.figures();
    ObjectNode rss = r.putObject("rssMiB");
    rss.put("start", kib.first() / 1024);
    rss.put("end", kib.last() / 1024);
    rss.put("max", kib.max() / 1024);
    ArrayNode every10s = rss.putArray("every10s");
    kib.every10s().forEach(v -> every10s.add(v / 1024));
    if (load.recoveryFps > 0) {
      putRecovery(r.putObject("recovery"), load, registry);
    }
    return r;
  }

  private void putRecovery(ObjectNode rec, Load load, SimpleMeterRegistry registry) {
    long loadEnd = load.loadEnd.toEpochMilli();
    rec.put("offeredFps", round(load.recoveryFps));
    rec.put("seconds", recoverySeconds);
    rec.put("framesShedTotal", shed(registry));
    rec.put("events", load.recoveryEvents.size());
    putLatency(rec.putObject("latencyMs"), load.recoveryEvents.stream().map(e -> e[1]).toList());
    rec.put("recoveredAfterSeconds", recoveredAfter(load.recoveryEvents, loadEnd));
    ArrayNode perSecond = rec.putArray("maxLatencyMsPerSecond");
    long[] worst = new long[recoverySeconds];
    for (long[] e : load.recoveryEvents) {
      int s = (int) ((e[0] - loadEnd) / 1000);
      if (s >= 0 && s < worst.length) {
        worst[s] = Math.max(worst[s], e[1]);
      }
    }
    Arrays.stream(worst).forEach(perSecond::add);
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
    s.put("warmupSeconds", warmedUpSeconds);
    putRounds(s.putObject(field), measured.stream().mapToDouble(r -> r.get(field).asDouble()).toArray());
    if (measured.stream().allMatch(r -> r.has("analysisCpuMsPerFrame"))) {
      putRounds(s.putObject("analysisCpuMsPerFrame"),
          measured.stream().mapToDouble(r -> r.get("analysisCpuMsPerFrame").asDouble()).toArray());
    }
    if (measured.stream().allMatch(r -> r.has("cpuOverDetection"))) {
      ObjectNode ratios = s.putObject("cpuOverDetection");
      measured.get(0).get("cpuOverDetection").fieldNames().forEachRemaining(group -> putRounds(ratios.putObject(group),
          measured.stream().mapToDouble(r -> r.get("cpuOverDetection").path(group).asDouble()).toArray(), 4));
    }
    s.put("latencyP50MsMedian", round(Median.of(latencies(measured, "p50"))));
    s.put("latencyP99MsMedian", round(Median.of(latencies(measured, "p99"))));
    s.put("cpuCoresMedian", round(Median.of(measured.stream().mapToDouble(r -> r.get("cpuCores").asDouble()).toArray())));
    ArrayNode loads = s.putArray("loadAverageEnd");
    measured.forEach(r -> loads.add(r.get("loadAverage").get("end").asDouble()));
    return s;
  }

  /** Every round's value in order, their median, smallest, largest and spread in percent of the median. */
  private static void putRounds(ObjectNode f, double[] v) {
    putRounds(f, v, 2);
  }

  /** As {@link #putRounds(ObjectNode, double[])}, the median, smallest and largest to {@code decimals} places. */
  private static void putRounds(ObjectNode f, double[] v, int decimals) {
    double scale = Math.pow(10, decimals);
    ArrayNode values = f.putArray("rounds");
    Arrays.stream(v).forEach(values::add);
    double median = Median.of(v);
    double min = Arrays.stream(v).min().orElse(0);
    double max = Arrays.stream(v).max().orElse(0);
    f.put("median", Math.round(median * scale) / scale);
    f.put("min", Math.round(min * scale) / scale);
    f.put("max", Math.round(max * scale) / scale);
    f.put("spreadPercent", median > 0 ? round(100 * (max - min) / median) : 0);
  }

  private static double[] latencies(List<ObjectNode> measured, String percentile) {
    return measured.stream().filter(r -> r.get("latencyMs").has(percentile))
        .mapToDouble(r -> r.get("latencyMs").get(percentile).asDouble()).toArray();
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
   * Before a timed step: a frame per camera, and its events read. Each step runs on fresh topics
   * and a fresh Streams instance, so the first frames would otherwise also time the producers'
   * and the consumer's first metadata and offset lookups and each camera's first tracker state,
   * which a running instance does not pay (they made the slowest 1% of events of a 60 s step at
   * 70% load take 0.6-0.9 s against 0.2 s for the 95th percentile).
   *
   * @return the frames the processor analysed meanwhile, not counted in the step
   */
  private static long prime(FrameProducer producer, EventReader events,
      List<EncodedImage> images, List<String> cameraIds, FrameStats stats) {
    Set<String> seen = new HashSet<>();
    Instant deadline = Instant.now().plusSeconds(120);
    Instant nextSend = Instant.MIN;
    Instant analysed = null;
    long sequence = 0;
    while (seen.size() < cameraIds.size()) {
      Instant now = Instant.now();
      if (now.isAfter(deadline)) {
        throw new IllegalStateException("the processor did not analyse a frame of every camera within 120 s;"
            + " no events yet from " + cameraIds.stream().filter(id -> !seen.contains(id)).toList());
      }
      if (now.isAfter(nextSend)) {
        // again every few seconds for the cameras without events: on a busy machine a fresh instance
        // may take longer than frame.max-age-ms to reach a frame, which it then sheds as stale
        for (int c = 0; c < cameraIds.size(); c++) {
          if (!seen.contains(cameraIds.get(c))) {
            producer.send(FrameProducer.frame(cameraIds.get(c), sequence, images.get(c % images.size()), Instant.now(),
                "bench", Map.of()));
          }
        }
        producer.flush();
        sequence++;
        nextSend = Instant.now().plusSeconds(5);
      }
      for (ConsumerRecord<String, FaceEmotion> r : events.poll(Duration.ofMillis(100))) {
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

  private void print(ObjectNode node) {
    System.out.println(node.toString());
    System.out.flush();
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
