package io.emotionstream.emotion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Batch of prepared CHW inputs in, softmax probabilities out. DJL's predictor runs each call in a
 * context whose NDManager is a fresh sub-manager of the model's and closes it afterwards, so every
 * array of a batch (inputs and intermediates) is freed with it. A batch smaller than
 * {@code smallestBatch} is padded with copies of its last input, whose outputs are dropped.
 */
final class ProbabilitiesTranslator implements NoBatchifyTranslator<List<float[]>, List<float[]>> {

  private static final String FACES = "faces";

  private final Shape single;
  private final int smallestBatch;

  ProbabilitiesTranslator(int channels, int height, int width) {
    this(channels, height, width, 1);
  }

  ProbabilitiesTranslator(int channels, int height, int width, int smallestBatch) {
    this.single = new Shape(channels, height, width);
    this.smallestBatch = Math.max(1, smallestBatch);
  }

  @Override
  public NDList processInput(TranslatorContext ctx, List<float[]> inputs) {
    int size = (int) single.size();
    int rows = Math.max(inputs.size(), smallestBatch);
    float[] all = new float[rows * size];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(inputs.get(Math.min(i, inputs.size() - 1)), 0, all, i * size, size);
    }
    ctx.setAttachment(FACES, inputs.size());
    NDArray batch = ctx.getNDManager().create(all, new Shape(rows, single.get(0), single.get(1), single.get(2)));
    return new NDList(batch);
  }

  @Override
  public List<float[]> processOutput(TranslatorContext ctx, NDList list) {
    NDArray probabilities = list.singletonOrThrow().softmax(1);
    int n = (Integer) ctx.getAttachment(FACES);
    int classes = (int) probabilities.getShape().get(1);
    float[] flat = probabilities.toFloatArray();
    List<float[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] row = new float[classes];
      System.arraycopy(flat, i * classes, row, 0, classes);
      out.add(row);
    }
    return out;
  }
}
