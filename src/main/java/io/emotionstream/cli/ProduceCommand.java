package io.emotionstream.cli;

import io.emotionstream.config.Settings;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.frame.FrameSource;
import io.emotionstream.frame.ImageEncoder;
import io.emotionstream.frame.ImageFilesSource;
import io.emotionstream.frame.VideoSource;
import io.emotionstream.schema.ImageEncoding;
import io.emotionstream.stream.FrameProducer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code produce}: stream images, videos or a camera into the frames topic. */
@Command(name = "produce", mixinStandardHelpOptions = true,
    description = {"Send camera frames (images, videos, cameras) to the frames topic.",
        "Sources: image files or folders, video files, or a live camera / RTSP / HTTP URL (FFmpeg),",
        "sent at a target rate under one or more camera ids."})
public final class ProduceCommand implements Callable<Integer> {

  @Mixin
  SettingsOptions options;

  @Parameters(paramLabel = "SOURCE", arity = "1..*",
      description = "Image files or folders, video files, or URLs (rtsp://, http://, /dev/video0).")
  List<String> sources;

  @Option(names = "--camera-id", paramLabel = "ID", defaultValue = "camera-1",
      description = "Camera id (repeatable): each frame is sent once per id, as from several cameras.")
  List<String> cameraIds;

  @Option(names = "--fps", defaultValue = "5", description = "Frames per second per camera (0 = as fast as possible; default ${DEFAULT-VALUE}).")
  double fps;

  @Option(names = "--loop", description = "Start over at the end of the sources, until --max-frames or Ctrl-C.")
  boolean loop;

  @Option(names = "--max-frames", defaultValue = "0", description = "Stop after this many frames per camera (0 = no limit).")
  long maxFrames;

  @Option(names = "--encoding", defaultValue = "jpeg", description = "jpeg or png for frames that must be re-encoded.")
  String encoding;

  @Option(names = "--max-width", defaultValue = "0", description = "Downscale wider images to this width (0 = keep).")
  int maxWidth;

  @Option(names = "--jpeg-quality", defaultValue = "90")
  int jpegQuality;

  @Option(names = "--site", description = "Site id put on every frame.")
  String site;

  @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "Tag put on every frame (repeatable).")
  Map<String, String> tags = new LinkedHashMap<>();

  @Option(names = "--quiet", description = "No progress lines.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    Settings settings = options.settings();
    ImageEncoding format = switch (encoding.toLowerCase(Locale.ROOT)) {
      case "jpeg", "jpg" -> ImageEncoding.JPEG;
      case "png" -> ImageEncoding.PNG;
      default -> throw new IllegalArgumentException("--encoding must be jpeg or png, not " + encoding);
    };
    ImageEncoder encoder = new ImageEncoder(format, maxWidth, jpegQuality);
    long[] sequence = new long[cameraIds.size()];
    long sent = 0;
    long start = System.nanoTime();
    try (FrameProducer producer = new FrameProducer(settings)) {
      boolean more = true;
      while (more) {
        for (Supplier<FrameSource> opener : sources(encoder)) {
          try (FrameSource source = opener.get()) {
            Optional<EncodedImage> image;
            while ((image = source.next()).isPresent()) {
              for (int c = 0; c < cameraIds.size(); c++) {
                producer.send(FrameProducer.frame(cameraIds.get(c), sequence[c]++, image.get(), Instant.now(), site, tags));
              }
              sent++;
              if (!quiet && sent % 50 == 0) {
                System.err.printf("sent %d frames per camera (%d cameras) to %s%n", sent, cameraIds.size(), producer.topic());
              }
              if (maxFrames > 0 && sent >= maxFrames) {
                return done(producer, sent, start);
              }
              pace(start, sent);
            }
          }
        }
        more = loop;
      }
      return done(producer, sent, start);
    }
  }

  private int done(FrameProducer producer, long sent, long start) {
    producer.flush();
    double seconds = (System.nanoTime() - start) / 1e9;
    System.err.printf("sent %d frames per camera, %d cameras, to %s in %.1f s%n", sent, cameraIds.size(),
        producer.topic(), seconds);
    if (producer.failed() > 0) {
      System.err.printf("%d frames could not be sent (see the errors above)%n", producer.failed());
      return 1;
    }
    return 0;
  }

  private void pace(long start, long sent) throws InterruptedException {
    if (fps <= 0) {
      return;
    }
    long due = start + (long) (sent * 1e9 / fps);
    long wait = due - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }

  /**
   * Consecutive image files and folders form one source; each video or URL is a source of its own,
   * opened only when its turn comes.
   */
  private List<Supplier<FrameSource>> sources(ImageEncoder encoder) {
    List<Supplier<FrameSource>> out = new ArrayList<>();
    List<Path> images = new ArrayList<>();
    for (String s : sources) {
      Path path = Path.of(s);
      boolean url = s.contains("://") || s.startsWith("/dev/video");
      if (!url && (Files.isDirectory(path) || ImageFilesSource.isImage(path))) {
        images.add(path);
        continue;
      }
      if (!images.isEmpty()) {
        List<Path> group = images;
        out.add(() -> new ImageFilesSource(group, encoder, false));
        images = new ArrayList<>();
      }
      out.add(() -> new VideoSource(s, encoder, false));
    }
    if (!images.isEmpty()) {
      List<Path> group = images;
      out.add(() -> new ImageFilesSource(group, encoder, false));
    }
    return out;
  }
}
