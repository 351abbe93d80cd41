package io.emotionstream.cli;

import io.emotionstream.frame.CropSpec;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.train.CropContactSheet;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code contact-sheet}: training faces beside the processor's crops, to check the framing by eye. */
@Command(name = "contact-sheet", mixinStandardHelpOptions = true,
    description = {"Draw training faces (FER2013) above the crops the processor cuts from PHOTOS for a model,",
        "so a person can check that both are framed alike."})
public final class ContactSheetCommand implements Callable<Integer> {

  @Option(names = "--model", paramLabel = "DIR",
      description = "model artifact whose crop settings to use (default: what train records for FER2013: ALIGNED, margin 0.1, 48 px)")
  Path model;

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
    CropSpec spec = model != null ? ModelArtifact.open(model).metadata().crop()
        : new CropSpec(48, 48, CropSpec.Framing.ALIGNED, 0.1);
    CropContactSheet.write(data, photos, spec, count, out);
    System.err.println("wrote " + out);
    return 0;
  }
}
