package io.emotionstream.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.emotionstream.weights.SafetensorsImporter;
import io.emotionstream.weights.WeightsException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Starts a ResNet-18 from other weights (transfer learning): every tensor except the classifier
 * ({@code fc.*}) must fit by state-dict name and shape; the classifier is copied when it has the
 * same classes, copied row by row for the labels both share (by name) when the parent's labels
 * are known, and otherwise left freshly initialised.
 *
 * <p>Our own loop rather than {@code StateDict.load}, which (rightly, for inference) insists on an
 * exact match of every tensor.
 */
public final class InitialWeights {

  private static final String FC_WEIGHT = "fc.weight";
  private static final String FC_BIAS = "fc.bias";

  private InitialWeights() {}

  /**
   * @param parentLabels the labels of the file's classifier rows, or null when unknown
   * @param labels the labels of the block's outputs
   * @return a one-line description of what was loaded, for the log
   * @throws WeightsException naming the file and the tensors that do not fit
   */
  public static String load(Block block, Path file, NDManager manager, List<String> parentLabels,
      List<String> labels) {
    try (NDManager scratch = manager.newSubManager()) {
      NDList tensors = SafetensorsImporter.read(scratch, file);
      Map<String, NDArray> byName = new HashMap<>();
      for (NDArray t : tensors) {
        byName.put(t.getName(), t);
      }
      Map<String, Parameter> params = io.emotionstream.weights.StateDict.parameters(block);
      List<String> problems = new ArrayList<>();
      TreeSet<String> missing = new TreeSet<>();
      int loaded = 0;
      for (Map.Entry<String, Parameter> e : params.entrySet()) {
        if (e.getKey().startsWith("fc.")) {
          continue;
        }
        NDArray t = byName.get(e.getKey());
        if (t == null) {
          missing.add(e.getKey());
        } else if (!t.getShape().equals(e.getValue().getArray().getShape())) {
          problems.add(e.getKey() + " has shape " + t.getShape() + " in the file but "
              + e.getValue().getArray().getShape() + " in the network");
        } else {
          copy(t, e.getValue().getArray());
          loaded++;
        }
      }
      if (!missing.isEmpty()) {
        problems.add("missing tensors " + missing);
      }
      if (!problems.isEmpty()) {
        throw new WeightsException("weights " + file + " do not fit ResNet-18: " + String.join("; ", problems));
      }
      return loaded + " tensors from " + file.getFileName() + "; classifier: "
          + loadClassifier(params, byName, parentLabels, labels);
    }
  }

  private static String loadClassifier(Map<String, Parameter> params, Map<String, NDArray> byName,
      List<String> parentLabels, List<String> labels) {
    NDArray weight = byName.get(FC_WEIGHT);
    NDArray bias = byName.get(FC_BIAS);
    NDArray targetWeight = params.get(FC_WEIGHT).getArray();
    NDArray targetBias = params.get(FC_BIAS).getArray();
    if (weight == null || bias == null || weight.getShape().get(1) != targetWeight.getShape().get(1)) {
      return "new (none usable in the file)";
    }
    if (parentLabels == null || parentLabels.equals(labels)) {
      if (weight.getShape().equals(targetWeight.getShape())) {
        copy(weight, targetWeight);
        copy(bias, targetBias);
        return "copied (" + labels.size() + " classes)";
      }
      return "new (" + weight.getShape().get(0) + " classes in the file, " + labels.size() + " here)";
    }
    float[] w = targetWeight.toFloatArray();
    float[] b = targetBias.toFloatArray();
    float[] pw = weight.toType(DataType.FLOAT32, false).toFloatArray();
    float[] pb = bias.toType(DataType.FLOAT32, false).toFloatArray();
    int features = (int) targetWeight.getShape().get(1);
    List<String> shared = new ArrayList<>();
    for (int c = 0; c < labels.size(); c++) {
      int p = ClassSelection.indexOf(parentLabels, labels.get(c));
      if (p >= 0) {
        System.arraycopy(pw, p * features, w, c * features, features);
        b[c] = pb[p];
        shared.add(labels.get(c));
      }
    }
    targetWeight.set(FloatBuffer.wrap(w));
    targetBias.set(FloatBuffer.wrap(b));
    return "rows copied for " + shared + ", new for the other " + (labels.size() - shared.size());
  }

  private static void copy(NDArray from, NDArray to) {
    NDArray f = from.getDataType() == DataType.FLOAT32 ? from : from.toType(DataType.FLOAT32, false);
    to.set(FloatBuffer.wrap(f.toFloatArray()));
  }
}
