package io.emotionstream.frame;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;

/** Still images from files and folders (JPEG, PNG, BMP, WebP...), in name order, optionally looped. */
public final class ImageFilesSource implements FrameSource {

  private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff");

  private final List<Path> files;
  private final ImageEncoder encoder;
  private final boolean loop;
  private int index;

  public ImageFilesSource(List<Path> filesOrFolders, ImageEncoder encoder, boolean loop) {
    this.files = expand(filesOrFolders);
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no image files in " + filesOrFolders);
    }
    this.encoder = encoder;
    this.loop = loop;
  }

  public static boolean isImage(Path path) {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    return EXTENSIONS.stream().anyMatch(name::endsWith);
  }

  public List<Path> files() {
    return files;
  }

  @Override
  public Optional<EncodedImage> next() {
    if (index >= files.size()) {
      if (!loop) {
        return Optional.empty();
      }
      index = 0;
    }
    Path file = files.get(index++);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read image " + file, e);
    }
    ImageHeader header = ImageHeader.read(bytes);
    if (header != null && encoder.keepsAsIs(header.format(), header.width())) {
      return Optional.of(new EncodedImage(bytes, header.format(), header.width(), header.height(), file.toString()));
    }
    try (Mat image = ImageDecoding.decodeBgr(bytes, file.toString())) {
      return Optional.of(encoder.encode(image, file.toString()));
    }
  }

  @Override
  public double nativeFps() {
    return 0;
  }

  @Override
  public void close() {}

  private static List<Path> expand(List<Path> inputs) {
    List<Path> out = new ArrayList<>();
    for (Path input : inputs) {
      if (Files.isDirectory(input)) {
        try (Stream<Path> listing = Files.list(input)) {
          listing.filter(Files::isRegularFile).filter(ImageFilesSource::isImage).sorted().forEach(out::add);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list folder " + input, e);
        }
      } else if (Files.isRegularFile(input)) {
        out.add(input);
      } else {
        throw new IllegalArgumentException("no such file or folder: " + input);
      }
    }
    return out;
  }
}
