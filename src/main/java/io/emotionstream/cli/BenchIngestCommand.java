package io.emotionstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.Assets;
import io.emotionstream.cli.bench.BenchMachine;
import io.emotionstream.cli.bench.ResourceProbe;
import io.emotionstream.config.Settings;
import io.emotionstream.frame.ImageDecoding;
import io.emotionstream.ingest.CameraStatus;
import io.emotionstream.ingest.IngestService;
import io.emotionstream.ingest.testcamera.FrameNumberBand;
import io.emotionstream.ingest.testcamera.MjpegTestCamera;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.stats.Median;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code ingest} costs per camera: for each source kind (720p HTTP MJPEG from test cameras,
 * 720p H.264 from a video file played at its own rate) and each target rate, N cameras are
 * ingested for a while into a broker, in rounds. CPU is the process's CPU time minus that of the
 * threads that are not ingest's (the embedded broker, the test cameras): ingest's own threads, its
 * native threads, GC and JIT. Prints JSON: per case the median and the spread of the rounds of CPU
 * per camera (share of one core), bytes per frame and frames sent per second, the machine (CPU
 * model and flags) and its load, and how many cameras a 2-core instance would hold.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = {"Benchmark ingest: CPU per camera and bytes per frame for 720p MJPEG and",
        "H.264 cameras at several rates (JSON on stdout, progress on stderr)."})
public final class BenchIngestCommand implements Callable<Integer> {

  @Mixin
  SettingsOptions settingsOptions;

  @Option(names = "--sources", split = ",", defaultValue = "mjpeg,h264",
      description = "source kinds: mjpeg, h264, h264-keyframes (decode key frames only) (default ${DEFAULT-VALUE})")
  List<String> sources;

  @Option(names = "--fps", split = ",", defaultValue = "2,5", description = "target rates (default ${DEFAULT-VALUE})")
  List<Double> rates;

  @Option(names = "--cameras", defaultValue = "4", description = "cameras per case (default ${DEFAULT-VALUE})")
  int cameras;

  @Option(names = "--duration", defaultValue = "30", description = "measured seconds per round (default ${DEFAULT-VALUE})")
  int duration;

  @Option(names = "--warmup", defaultValue = "8", description = "seconds before measuring (default ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--rounds", defaultValue = "3", description = "rounds per case (default ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--size", defaultValue = "1280x720", description = "source frame size (default ${DEFAULT-VALUE})")
  String size;

  @Option(names = "--source-fps", defaultValue = "25", description = "frames per second the sources make (default ${DEFAULT-VALUE})")
  int sourceFps;

  @Option(names = "--key-interval", defaultValue = "25", description = "frames between H.264 key frames (default ${DEFAULT-VALUE})")
  int keyInterval;

  @Option(names = "--photo", paramLabel = "FILE", description = "picture the sources show (default: a sample photo)")
  Path photo;

