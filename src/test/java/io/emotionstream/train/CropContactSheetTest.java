package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.emotionstream.frame.CropSpec;
import io.emotionstream.testing.SamplePhotos;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CropContactSheetTest {

  private static final Path FER = Path.of("../shared/data/fer2013/fer2013.csv.gz");

  @Test
  void drawsTrainingFacesAboveProcessorCrops(@TempDir Path tmp) throws Exception {
    assumeTrue(Files.isRegularFile(FER), "FER2013 not found at " + FER + ": contact sheet not drawn");
    Path png = tmp.resolve("sheet.png");
    List<Path> photos = List.of(SamplePhotos.path(3), SamplePhotos.path(5));
    LabelledFaces faces = CropContactSheet.trainingFaces(FER);
    CropContactSheet.Result builtin = CropContactSheet.write(faces, photos,
        new CropSpec(48, 48, CropSpec.Framing.ALIGNED, 0.1), 6, tmp.resolve("builtin.png"));
    CropContactSheet.Result measured = CropContactSheet.write(faces, photos,
        CropContactSheet.measuredSpec(faces, 48, 200), 6, png);
    // the framing measured on FER2013 fits its faces better than the built-in template does
    assertTrue(measured.trainingFound() > 0.8 * measured.trainingCount(), measured.toString());
    assertTrue(measured.trainingOffset() < builtin.trainingOffset() - 0.5,
        "measured " + measured.trainingOffset() + " px vs built-in " + builtin.trainingOffset() + " px");
    // and the processor's crops put the landmarks where the template says
    assertTrue(measured.cropOffset() < 2.5, "crop offset " + measured.cropOffset());
    BufferedImage sheet = ImageIO.read(png.toFile());
    assertEquals(6 + 6 * (96 + 6), sheet.getWidth());
    // a pixel in the middle of the first processor crop is a face, not the white background
    int rgb = sheet.getRGB(6 + 48, 6 + 22 + 96 + 6 + 22 + 48) & 0xffffff;
    assertTrue(rgb != 0xffffff, "second row has crops");
  }
}
