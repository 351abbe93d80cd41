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
 * array of a batch (inputs and intermediates) is freed with it.
 */
final class ProbabilitiesTranslator implements NoBatchifyTranslator<List<float[]>, List<float[]>> {

  private final Shape single;

  ProbabilitiesTranslator(int channels, int height, int width) {
    this.single = new Shape(channels, height, width);
  }

  @Override
  public NDList processInput(TranslatorContext ctx, List<float[]> inputs) {
    int size = (int) single.size();
    float[] all = new float[inputs.size() * size];
    for (int i = 0; i < inputs.size(); i++) {
      System.arraycopy(inputs.get(i), 0, all, i * size, size);
    }
    NDArray batch = ctx.getNDManager().create(all,
        new Shape(inputs.size(), single.get(0), single.get(1), single.get(2)));
    return new NDList(batch);
  }

  @Override
  public List<float[]> processOutput(TranslatorContext ctx, NDList list) {
    NDArray probabilities = list.singletonOrThrow().softmax(1);
    int n = (int) probabilities.getShape().get(0);
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
