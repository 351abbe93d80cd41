package io.emotionstream.train;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reads face images laid out as {@code <root>/<split>/<class>/*.png|jpg|jpeg}; the split folders
 * play the part of FER2013's {@code Usage} values. Colour images become grey with the ITU-R BT.601
 * weights (what OpenCV's BGR2GRAY, used at inference time, computes).
 */
public final class ImageFolderReader {

  private ImageFolderReader() {}

  /**
   * The class names of a split: its sub-folders, in FER2013 order where they are FER2013 classes,
   * the others after them alphabetically.
   */
  public static List<String> classes(Path root, String split) {
    Path dir = root.resolve(split);
    if (!Files.isDirectory(dir)) {
      throw new DatasetException(dir, 0, "no split folder '" + split + "' under " + root);
    }
    List<String> names = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      children.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().forEach(names::add);
    } catch (IOException e) {
      throw new DatasetException(dir, "cannot list: " + e.getMessage(), e);
    }
    if (names.isEmpty()) {
      throw new DatasetException(dir, 0, "no class folders (expected " + dir + "/<class>/*.png)");
    }
    names.sort((a, b) -> Integer.compare(ferRank(a), ferRank(b)));
    return names;
  }

  private static int ferRank(String name) {
    int i = EmotionLabels.FER2013.indexOf(EmotionLabels.canonical(name));
    return i < 0 ? EmotionLabels.FER2013.size() : i;
  }

  /**
   * @param selection classes to keep, over {@link #classes} of the first split
   * @param splits split folder names to read
   * @return one {@link LabelledFaces} per split, in the order given
   */
  public static Map<String, LabelledFaces> read(Path root, ClassSelection selection, Set<String> splits) {
    Map<String, LabelledFaces> out = new LinkedHashMap<>();
    for (String split : splits) {
      LabelledFaces faces = new LabelledFaces(selection.classes());
      for (int target = 0; target < selection.classes().size(); target++) {
        Path classDir = root.resolve(split).resolve(selection.classes().get(target));
        if (!Files.isDirectory(classDir)) {
          throw new DatasetException(classDir, 0, "missing class folder for '" + selection.classes().get(target) + "'");
        }
        for (Path file : imageFiles(classDir)) {
          faces.add(readGrey(file), target);
        }
      }
      out.put(split, faces);
    }
    return out;
  }

  private static List<Path> imageFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).filter(p -> {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
      }).sorted().toList();
    } catch (IOException e) {
      throw new DatasetException(dir, "cannot list: " + e.getMessage(), e);
    }
  }

  /** Decodes one image file to grey. */
  public static GreyImage readGrey(Path file) {
    BufferedImage image;
    try {
      image = ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new DatasetException(file, "cannot decode image: " + e.getMessage(), e);
    }
    if (image == null) {
      throw new DatasetException(file, 0, "not a readable PNG or JPEG image");
    }
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] pixels = new byte[w * h];
    boolean grey = image.getType() == BufferedImage.TYPE_BYTE_GRAY;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (grey) {
          pixels[y * w + x] = (byte) image.getRaster().getSample(x, y, 0);
        } else {
          int rgb = image.getRGB(x, y);
          double v = 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
          pixels[y * w + x] = (byte) Math.min(255, (int) Math.round(v));
        }
      }
    }
    return new GreyImage(w, h, pixels);
  }
}
