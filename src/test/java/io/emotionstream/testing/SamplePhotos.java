package io.emotionstream.testing;

import io.emotionstream.Assets;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.frame.ImageEncoder;
import io.emotionstream.frame.ImageFilesSource;
import io.emotionstream.schema.ImageEncoding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The group photos of the {@code @vladmandic/face-api} npm package (fetched by the build). */
public final class SamplePhotos {

  private SamplePhotos() {}

  public static Path path(int n) {
    return Assets.npmPackage("@vladmandic/face-api", "1.7.15").resolve("demo").resolve("sample" + n + ".jpg");
  }

  /** sample{n}.jpg for each n, downscaled to {@code maxWidth} and JPEG-encoded as a camera would. */
  public static List<EncodedImage> encoded(int maxWidth, int... numbers) {
    List<Path> paths = new ArrayList<>();
    for (int n : numbers) {
      paths.add(path(n));
    }
    List<EncodedImage> out = new ArrayList<>();
    try (ImageFilesSource source = new ImageFilesSource(paths, new ImageEncoder(ImageEncoding.JPEG, maxWidth, 90), false)) {
      Optional<EncodedImage> image;
      while ((image = source.next()).isPresent()) {
        out.add(image.get());
      }
    }
    return out;
  }
}
