package io.emotionstream.train;

/**
 * One epoch's figures.
 *
 * @param seconds wall time of the training pass (not the validation)
 * @param imagesPerSecond training images per second of the training pass
 * @param learningRate the rate at the end of the epoch
 */
public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy,
    double valMacroF1, double learningRate, double seconds, double imagesPerSecond) {

  /** The per-epoch log line. */
  public String line(int epochs, boolean best) {
    return String.format(java.util.Locale.ROOT,
        "epoch %d/%d  train loss %.4f acc %.4f  val loss %.4f acc %.4f macro-F1 %.4f  lr %.5f  %.1f s (%.0f img/s)%s",
        epoch, epochs, trainLoss, trainAccuracy, valLoss, valAccuracy, valMacroF1, learningRate, seconds,
        imagesPerSecond, best ? "  *best" : "");
  }
}
