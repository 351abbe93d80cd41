package io.emotionstream.train;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.emotionstream.weights.SafetensorsImporter;
import io.emotionstream.weights.StateDict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The resumable state of a run in {@code <output>/checkpoint/}: {@code last.safetensors} (weights
 * and batch-norm statistics after the last finished epoch), {@code best.safetensors} (those of the
 * best validation epoch) and {@code state.json} ({@link State}). Files are written to a temporary
 * name and moved into place, so an interruption during a save leaves the previous checkpoint.
 *
 * <p>With SGD, {@code optimizer.safetensors} holds the momentum buffers ({@link MomentumSgd}), so
 * a resumed run continues exactly. AdamW's moment estimates are not saved (DJL keeps them private)
 * and restart from zero on resume; the update count is saved, so the learning-rate schedule and
 * AdamW's bias correction continue where they were.
 */
public final class Checkpoint {

  public static final String DIRECTORY = "checkpoint";
  static final String LAST = "last.safetensors";
  static final String BEST = "best.safetensors";
  static final String STATE = "state.json";
  static final String OPTIMIZER = "optimizer.safetensors";

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path directory;

  public Checkpoint(Path output) {
    this.directory = output.resolve(DIRECTORY);
  }

  /**
   * @param epoch the last finished epoch (1-based)
   * @param updates optimiser updates done so far
   * @param normalisation the input normalisation the run uses
   * @param parentVersion the version of {@code --init-model}, or null
   * @param fingerprint {@link TrainingOptions#fingerprint()} of the run
   */
  public record State(int epoch, int updates, double bestAccuracy, int bestEpoch, int epochsWithoutImprovement,
      LearningRateSchedule.State schedule, double normalisationMean, double normalisationStd,
      String version, String parentVersion, Map<String, String> fingerprint, List<EpochStats> history) {}

  public boolean exists() {
    return Files.isRegularFile(directory.resolve(STATE));
  }

  public Path directory() {
    return directory;
  }

  public Path bestWeights() {
    return directory.resolve(BEST);
  }

  public Path lastWeights() {
    return directory.resolve(LAST);
  }

  public State readState() {
    Path file = directory.resolve(STATE);
    try {
      return JSON.readValue(file.toFile(), State.class);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": unreadable checkpoint state: " + e.getMessage(), e);
    }
  }

  /**
   * Saves the block as the last epoch's weights (and as the best, when it is), the optimiser's
   * buffers when it has saveable ones, then the state.
   *
   * @param sgd the optimiser, or null when its state cannot be saved
   */
  public void save(Block block, NDManager manager, State state, boolean best, MomentumSgd sgd) {
    try {
      Files.createDirectories(directory);
      if (sgd != null) {
        Path optimizerTmp = directory.resolve(OPTIMIZER + ".tmp");
        try (NDManager scratch = manager.newSubManager()) {
          sgd.save(block, optimizerTmp, scratch);
        }
        Files.move(optimizerTmp, directory.resolve(OPTIMIZER), StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      }
      Path tmp = directory.resolve(LAST + ".tmp");
      try (NDManager scratch = manager.newSubManager()) {
        SafetensorsImporter.write(StateDict.export(block, scratch), tmp);
      }
      if (best) {
        Files.copy(tmp, directory.resolve(BEST + ".tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(directory.resolve(BEST + ".tmp"), bestWeights(), StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(tmp, lastWeights(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Path stateTmp = directory.resolve(STATE + ".tmp");
      JSON.writeValue(stateTmp.toFile(), state);
      Files.move(stateTmp, directory.resolve(STATE), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(directory + ": cannot write the checkpoint: " + e.getMessage(), e);
    }
  }

  /**
   * Gives the optimiser its saved buffers, when both exist.
   *
   * @param manager lives as long as the training (the buffers are used at the next update)
   */
  public void loadOptimizer(MomentumSgd sgd, Block block, NDManager manager) {
    Path file = directory.resolve(OPTIMIZER);
    if (sgd != null && Files.isRegularFile(file)) {
      sgd.load(block, file, manager);
    }
  }

  /** Loads saved weights into the initialised block. */
  public static void loadWeights(Block block, Path weights, NDManager manager) {
    SafetensorsImporter.importInto(block, weights, manager);
  }
}
