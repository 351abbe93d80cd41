package io.emotionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.train.Augmentation;
import io.emotionstream.train.LearningRateSchedule;
import io.emotionstream.train.TrainingOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The train options are declared once: parsing fills the same defaults a plain TrainingOptions has. */
class TrainCommandTest {

  @Test
  void unsetOptionsKeepTheDefaultsOfTrainingOptions() {
    TrainCommand command = new TrainCommand();
    new CommandLine(command).parseArgs("--data", "fer.csv", "--output", "run");
    TrainingOptions expected = new TrainingOptions();
    expected.data = Path.of("fer.csv");
    expected.output = Path.of("run");
    assertEquals(expected.fingerprint(), command.training.fingerprint());
    assertEquals(expected.warmupEpochs, command.training.warmupEpochs);
    assertEquals(expected.framingSample, command.training.framingSample);
    assertEquals(Augmentation.DEFAULT, command.training.augmentation());
    assertTrue(command.training.progress);
  }

  @Test
  void optionsReachTheTrainingOptions() {
    TrainCommand command = new TrainCommand();
    new CommandLine(command).parseArgs("--data", "fer.csv", "--output", "run", "--optimizer", "AdamW",
        "--schedule", "step", "--warmup-epochs", "0.5", "--no-aug-flip", "--aug-rotate", "5", "--no-progress");
    TrainingOptions o = command.training;
    assertEquals(TrainingOptions.OptimizerKind.ADAMW, o.optimizer);
    assertEquals(LearningRateSchedule.Kind.STEP, o.schedule);
    assertEquals(0.5, o.warmupEpochs);
    assertFalse(o.augmentation().flip());
    assertEquals(5.0, o.augmentation().rotationDegrees());
    assertFalse(o.progress);

    new CommandLine(command).parseArgs("--data", "fer.csv", "--output", "run", "--no-augment");
    assertEquals(Augmentation.NONE, command.training.augmentation());
  }

  @Test
  void anUnknownOptimizerIsNamed() {
    StringWriter err = new StringWriter();
    int code = new CommandLine(new TrainCommand()).setErr(new PrintWriter(err))
        .execute("--data", "fer.csv", "--output", "run", "--optimizer", "adam");
    assertEquals(2, code);
    assertTrue(err.toString().contains("--optimizer must be one of [sgd, adamw], got 'adam'"), err.toString());
  }
}
