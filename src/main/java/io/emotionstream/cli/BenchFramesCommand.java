package io.emotionstream.cli;

import io.emotionstream.cli.bench.ResourceProbe;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.Assets;
import io.emotionstream.analysis.FrameResult;
import io.emotionstream.config.Settings;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.frame.ImageCodec;
import io.emotionstream.frame.ImageDecoding;
import io.emotionstream.processor.Pipeline;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.ImageEncoding;
import io.emotionstream.stream.FrameProducer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The largest frames the processor accepts, through the whole analysis (checks, decode, detect,
 * crop, classify) on as many threads as stream threads: a 7680x4320 PNG of a sample photo, a
 * 7680x4320 PNG of one colour (a 32 KB file), and a noise JPEG just under {@code frame.max-bytes}.
 * Prints per-kind median and slowest times and the peak resident memory of the process (VmHWM), the
 * figure behind the per-instance memory ceiling in the README.
 */
@Command(name = "frames", mixinStandardHelpOptions = true,
    description = "Benchmark the largest allowed frames through the analysis; prints times and peak memory (JSON).")
public final class BenchFramesCommand implements Callable<Integer> {

  @Mixin
  SettingsOptions settingsOptions;

  @Option(names = "--threads", defaultValue = "2", description = "concurrent frames, like stream.threads (default ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--rounds", defaultValue = "3", description = "times each frame is analyzed per thread (default ${DEFAULT-VALUE})")
  int rounds;

  @Override
  public Integer call() throws Exception {
    Settings settings = settingsOptions.settings();
    ObjectMapper json = new ObjectMapper();
    ObjectNode report = json.createObjectNode();
    report.put("detectMaxSide", settings.integer("detect.max-side"));
    report.put("threads", threads);
    report.put("rounds", rounds);
    String preload = System.getenv("LD_PRELOAD");
    report.put("ldPreload", preload == null ? "" : preload);
    report.put("mallocConf", String.valueOf(System.getenv("MALLOC_CONF")));
    report.put("rssBeforeMb", ResourceProbe.statusMb("VmRSS"));
    List<CameraFrame> frames = frames(settings.longValue("frame.max-bytes"));
    report.set("jpegDecode", decodeTimes(frames, json));
    try (Pipeline pipeline = Pipeline.open(settings)) {
      report.put("rssPipelineReadyMb", ResourceProbe.statusMb("VmRSS"));
      ArrayNode results = report.putArray("results");
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        for (CameraFrame frame : frames) {
          List<Future<double[]>> futures = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
              double[] ms = new double[rounds + 1];
              for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                FrameResult result = pipeline.analyzer().analyze(frame);
                ms[r] = (System.nanoTime() - t0) / 1e6;
                ms[rounds] = result.events().size();
              }
              return ms;
            }));
          }
          List<Double> all = new ArrayList<>();
          int faces = 0;
          for (Future<double[]> f : futures) {
            double[] ms = f.get();
            for (int r = 0; r < rounds; r++) {
              all.add(ms[r]);
            }
            faces = (int) ms[rounds];
          }
          double[] sorted = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
          ObjectNode r = results.addObject();
          r.put("frame", frame.getTags().get("kind"));
          r.put("bytes", frame.getImage().remaining());
          r.put("faces", faces);
          r.put("medianMs", Math.round(sorted[sorted.length / 2]));
          r.put("maxMs", Math.round(sorted[sorted.length - 1]));
          r.put("rssAfterMb", ResourceProbe.statusMb("VmRSS"));
        }
      } finally {
        pool.shutdown();
      }
    }
    report.put("peakRssMb", ResourceProbe.statusMb("VmHWM"));
    System.out.println(report.toString());
    return 0;
  }

  private static List<CameraFrame> frames(long maxBytes) {
    Path photo = Assets.npmPackage("@vladmandic/face-api", "1.7.15").resolve("demo/sample1.jpg");
    List<CameraFrame> frames = new ArrayList<>();
    try (Mat source = ImageDecoding.readBgr(photo); Mat big = new Mat(); Size size = new Size(7680, 4320)) {
      opencv_imgproc.resize(source, big, size, 0, 0, opencv_imgproc.INTER_CUBIC);
      frames.add(frame("8K PNG photo", ImageCodec.encode(big, ".png", 0), ImageEncoding.PNG));
      frames.add(frame("8K JPEG photo", ImageCodec.encode(big, ".jpg", 95), ImageEncoding.JPEG));
    }
    try (Mat plain = new Mat(4320, 7680, opencv_core.CV_8UC3, new Scalar(90, 120, 150, 0))) {
      frames.add(frame("8K PNG one colour", ImageCodec.encode(plain, ".png", 0), ImageEncoding.PNG));
    }
    byte[] pixels = new byte[7680 * 4320 * 3];
    new Random(1).nextBytes(pixels);
    try (Mat noise = new Mat(4320, 7680, opencv_core.CV_8UC3)) {
      noise.data().put(pixels, 0, pixels.length);
      for (int quality = 90; quality >= 10; quality -= 5) {
        byte[] jpeg = ImageCodec.encode(noise, ".jpg", quality);
        if (jpeg.length <= maxBytes) {
          frames.add(frame("8K JPEG noise q" + quality, jpeg, ImageEncoding.JPEG));
          break;
        }
      }
    }
    return frames;
  }

  /**
   * Full decode against OpenCV's reduced JPEG decodes (IMREAD_REDUCED_COLOR_2/4/8, DCT scaling),
   * the alternative to decoding in full and scaling down for detection.
   */
  private ArrayNode decodeTimes(List<CameraFrame> frames, ObjectMapper json) {
    ArrayNode out = json.createArrayNode();
    int[] flags = {opencv_imgcodecs.IMREAD_COLOR, opencv_imgcodecs.IMREAD_REDUCED_COLOR_2,
        opencv_imgcodecs.IMREAD_REDUCED_COLOR_4, opencv_imgcodecs.IMREAD_REDUCED_COLOR_8};
    String[] names = {"full", "reduced2", "reduced4", "reduced8"};
    for (CameraFrame frame : frames) {
      if (frame.getEncoding() != ImageEncoding.JPEG) {
        continue;
      }
      byte[] bytes = new byte[frame.getImage().remaining()];
      frame.getImage().duplicate().get(bytes);
      ObjectNode r = out.addObject();
      r.put("frame", frame.getTags().get("kind"));
      for (int f = 0; f < flags.length; f++) {
        double[] ms = new double[5];
        for (int i = 0; i < ms.length; i++) {
          long t0 = System.nanoTime();
          try (BytePointer data = new BytePointer(bytes); Mat encoded = new Mat(1, bytes.length, opencv_core.CV_8UC1, data);
              Mat image = opencv_imgcodecs.imdecode(encoded, flags[f])) {
            ms[i] = (System.nanoTime() - t0) / 1e6;
          }
        }
        Arrays.sort(ms);
        r.put(names[f] + "MedianMs", Math.round(ms[ms.length / 2]));
      }
    }
    return out;
  }

  private static CameraFrame frame(String kind, byte[] bytes, ImageEncoding format) {
    return FrameProducer.frame("bench", 0, new EncodedImage(bytes, format, 7680, 4320, kind), Instant.now(), null,
        Map.of("kind", kind));
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchFramesCommand()).execute(args));
  }
}
