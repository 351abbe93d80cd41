package io.emotionstream.train;

import io.emotionstream.detect.DetectedFace;
import io.emotionstream.detect.MtcnnDetector;
import io.emotionstream.frame.CropSpec;
import io.emotionstream.frame.FaceCropper;
import io.emotionstream.frame.ImageDecoding;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A picture that shows whether the processor frames faces like the training data: a row of
 * training faces (FER2013) above a row of the crops the processor cuts from camera photos for the
 * same crop settings, both grey at the model's input size.
 */
public final class CropContactSheet {

  private static final int SCALE = 2;
  private static final int GAP = 6;
  private static final int LABEL = 22;

  private CropContactSheet() {}

  /**
   * @param fer FER2013 CSV (training faces are taken from its first rows)
   * @param photos camera photos to detect and crop faces from
   * @param spec the crop the model's metadata asks for
   * @param count faces per row
   */
  public static void write(Path fer, List<Path> photos, CropSpec spec, int count, Path png) {
    List<BufferedImage> training = trainingFaces(fer, spec, count);
    List<BufferedImage> crops = processorCrops(photos, spec, count);
    int cell = spec.width() * SCALE;
    int width = GAP + count * (cell + GAP);
    int height = 2 * (LABEL + cell + GAP) + GAP;
    BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
      row(g, "training faces (FER2013)", training, GAP, cell);
      row(g, "processor crops (" + spec.framing() + ", margin " + spec.margin() + ")", crops,
          GAP + LABEL + cell + GAP, cell);
    } finally {
      g.dispose();
    }
    try {
      ImageIO.write(sheet, "png", png.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + png, e);
    }
  }

  private static void row(Graphics2D g, String title, List<BufferedImage> faces, int top, int cell) {
    g.drawString(title, GAP, top + LABEL - 6);
    for (int i = 0; i < faces.size(); i++) {
      g.drawImage(faces.get(i), GAP + i * (cell + GAP), top + LABEL, cell, cell, null);
    }
  }

  private static List<BufferedImage> trainingFaces(Path fer, CropSpec spec, int count) {
    Map<String, LabelledFaces> splits = FerCsvReader.read(fer, ClassSelection.of(EmotionLabels.FER2013, null),
        Set.of("Training"));
    LabelledFaces faces = splits.get("Training");
    List<BufferedImage> out = new ArrayList<>();
    for (int i = 0; i < Math.min(count, faces.size()); i++) {
      GreyImage face = faces.image(i);
      BufferedImage img = new BufferedImage(face.width(), face.height(), BufferedImage.TYPE_BYTE_GRAY);
      img.getRaster().setDataElements(0, 0, face.width(), face.height(), face.pixels());
      out.add(img);
    }
    return out;
  }

  private static List<BufferedImage> processorCrops(List<Path> photos, CropSpec spec, int count) {
    List<BufferedImage> out = new ArrayList<>();
    FaceCropper cropper = new FaceCropper();
    try (MtcnnDetector detector = new MtcnnDetector()) {
      for (Path photo : photos) {
        try (Mat image = ImageDecoding.readBgr(photo)) {
          for (DetectedFace face : detector.detect(image)) {
            if (out.size() == count || face.score() < 0.95) {
              continue;
            }
            try (Mat crop = cropper.crop(image, face, spec); Mat grey = new Mat()) {
              opencv_imgproc.cvtColor(crop, grey, opencv_imgproc.COLOR_BGR2GRAY);
              byte[] pixels = new byte[grey.cols() * grey.rows()];
              grey.data().get(pixels);
              BufferedImage img = new BufferedImage(grey.cols(), grey.rows(), BufferedImage.TYPE_BYTE_GRAY);
              img.getRaster().setDataElements(0, 0, grey.cols(), grey.rows(), pixels);
              out.add(img);
            }
          }
        }
      }
    }
    return out;
  }
}