  @Override
  public Integer call() throws Exception {
    String[] wh = size.split("x");
    int width = Integer.parseInt(wh[0]);
    int height = Integer.parseInt(wh[1]);
    Path picture = photo != null ? photo
        : Assets.npmPackage("@vladmandic/face-api", "1.7.15").resolve("demo/sample1.jpg");
    ObjectMapper json = new ObjectMapper();
    ObjectNode report = json.createObjectNode();
    BenchMachine.describe(report);
    report.put("cameras", cameras);
    report.put("sourceSize", size);
    report.put("sourceFps", sourceFps);
    report.put("roundSeconds", duration);
    report.put("rounds", rounds);
    ArrayNode results = report.putArray("results");
    Path dir = Files.createTempDirectory("bench-ingest");
    Settings base = settingsOptions.settings();
    boolean ownBroker = settingsOptions.bootstrapServers == null;
    try (EmbeddedKafka kafka = ownBroker ? EmbeddedKafka.start() : null; Mat image = ImageDecoding.readBgr(picture)) {
      Map<String, String> s = new HashMap<>(Map.of("ops.port", "0", "topics.partitions", "1", "ingest.reload-check-ms", "60000"));
      if (kafka != null) {
        s.put("bootstrap.servers", kafka.bootstrapServers());
      }
      Settings settings = base.with(s, "bench ingest");
      Path video = null;
      for (String source : sources) {
        if (source.startsWith("h264") && video == null) {
          video = writeH264(dir.resolve("source.mp4"), image, width, height);
        }
        for (double fps : rates) {
          results.add(runCase(json, settings, dir, source, fps, image, width, height, video));
        }
      }
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
    report.put("loadAverageAfter", BenchMachine.loadAverage());
    System.out.println(report.toPrettyString());
    return 0;
  }

  private ObjectNode runCase(ObjectMapper json, Settings settings, Path dir, String source, double fps, Mat image,
      int width, int height, Path video) throws Exception {
    ObjectNode out = json.createObjectNode();
    out.put("source", source);
    out.put("fps", fps);
    List<Double> cpu = new ArrayList<>();
    List<Double> bytes = new ArrayList<>();
    List<Double> sentRate = new ArrayList<>();
    ArrayNode roundsOut = out.putArray("rounds");
    for (int r = 0; r < rounds; r++) {
      List<MjpegTestCamera> servers = new ArrayList<>();
      try {
        StringBuilder list = new StringBuilder("cameras:\n");
        for (int c = 0; c < cameras; c++) {
          String url;
          String extra = "";
          if (source.equals("mjpeg")) {
            MjpegTestCamera cam = MjpegTestCamera.start(MjpegTestCamera.Options.of(width, height, sourceFps)
                .withPicture(image).withCycle(2 * sourceFps));
            servers.add(cam);
            url = cam.mjpegUrl();
          } else {
            url = video.toString();
            extra = source.equals("h264-keyframes") ? ", keyframes-only: true" : "";
          }
          list.append(String.format(Locale.ROOT, "  - {id: bench-%d, url: \"%s\", fps: %s%s}%n", c, url, fps, extra));
        }
        Path file = Files.writeString(dir.resolve("cameras-" + source + "-" + fps + "-" + r + ".yaml"), list);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (IngestService service = IngestService.start(settings.with(Map.of("topic.frames", "bench-ingest-" + source
            + "-" + (int) (fps * 10) + "-" + r), "bench ingest"), file, registry)) {
          Thread.sleep(warmup * 1000L);
          Snapshot before = Snapshot.take(service);
          Thread.sleep(duration * 1000L);
          Snapshot after = Snapshot.take(service);
          double seconds = (after.wallNanos - before.wallNanos) / 1e9;
          double ingestCpu = ((after.processCpu - before.processCpu) - (after.otherCpu - before.otherCpu)) / 1e9;
          long frames = after.sent - before.sent;
          double perCamera = ingestCpu / seconds / cameras;
          double bytesPerFrame = frames == 0 ? 0 : (double) (after.bytes - before.bytes) / frames;
          double rate = frames / seconds / cameras;
          cpu.add(perCamera);
          bytes.add(bytesPerFrame);
          sentRate.add(rate);
          ObjectNode ro = roundsOut.addObject();
          ro.put("cpuPerCamera", round(perCamera, 4));
          ro.put("bytesPerFrame", Math.round(bytesPerFrame));
          ro.put("sentPerSecondPerCamera", round(rate, 2));
          ro.put("skippedPerSecondPerCamera", round((after.skipped - before.skipped) / seconds / cameras, 1));
          ro.put("dropped", after.dropped - before.dropped);
          ObjectNode reasons = ro.putObject("droppedBy");
          for (CameraStatus st : service.cameras()) {
            st.framesDropped().forEach((k, v) -> reasons.put(k, reasons.path(k).asLong() + v));
          }
          ro.put("processCpuCores", round((after.processCpu - before.processCpu) / 1e9 / seconds, 3));
          ro.put("loadAverage", BenchMachine.loadAverage());
          System.err.printf(Locale.ROOT, "bench ingest: %s at %.1f fps, round %d: %.2f%% of a core per camera, %.0f bytes"
              + " per frame, %.2f frames/s per camera%n", source, fps, r + 1, perCamera * 100, bytesPerFrame, rate);
        }
      } finally {
        servers.forEach(MjpegTestCamera::close);
      }
    }
    out.put("cpuPerCameraMedian", round(Median.of(cpu), 4));
    out.put("cpuPerCameraMin", round(cpu.stream().mapToDouble(Double::doubleValue).min().orElse(0), 4));
    out.put("cpuPerCameraMax", round(cpu.stream().mapToDouble(Double::doubleValue).max().orElse(0), 4));
    out.put("bytesPerFrameMedian", Math.round(Median.of(bytes)));
    out.put("sentPerSecondPerCameraMedian", round(Median.of(sentRate), 2));
    double perCamera = Median.of(cpu);
    // two cores, a quarter kept free for bursts, reconnects, GC and the operations endpoints
    out.put("camerasPerTwoCoreInstance", perCamera <= 0 ? 0 : (int) Math.floor(2 * 0.75 / perCamera));
    return out;
  }

  /** CPU and counters at one moment. */
  private record Snapshot(long wallNanos, long processCpu, long otherCpu, long sent, long bytes, long skipped, long dropped) {

    static Snapshot take(IngestService service) {
      long sent = 0;
      long bytes = 0;
      long skipped = 0;
      long dropped = 0;
      for (CameraStatus s : service.cameras()) {
        sent += s.framesSent();
        bytes += Math.round(s.bytesPerFrame() * s.framesSent());
        skipped += s.framesSkipped();
        dropped += s.framesDroppedTotal();
      }
      return new Snapshot(System.nanoTime(), ResourceProbe.cpuNanos(), otherThreadsCpu(), sent, bytes, skipped, dropped);
    }

    /** CPU time of the live Java threads that are not ingest's: the broker's, the test cameras', this command's. */
    private static long otherThreadsCpu() {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long total = 0;
      for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (info == null) {
          continue;
        }
        String name = info.getThreadName();
        boolean ingest = name.startsWith("ingest-") || name.equals("kafka-producer-network-thread | emotion-stream-ingest");
        if (!ingest) {
          long t = threads.getThreadCpuTime(info.getThreadId());
          total += Math.max(0, t);
        }
      }
      return total;
    }
  }

