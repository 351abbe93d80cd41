package io.emotionstream.cli;

import io.emotionstream.frame.CropSpec;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.train.CropContactSheet;
import io.emotionstream.train.LabelledFaces;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code contact-sheet}: training faces beside the processor's crops, to check the framing. */
@Command(name = "contact-sheet", mixinStandardHelpOptions = true,
    description = {"Draw training faces (FER2013) above the crops the processor cuts from PHOTOS for a model,",
        "with the crop's landmark template as red dots, and print how far the landmarks found on both",
        "lie from the template (median, input pixels)."})
public final class ContactSheetCommand implements Callable<Integer> {

  /** Which crop to draw when no model is given. */
  enum Framing { measured, builtin }

  @Option(names = "--model", paramLabel = "DIR", description = "model artifact whose crop settings to use")
  Path model;

  @Option(names = "--framing", defaultValue = "measured", paramLabel = "measured|builtin",
      description = {"Without --model: the crop train records for FER2013 (landmarks measured on its training",
          "faces) or the built-in template with margin 0.1 (default: ${DEFAULT-VALUE})."})
  Framing framing;

  @Option(names = "--data", required = true, paramLabel = "FILE", description = "FER2013 CSV (.csv or .csv.gz)")
  Path data;

  @Option(names = "--out", required = true, paramLabel = "PNG")
  Path out;

  @Option(names = "--count", defaultValue = "10", description = "faces per row (default: ${DEFAULT-VALUE})")
  int count;

  @Parameters(arity = "1..*", paramLabel = "PHOTOS")
  List<Path> photos;

  @Override
  public Integer call() {
    LabelledFaces faces = CropContactSheet.trainingFaces(data);
    CropSpec spec = model != null ? ModelArtifact.open(model).metadata().crop()
        : framing == Framing.measured ? CropContactSheet.measuredSpec(faces, 48, 500)
        : new CropSpec(48, 48, CropSpec.Framing.ALIGNED, 0.1);
    CropContactSheet.Result r = CropContactSheet.write(faces, photos, spec, count, out);
    System.out.printf(Locale.ROOT, "crop: %s, %dx%d%n", spec.describe(), spec.width(), spec.height());
    System.out.printf(Locale.ROOT, "training faces:  landmarks %.2f px from the template (median; found on %d of %d)%n",
        r.trainingOffset(), r.trainingFound(), r.trainingCount());
    System.out.printf(Locale.ROOT, "processor crops: landmarks %.2f px from the template (median; found on %d of %d)%n",
        r.cropOffset(), r.cropFound(), r.cropCount());
    System.err.println("wrote " + out);
    return 0;
  }
}
