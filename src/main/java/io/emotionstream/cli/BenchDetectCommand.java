package io.emotionstream.cli;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.Assets;
import io.emotionstream.cli.bench.ResourceProbe;
import io.emotionstream.config.Settings;
import io.emotionstream.detect.DownscalingDetector;
import io.emotionstream.detect.FaceDetector;
import io.emotionstream.detect.FaceDetectors;
import io.emotionstream.detect.MtcnnConfig;
import io.emotionstream.detect.MtcnnDetector;
import io.emotionstream.frame.ImageDecoding;
import io.emotionstream.torch.OperatorProfile;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Times MTCNN detection per frame: frames cut from a photo (default the npm sample1.jpg) to 4:3
 * and 16:9 around the centre and resized to 640x480 and 1280x720, for each minimum face size;
 * prints one JSON object with the median and other percentiles in milliseconds. Without
 * {@code --min-face} and {@code --max-side} it measures the processor's detector (the
 * {@code detect.*} settings).
 */
@Command(name = "detect", mixinStandardHelpOptions = true,
    description = "Benchmark MTCNN face detection per frame (prints JSON).")
public final class BenchDetectCommand implements Callable<Integer> {

  @Option(names = "--threads", description = "PyTorch intra-op threads (default: "
      + "-Dai.djl.pytorch.num_threads or the engine's default); must be set before the engine starts")
  Integer threads;

  @Option(names = "--warmup", defaultValue = "3", description = "untimed runs per case (default ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--runs", defaultValue = "15", description = "timed runs per case (default ${DEFAULT-VALUE})")
  int runs;

  @Option(names = "--min-face", split = ",", paramLabel = "N[,N...]",
      description = "minimum face sizes to compare, comma separated (default: setting detect.min-face, 40)")
  List<Integer> minFaces;

  @Option(names = "--size", split = ",", defaultValue = "640x480,1280x720",
      description = "frame sizes WxH, comma separated (default ${DEFAULT-VALUE})")
  List<String> sizes;

  @Option(names = "--max-side", split = ",", paramLabel = "N[,N...]",
      description = "detect.max-side values to compare, comma separated; 0 = detect on the frame as it is "
          + "(default: setting detect.max-side, 1920)")
  List<Integer> maxSides;

  @Mixin
  ConfigOptions config = new ConfigOptions();

  @Option(names = "--image", description = "photo to cut frames from (default: face-api's demo/sample1.jpg)")
  Path image;

  @Option(names = "--stages", description = "also print where each case's time goes: milliseconds per frame per "
      + "stage (network calls timed on the thread that makes them, so with workers they overlap) and calls per frame")
  boolean stages;

  @Option(names = "--save-frames", paramLabel = "DIR",
      description = "also write each timed frame as DIR/WxH.png (lossless), for a reference implementation to time "
          + "the same pixels")
  Path saveFrames;

  @Option(names = "--profile", paramLabel = "PREFIX", description = "after each case's timed frames, detect --runs "
      + "more under libtorch's profiler and write PREFIX-WxH-mMIN.json (a Chrome trace of every operator with its "
      + "input shapes; scripts/profile-summary.py sums it); needs --threads 1, as the profiler records the calling "
      + "thread only")
  String profile;