  /**
   * 10 s of H.264 (libopenh264, 2 Mbit/s, a key frame every {@code --key-interval} frames) at the
   * source rate, made to cost what a camera's stream costs to decode: the view pans slowly across
   * the picture and every frame carries sensor-like noise (a still picture would give nearly empty
   * P-frames, decoded almost for free); each frame's number is drawn in.
   */
  private Path writeH264(Path file, Mat image, int width, int height) throws IOException {
    int wideW = width * 5 / 4;
    int wideH = height * 5 / 4;
    try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toString(), width, height);
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
        Mat wide = new Mat(); Size wideSize = new Size(wideW, wideH);
        Mat noise = new Mat(height, width, org.bytedeco.opencv.global.opencv_core.CV_8UC3)) {
      byte[] grain = new byte[width * height * 3];
      java.util.Random random = new java.util.Random(1);
      opencv_imgproc.resize(image, wide, wideSize, 0, 0, opencv_imgproc.INTER_AREA);
      recorder.setFormat("mp4");
      recorder.setVideoCodecName("libopenh264");
      recorder.setFrameRate(sourceFps);
      recorder.setGopSize(keyInterval);
      recorder.setVideoBitrate(2_000_000);
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      recorder.start();
      int frames = 10 * sourceFps;
      for (int n = 0; n < frames; n++) {
        // there and back across the spare quarter of the picture
        double t = n < frames / 2 ? 2.0 * n / frames : 2.0 - 2.0 * n / frames;
        int x = (int) Math.round(t * (wideW - width));
        int y = (int) Math.round(t * (wideH - height) / 2);
        try (org.bytedeco.opencv.opencv_core.Rect r = new org.bytedeco.opencv.opencv_core.Rect(x, y, width, height);
            Mat view = wide.apply(r); Mat frame = view.clone()) {
          for (int i = 0; i < grain.length; i++) {
            grain[i] = (byte) random.nextInt(12);
          }
          noise.data().put(grain, 0, grain.length);
          org.bytedeco.opencv.global.opencv_core.add(frame, noise, frame);
          FrameNumberBand.draw(frame, n);
          recorder.record(converter.convert(frame));
        }
      }
      recorder.stop();
    }
    return file;
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
