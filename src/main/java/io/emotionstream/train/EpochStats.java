package io.emotionstream.train;

/**
 * One epoch's figures.
 *
 * @param seconds wall time of the training pass (not the validation)
 * @param imagesPerSecond training images per second of the training pass
 * @param learningRate the rate at the end of the epoch
 * @param residentMb the process's resident memory after the epoch's training and validation, in
 *     MB (0 where the system does not say, and in runs written before it was recorded)
 * @param residentPeakMb the highest resident memory during the epoch's training and validation, in
 *     MB (0 where the system does not say, and in runs written before it was recorded); see
 *     {@link ResidentMemory} for why it is the figure to watch
 */
public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy,
    double valMacroF1, double learningRate, double seconds, double imagesPerSecond, double residentMb,
    double residentPeakMb) {

  /** The per-epoch log line. */
  public String line(int epochs, boolean best) {
    return String.format(java.util.Locale.ROOT,
        "epoch %d/%d  train loss %.4f acc %.4f  val loss %.4f acc %.4f macro-F1 %.4f  lr %.5f  %.1f s (%.0f img/s)"
            + "  rss %.0f MB (peak %.0f)%s",
        epoch, epochs, trainLoss, trainAccuracy, valLoss, valAccuracy, valMacroF1, learningRate, seconds,
        imagesPerSecond, residentMb, residentPeakMb, best ? "  *best" : "");
  }

  /**
   * The same figures with the resident memory measured now and its peak since
   * {@link ResidentMemory#resetPeak()} (called when the epoch started).
   */
  EpochStats withResidentMemory() {
    ResidentMemory.Reading memory = ResidentMemory.read();
    return new EpochStats(epoch, trainLoss, trainAccuracy, valLoss, valAccuracy, valMacroF1, learningRate, seconds,
        imagesPerSecond, memory.megabytes(), memory.peakMegabytes());
  }
}
