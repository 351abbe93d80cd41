package io.emotionstream.train;

import io.emotionstream.detect.DetectedFace;
import io.emotionstream.detect.FaceDetector;
import io.emotionstream.detect.MtcnnDetector;
import io.emotionstream.frame.CropSpec;
import io.emotionstream.frame.FaceCropper;
import io.emotionstream.frame.ImageDecoding;
import io.emotionstream.stats.Median;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Shows whether the processor frames faces like the training data: a picture with a row of
 * training faces (FER2013) above a row of the crops the processor cuts from camera photos for the
 * same crop settings, both grey at the model's input size, with the crop's landmark template drawn
 * as dots; and a number: how far, in input pixels, the landmarks found on each kind of face lie
 * from that template (median over the faces).
 */
public final class CropContactSheet {

  private static final int SCALE = 2;
  private static final int GAP = 6;
  private static final int LABEL = 22;
  /** Training faces the landmark offset is measured on (the first rows, as drawn). */
  private static final int OFFSET_SAMPLE = 300;
  /** Detection score a photo face needs for the sheet: leaves out face-like hands and patterns. */
  private static final float MIN_SCORE = 0.97f;

  /**
   * @param spec the crop drawn
   * @param trainingOffset median distance of the training faces' landmarks from the template, in
   *     pixels of the crop (NaN when none was found)
   * @param cropOffset the same for the processor crops
   * @param trainingFound training faces with landmarks found, of {@code trainingCount}
   * @param cropFound processor crops with landmarks found, of {@code cropCount}
   */
  public record Result(CropSpec spec, double trainingOffset, double cropOffset, int trainingFound,
      int trainingCount, int cropFound, int cropCount) {}

  private CropContactSheet() {}

  /**
   * The crop that {@code train} records for these training faces: aligned to the landmarks
   * measured on them.
   */
  public static CropSpec measuredSpec(LabelledFaces faces, int inputSize, int sample) {
    try (MtcnnDetector detector = new MtcnnDetector()) {
      TrainingFaceFraming.Measurement m = TrainingFaceFraming.measure(faces, sample, 42, detector)
          .orElseThrow(() -> new IllegalStateException("too few training faces found to measure the framing"));
      return CropSpec.alignedTo(inputSize, inputSize, m.landmarks());
    }
  }

  /**
   * @param all training faces ({@link #trainingFaces}); the sheet draws the first ones
   * @param photos camera photos to detect and crop faces from
   * @param spec the crop the model's metadata asks for
   * @param count faces per row
   */
  public static Result write(LabelledFaces all, List<Path> photos, CropSpec spec, int count, Path png) {
    List<GreyImage> training = firstFaces(all, count);
    List<GreyImage> crops;
    double[] trainingOffsets;
    double[] cropOffsets;
    try (MtcnnDetector detector = new MtcnnDetector()) {
      crops = processorCrops(photos, spec, count, detector);
      trainingOffsets = offsets(firstFaces(all, OFFSET_SAMPLE), spec, detector);
      cropOffsets = offsets(crops, spec, detector);
    }
    double[] template = FaceCropper.alignedTemplate(spec);
    int cell = spec.width() * SCALE;
    int width = GAP + count * (cell + GAP);
    int height = 2 * (LABEL + cell + GAP) + GAP;
    BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
      row(g, "training faces (FER2013)", training, GAP, cell, spec, template);
      row(g, "processor crops (" + spec.describe() + ")", crops, GAP + LABEL + cell + GAP, cell, spec, template);
    } finally {
      g.dispose();
    }
    try {
      ImageIO.write(sheet, "png", png.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + png, e);
    }
    return new Result(spec, Median.of(trainingOffsets), Median.of(cropOffsets), trainingOffsets.length,
        Math.min(OFFSET_SAMPLE, all.size()),
        cropOffsets.length, crops.size());
  }

  private static void row(Graphics2D g, String title, List<GreyImage> faces, int top, int cell, CropSpec spec,
      double[] template) {
    g.setColor(Color.BLACK);
    g.drawString(title, GAP, top + LABEL - 6);
    for (int i = 0; i < faces.size(); i++) {
      int left = GAP + i * (cell + GAP);
      g.drawImage(image(faces.get(i)), left, top + LABEL, cell, cell, null);
      if (spec.framing() == CropSpec.Framing.ALIGNED) {
        g.setColor(Color.RED);
        double sx = (double) cell / spec.width();
        double sy = (double) cell / spec.height();
        for (int p = 0; p < 5; p++) {
          int x = left + (int) Math.round(template[2 * p] * sx);
          int y = top + LABEL + (int) Math.round(template[2 * p + 1] * sy);
          g.fillOval(x - 2, y - 2, 4, 4);
        }
      }
    }
  }

  /** Per face (where landmarks are found), the mean distance of its five landmarks from the template. */
  private static double[] offsets(List<GreyImage> faces, CropSpec spec, FaceDetector detector) {
    double[] template = FaceCropper.alignedTemplate(spec);
    double[] out = new double[faces.size()];
    int n = 0;
    for (GreyImage face : faces) {
      double[] found = TrainingFaceFraming.landmarks(face, detector);
      if (found == null) {
        continue;
      }
      double sum = 0;
      for (int p = 0; p < 5; p++) {
        sum += Math.hypot(found[2 * p] * spec.width() - template[2 * p],
            found[2 * p + 1] * spec.height() - template[2 * p + 1]);
      }
      out[n++] = sum / 5;
    }
    return Arrays.copyOf(out, n);
  }

  /** The {@code Training} rows of a FER2013 CSV. */
  public static LabelledFaces trainingFaces(Path fer) {
    Map<String, LabelledFaces> splits = FerCsvReader.read(fer, ClassSelection.of(EmotionLabels.FER2013, null),
        Set.of("Training"));
    return splits.get("Training");
  }

  private static List<GreyImage> firstFaces(LabelledFaces faces, int count) {
    List<GreyImage> out = new ArrayList<>();
    for (int i = 0; i < Math.min(count, faces.size()); i++) {
      out.add(faces.image(i));
    }
    return out;
  }

  private static BufferedImage image(GreyImage face) {
    BufferedImage img = new BufferedImage(face.width(), face.height(), BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setDataElements(0, 0, face.width(), face.height(), face.pixels());
    return img;
  }

  private static List<GreyImage> processorCrops(List<Path> photos, CropSpec spec, int count, FaceDetector detector) {
    List<GreyImage> out = new ArrayList<>();
    FaceCropper cropper = new FaceCropper();
    for (Path photo : photos) {
      try (Mat image = ImageDecoding.readBgr(photo)) {
        for (DetectedFace face : detector.detect(image)) {
          if (out.size() == count || face.score() < MIN_SCORE) {
            continue;
          }
          try (Mat crop = cropper.crop(image, face, spec); Mat grey = new Mat()) {
            opencv_imgproc.cvtColor(crop, grey, opencv_imgproc.COLOR_BGR2GRAY);
            byte[] pixels = new byte[grey.cols() * grey.rows()];
            grey.data().get(pixels);
            out.add(new GreyImage(grey.cols(), grey.rows(), pixels));
          }
        }
      }
    }
    return out;
  }
}
