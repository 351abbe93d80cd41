package io.emotionstream.train;

/**
 * Grey input normalisation: {@code (v - mean) / std} for pixel values v in [0, 255], as recorded
 * in the model's metadata.
 */
public record Normalisation(double mean, double std) {

  /** torchvision's ImageNet statistics folded to one grey channel (BT.601 weights). */
  public static final Normalisation IMAGENET_GREY = new Normalisation(
      255 * (0.299 * 0.485 + 0.587 * 0.456 + 0.114 * 0.406),
      255 * (0.299 * 0.229 + 0.587 * 0.224 + 0.114 * 0.225));

  public Normalisation {
    if (!(std > 0)) {
      throw new IllegalArgumentException("normalisation std must be positive: " + std);
    }
  }

  /** Mean and standard deviation of all pixels of the faces (the training set's statistics). */
  public static Normalisation of(LabelledFaces faces) {
    double sum = 0;
    double sumSq = 0;
    long n = 0;
    for (int i = 0; i < faces.size(); i++) {
      for (byte b : faces.image(i).pixels()) {
        int v = b & 0xff;
        sum += v;
        sumSq += (double) v * v;
      }
      n += faces.image(i).pixels().length;
    }
    double mean = sum / n;
    double std = Math.sqrt(Math.max(sumSq / n - mean * mean, 1e-6));
    return new Normalisation(Math.round(mean * 1000) / 1000.0, Math.round(std * 1000) / 1000.0);
  }
}