  @Override
  public Integer call() throws java.io.IOException {
    if (profile != null && (threads == null || threads != 1)) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--profile needs --threads 1: libtorch's profiler records the calling thread only, and with more "
              + "threads the detector's workers run the networks");
    }
    if (threads != null) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    }
    Settings settings = config.settings(java.util.Map.of(), "command-line flag");
    if (minFaces == null || minFaces.isEmpty()) {
      minFaces = List.of(settings.integer("detect.min-face"));
    }
    if (maxSides == null || maxSides.isEmpty()) {
      maxSides = List.of(FaceDetectors.maxSide(settings));
    }
    Path photo = image != null ? image
        : Assets.npmPackage("@vladmandic/face-api", "1.7.15").resolve("demo/sample1.jpg");
    ObjectMapper json = new ObjectMapper();
    ObjectNode report = json.createObjectNode();
    report.put("image", photo.getFileName().toString());
    report.put("threads", System.getProperty("ai.djl.pytorch.num_threads", "engine default"));
    report.put("warmup", warmup);
    report.put("runs", runs);
    String preload = System.getenv("LD_PRELOAD");
    report.put("ldPreload", preload == null ? "" : preload);
    // wall-clock times on a shared machine mean little without the load they were taken under
    var os = ManagementFactory.getOperatingSystemMXBean();
    report.put("processors", os.getAvailableProcessors());
    report.put("loadAverageBefore", Math.round(os.getSystemLoadAverage() * 100) / 100.0);
    ArrayNode results = report.putArray("results");
    try (Mat source = ImageDecoding.readBgr(photo)) {
      for (int minFace : minFaces) {
        // detection workers as before: as many as libtorch's intra-op threads (--threads), so that
        // --threads 1 measures one thread
        try (MtcnnDetector mtcnn = new MtcnnDetector(MtcnnConfig.from(settings).withMinFaceSize(minFace))) {
          for (int maxSide : maxSides) {
          FaceDetector detector = maxSide > 0 ? new DownscalingDetector(mtcnn, maxSide) : mtcnn;
          for (String size : sizes) {
            String[] wh = size.toLowerCase().split("x");
            int w = Integer.parseInt(wh[0].trim());
            int h = Integer.parseInt(wh[1].trim());
            try (Mat frame = frame(source, w, h)) {
              if (saveFrames != null) {
                java.nio.file.Files.createDirectories(saveFrames);
                org.bytedeco.opencv.global.opencv_imgcodecs.imwrite(saveFrames.resolve(w + "x" + h + ".png").toString(),
                    frame);
              }
              int faces = 0;
              for (int i = 0; i < warmup; i++) {
                faces = detector.detect(frame).size();
              }
              io.emotionstream.detect.StageClock clock = new io.emotionstream.detect.StageClock();
              if (stages) {
                mtcnn.profileStages(clock);
              }
              double[] ms = new double[runs];
              double[] cpu = new double[runs];
              double[] threadCpu = new double[runs];
              var threadBean = ManagementFactory.getThreadMXBean();
              for (int i = 0; i < runs; i++) {
                long c0 = ResourceProbe.cpuNanos();
                long tc0 = threadBean.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                detector.detect(frame);
                ms[i] = (System.nanoTime() - t0) / 1e6;
                cpu[i] = (ResourceProbe.cpuNanos() - c0) / 1e6;
                threadCpu[i] = (threadBean.getCurrentThreadCpuTime() - tc0) / 1e6;
              }
              Arrays.sort(ms);
              Arrays.sort(threadCpu);
              ObjectNode r = results.addObject();
              r.put("width", w);
              r.put("height", h);
              r.put("minFace", minFace);
              r.put("maxSide", maxSide);
              r.put("faces", faces);
              r.put("oneDnnLayout", mtcnn.oneDnnLayout());
              r.put("bfloat16", mtcnn.bfloat16());
              r.put("medianMs", round(percentile(ms, 0.5)));
              r.put("minMs", round(ms[0]));
              r.put("p90Ms", round(percentile(ms, 0.9)));
              r.put("meanCpuMs", round(Arrays.stream(cpu).sum() / runs));
              r.put("medianCallerThreadCpuMs", round(percentile(threadCpu, 0.5)));
              r.put("rssMb", ResourceProbe.statusMb("VmRSS"));
              if (stages) {
                mtcnn.profileStages(null);
                ObjectNode st = r.putObject("stagesPerFrame");
                clock.perFrame(runs).forEach(st::put);
              }
              if (profile != null) {
                String trace = profile + "-" + w + "x" + h + "-m" + minFace + ".json";
                OperatorProfile.record(trace, () -> {
                  for (int i = 0; i < runs; i++) {
                    detector.detect(frame);
                  }
                });
                r.put("profile", trace);
              }
            }
          }
          }
        }
      }
    }
    report.put("loadAverageAfter", Math.round(os.getSystemLoadAverage() * 100) / 100.0);
    System.out.println(report.toString());
    return 0;
  }

  /** The largest centred crop of {@code source} with the aspect ratio w:h, resized to w x h. */
  static Mat frame(Mat source, int w, int h) {
    int cw = source.cols();
    int ch = source.rows();
    if ((long) cw * h > (long) ch * w) {
      cw = (int) Math.round((double) ch * w / h);
    } else {
      ch = (int) Math.round((double) cw * h / w);
    }
    Mat out = new Mat();
    try (Rect r = new Rect((source.cols() - cw) / 2, (source.rows() - ch) / 2, cw, ch);
        Mat crop = new Mat(source, r); Size s = new Size(w, h)) {
      resize(crop, out, s, 0, 0, INTER_AREA);
    }
    return out;
  }

  private static double percentile(double[] sorted, double p) {
    double pos = p * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
