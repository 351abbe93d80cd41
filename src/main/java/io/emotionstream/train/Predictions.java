package io.emotionstream.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.emotionstream.emotion.TestTimeAugmentation;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Runs a network over a labelled set without augmentation and scores it: mean cross-entropy and a
 * {@link ConfusionMatrix}. Scoring can look at a subset of the network's outputs, in another order
 * ({@code outputOfClass}), which is how a 7-class model is evaluated on 4 classes: the prediction
 * is the best of those outputs.
 */
public final class Predictions {

  private Predictions() {}

  /** Loss and confusion matrix of one pass. */
  public record Score(double loss, ConfusionMatrix confusion) {}

  /**
   * Raw network outputs, one row per sample; every batch lives in its own sub-manager.
   *
   * @param forward the network in inference mode (NCHW batch in, logits out)
   */
  public static float[][] logits(NDManager base, LabelledFaces data, InputEncoder encoder, int batchSize,
      UnaryOperator<NDList> forward) {
    return logits(base, data, encoder, batchSize, forward, Augmentation.Draw.IDENTITY);
  }

  /**
   * With test-time augmentation: one pass per view of {@code tta}; each face's output is the log of
   * its probabilities averaged over the views (as the processor averages them), so that the usual
   * arg-max and cross-entropy apply. Without views ({@code NONE}) the raw outputs.
   */
  public static float[][] logits(NDManager base, LabelledFaces data, InputEncoder encoder, int batchSize,
      UnaryOperator<NDList> forward, TestTimeAugmentation tta) {
    List<TestTimeAugmentation.View> views = tta.views();
    if (views.size() == 1) {
      return logits(base, data, encoder, batchSize, forward);
    }
    double[][] sum = new double[data.size()][];
    for (TestTimeAugmentation.View v : views) {
      float[][] out = logits(base, data, encoder, batchSize, forward,
          new Augmentation.Draw(v.shiftX(), v.shiftY(), v.flip(), 0, v.zoom(), 0, 1, null));
      for (int i = 0; i < out.length; i++) {
        double[] p = softmax(out[i]);
        if (sum[i] == null) {
          sum[i] = p;
        } else {
          for (int c = 0; c < p.length; c++) {
            sum[i][c] += p[c];
          }
        }
      }
    }
    float[][] averaged = new float[sum.length][];
    for (int i = 0; i < sum.length; i++) {
      averaged[i] = new float[sum[i].length];
      for (int c = 0; c < sum[i].length; c++) {
        averaged[i][c] = (float) Math.log(Math.max(sum[i][c] / views.size(), 1e-30));
      }
    }
    return averaged;
  }

  private static double[] softmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double[] p = new double[logits.length];
    double total = 0;
    for (int c = 0; c < p.length; c++) {
      p[c] = Math.exp(logits[c] - max);
      total += p[c];
    }
    for (int c = 0; c < p.length; c++) {
      p[c] /= total;
    }
    return p;
  }

  private static float[][] logits(NDManager base, LabelledFaces data, InputEncoder encoder, int batchSize,
      UnaryOperator<NDList> forward, Augmentation.Draw draw) {
    float[][] out = new float[data.size()][];
    int len = encoder.sampleLength();
    for (int start = 0; start < data.size(); start += batchSize) {
      int n = Math.min(batchSize, data.size() - start);
      float[] buffer = new float[n * len];
      for (int i = 0; i < n; i++) {
        encoder.encode(data.image(start + i), draw, buffer, i * len);
      }
      try (NDManager batch = base.newSubManager()) {
        NDArray x = batch.create(buffer, new Shape(n, encoder.channels(), encoder.size(), encoder.size()));
        NDArray y = forward.apply(new NDList(x)).singletonOrThrow();
        int classes = (int) y.getShape().get(1);
        float[] flat = y.toFloatArray();
        for (int i = 0; i < n; i++) {
          float[] row = new float[classes];
          System.arraycopy(flat, i * classes, row, 0, classes);
          out[start + i] = row;
        }
      }
    }
    return out;
  }

  /**
   * @param outputOfClass for each class of {@code data}, the network output that stands for it
   */
  public static Score score(float[][] logits, LabelledFaces data, int[] outputOfClass) {
    ConfusionMatrix confusion = new ConfusionMatrix(data.classes());
    double loss = 0;
    for (int i = 0; i < logits.length; i++) {
      float[] row = logits[i];
      double max = Double.NEGATIVE_INFINITY;
      int best = 0;
      for (int c = 0; c < outputOfClass.length; c++) {
        double v = row[outputOfClass[c]];
        if (v > max) {
          max = v;
          best = c;
        }
      }
      double sumExp = 0;
      for (int o : outputOfClass) {
        sumExp += Math.exp(row[o] - max);
      }
      loss += max + Math.log(sumExp) - row[outputOfClass[data.label(i)]];
      confusion.add(data.label(i), best);
    }
    return new Score(logits.length == 0 ? 0 : loss / logits.length, confusion);
  }

  /** The identity mapping: class c is output c. */
  public static int[] identity(int classes) {
    int[] m = new int[classes];
    for (int i = 0; i < classes; i++) {
      m[i] = i;
    }
    return m;
  }
}
