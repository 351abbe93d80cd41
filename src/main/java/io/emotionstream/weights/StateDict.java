package io.emotionstream.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Names a block's parameters the way a PyTorch state dict does and loads or exports tensors by
 * those names.
 *
 * <p>DJL prefixes every child block with a two-digit index ({@code 01conv1}) and calls batch-norm
 * parameters {@code gamma/beta/runningMean/runningVar}; torchvision calls them {@code weight/bias/
 * running_mean/running_var}. Blocks that name their children like the PyTorch modules (see
 * {@code io.emotionstream.emotion.ResNet18}) therefore get names such as {@code layer1.0.bn1.weight}.
 */
public final class StateDict {

  private static final Map<String, String> PARAMETER_NAMES = Map.of(
      "gamma", "weight", "beta", "bias", "runningMean", "running_mean", "runningVar", "running_var");

  private StateDict() {}

  /** The block's parameters by state-dict name, in block order. */
  public static Map<String, Parameter> parameters(Block block) {
    Map<String, Parameter> out = new LinkedHashMap<>();
    collect("", block, out);
    return out;
  }

  private static void collect(String prefix, Block block, Map<String, Parameter> out) {
    for (Pair<String, Parameter> p : block.getDirectParameters()) {
      out.put(prefix + PARAMETER_NAMES.getOrDefault(p.getKey(), p.getKey()), p.getValue());
    }
    for (Pair<String, Block> child : block.getChildren()) {
      collect(prefix + childName(child.getKey()) + ".", child.getValue(), out);
    }
  }

  /** Strips DJL's two-digit child index: {@code 01conv1} -> {@code conv1}, {@code 020} -> {@code 0}. */
  static String childName(String djlName) {
    return djlName.length() > 2 && Character.isDigit(djlName.charAt(0)) && Character.isDigit(djlName.charAt(1))
        ? djlName.substring(2) : djlName;
  }

  /** Number of trainable values (batch-norm running statistics excluded, like PyTorch's count). */
  public static long trainableParameterCount(Block block) {
    long n = 0;
    for (Parameter p : parameters(block).values()) {
      if (p.requiresGradient()) {
        n += p.getArray().size();
      }
    }
    return n;
  }

  /**
   * Copies named tensors into the (initialised) block's parameters. Every parameter must be present
   * with the same shape; tensors the block does not have are an error too, except PyTorch's
   * {@code num_batches_tracked} counters. Tensors of any floating type (F32, F16, BF16) are converted
   * to the network's float32; NaN or infinite values are refused.
   *
   * @param source the file the tensors came from, for error messages
   * @throws WeightsException naming the source and the tensors that are missing, surplus or misshapen
   */
  public static void load(Block block, NDList tensors, String source) {
    Map<String, NDArray> byName = new HashMap<>();
    for (NDArray t : tensors) {
      byName.put(t.getName(), t);
    }
    Map<String, Parameter> params = parameters(block);
    List<String> problems = new ArrayList<>();
    TreeSet<String> missing = new TreeSet<>();
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray t = byName.get(e.getKey());
      if (t == null) {
        missing.add(e.getKey());
        continue;
      }
      NDArray target = e.getValue().getArray();
      if (!t.getShape().equals(target.getShape())) {
        problems.add(e.getKey() + " has shape " + t.getShape() + " in the file but " + target.getShape() + " in the network");
        continue;
      }
      NDArray f = t.getDataType() == DataType.FLOAT32 ? t : t.toType(DataType.FLOAT32, false);
      float[] values = f.toFloatArray();
      if (!allFinite(values)) {
        problems.add(e.getKey() + " holds NaN or infinite values (" + t.getDataType() + ")");
        continue;
      }
      target.set(FloatBuffer.wrap(values));
    }
    if (!missing.isEmpty()) {
      problems.add("missing tensors " + missing);
    }
    TreeSet<String> surplus = new TreeSet<>(byName.keySet());
    surplus.removeAll(params.keySet());
    surplus.removeIf(n -> n.endsWith("num_batches_tracked"));
    if (!surplus.isEmpty()) {
      problems.add("tensors the network does not have " + surplus);
    }
    if (!problems.isEmpty()) {
      throw new WeightsException("weights " + source + " do not fit the network: " + String.join("; ", problems));
    }
  }

  private static boolean allFinite(float[] values) {
    for (float v : values) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /** Copies of the block's parameters, named by state-dict name, in {@code manager}. */
  public static NDList export(Block block, NDManager manager) {
    NDList out = new NDList();
    for (Map.Entry<String, Parameter> e : parameters(block).entrySet()) {
      NDArray copy = manager.create(e.getValue().getArray().toFloatArray(), e.getValue().getArray().getShape());
      copy.setName(e.getKey());
      out.add(copy);
    }
    return out;
  }
}
