package io.emotionstream.cli.bench;

import io.emotionstream.Assets;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.frame.FrameSource;
import io.emotionstream.frame.ImageDecoding;
import io.emotionstream.frame.ImageEncoder;
import io.emotionstream.frame.ImageFilesSource;
import io.emotionstream.frame.MovingScene;
import io.emotionstream.frame.VideoSource;
import io.emotionstream.schema.ImageEncoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bytedeco.opencv.opencv_core.Mat;

/** The frames simulated cameras send: photos, one video, or a moving scene over a photo, as JPEG. */
public final class SampleFrames {

  private SampleFrames() {}

  /** The sample photos of the {@code @vladmandic/face-api} npm package ({@code sample1.jpg} .. {@code sample6.jpg}). */
  public static List<Path> samplePhotos() {
    Path demo = Assets.npmPackage("@vladmandic/face-api", "1.7.15").resolve("demo");
    List<Path> out = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      Path p = demo.resolve("sample" + i + ".jpg");
      if (Files.isRegularFile(p)) {
        out.add(p);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("no sample photos in " + demo);
    }
    return out;
  }

  /**
   * Up to {@code maxFrames} frames of the photos and folders in {@code inputs}, or of the one video
   * file, as JPEG no wider than {@code maxWidth} (0 = keep).
   *
   * @throws IllegalArgumentException when there is no frame in them
   */
  public static List<EncodedImage> load(List<Path> inputs, int maxWidth, int maxFrames) {
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

  /**
   * The frames of a moving scene over {@code photo}, 1280x720, {@code maxFrames} in all, played
   * forth then back so that the sequence loops without a jump.
   *
   * @param motion {@code pan} or {@code zoom}
   */
  public static List<EncodedImage> movingScene(Path photo, String motion, int maxFrames) throws IOException {
    ImageEncoder encoder = new ImageEncoder(ImageEncoding.JPEG, 0, 90);
    int n = Math.max(2, maxFrames / 2);
    try (Mat bgr = ImageDecoding.readBgr(photo)) {
      MovingScene.Motion m = switch (motion.toLowerCase(java.util.Locale.ROOT)) {
        case "pan" -> MovingScene.Motion.PAN;
        case "zoom" -> MovingScene.Motion.ZOOM;
        default -> throw new IllegalArgumentException("--video takes pan or zoom, not " + motion);
      };
      List<EncodedImage> forth = MovingScene.frames(bgr, m, n, 1280, 720, encoder);
      List<EncodedImage> all = new ArrayList<>(forth);
      for (int i = forth.size() - 2; i > 0; i--) {
        all.add(forth.get(i));
      }
      return all;
    }
  }

  /**
   * Writes {@code images} to {@code dir} as {@code frame-00001.jpg}, ... in their order, each with its
   * encoded bytes unchanged (the extension follows each image's encoding).
   */
  public static void save(List<EncodedImage> images, Path dir) throws IOException {
    Files.createDirectories(dir);
    for (int i = 0; i < images.size(); i++) {
      EncodedImage image = images.get(i);
      String extension = image.format() == ImageEncoding.PNG ? "png" : "jpg";
      Files.write(dir.resolve(String.format(java.util.Locale.ROOT, "frame-%05d.%s", i + 1, extension)),
          image.bytes());
    }
  }

  /** The sample photo with the most faces ({@code sample5.jpg}), else the first. */
  public static Path busiestSamplePhoto() {
    List<Path> samples = samplePhotos();
    return samples.stream().filter(p -> p.getFileName().toString().startsWith("sample5")).findFirst()
        .orElse(samples.get(0));
  }
}
