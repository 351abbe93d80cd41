package io.emotionstream.weights;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;

/**
 * Rewrites a float32 safetensors file with its float32 tensors as float16 (IEEE half, safetensors
 * dtype {@code F16}): half the size, and {@link StateDict#load} turns them back into float32.
 * Other tensors are copied unchanged.
 *
 * <p>F16 rather than BF16: the weights and batch-norm statistics of a trained ResNet-18 lie well
 * inside F16's range (largest finite value 65504, normal values from 6.1e-5), where F16 keeps 11
 * significant bits against BF16's 8.
 */
public final class HalfPrecision {

  /** The largest finite float16 value. */
  public static final double MAX_HALF = 65504;

  private HalfPrecision() {}

  /**
   * What a conversion changed.
   *
   * @param tensors tensors converted to F16
   * @param values values in them
   * @param maxAbsError largest |float16 - float32| over all values
   * @param maxRelError largest |float16 - float32| / |float32| over values with |float32| >= 6.1e-5
   * @param flushedToZero non-zero values that became zero (below F16's smallest subnormal)
   */
  public record Conversion(int tensors, long values, double maxAbsError, double maxRelError, long flushedToZero) {}

  /**
   * Converts {@code in} into {@code out}.
   *
   * @throws WeightsException naming the file and tensor when a value is not finite or beyond F16's range
   */
  public static Conversion convert(Path in, Path out) {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDList source = SafetensorsImporter.read(manager, in);
      NDList half = new NDList();
      int tensors = 0;
      long values = 0;
      long flushed = 0;
      double maxAbs = 0;
      double maxRel = 0;
      for (NDArray t : source) {
        if (t.getDataType() != DataType.FLOAT32) {
          half.add(t);
          continue;
        }
        float[] v = t.toFloatArray();
        for (float x : v) {
          if (!Float.isFinite(x) || Math.abs(x) > MAX_HALF) {
            throw new WeightsException("safetensors file " + in + ": tensor '" + t.getName() + "' holds " + x
                + ", outside float16's range (|x| <= " + MAX_HALF + ")");
          }
        }
        NDArray h = t.toType(DataType.FLOAT16, false);
        h.setName(t.getName());
        float[] back = h.toType(DataType.FLOAT32, false).toFloatArray();
        for (int i = 0; i < v.length; i++) {
          double err = Math.abs((double) back[i] - v[i]);
          maxAbs = Math.max(maxAbs, err);
          if (Math.abs(v[i]) >= 6.1e-5) {
            maxRel = Math.max(maxRel, err / Math.abs(v[i]));
          }
          if (v[i] != 0 && back[i] == 0) {
            flushed++;
          }
        }
        half.add(h);
        tensors++;
        values += v.length;
      }
      SafetensorsImporter.write(half, out);
      return new Conversion(tensors, values, maxAbs, maxRel, flushed);
    }
  }
}
