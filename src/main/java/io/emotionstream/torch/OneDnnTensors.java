package io.emotionstream.torch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import com.sun.jna.Function;
import io.emotionstream.stats.CpuInfo;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tensors in oneDNN's own memory layout (libtorch's "mkldnn" tensors, {@code Tensor.to_mkldnn()} in
 * Python) and back. libtorch runs a convolution, PReLU or max pooling of such a tensor as one oneDNN
 * primitive in oneDNN's blocked layout, and returns the result in that layout, so a chain of them
 * never converts in between; DJL's operators reach those kernels unchanged, since libtorch chooses
 * the kernel by the tensor's layout.
 *
 * <p>Why: PyTorch's own max pooling of an ordinary tensor also writes the index of every maximum
 * (it shares one kernel with training), and that took a quarter of MTCNN's R-Net: 6.2-6.5 ms of
 * 24-26 ms on 423 crops, one thread; oneDNN's pooling of the same values in its layout took
 * 2.1-2.2 ms. The values differ from the ordinary path by float rounding only (largest difference
 * 5e-6 on R-Net's outputs), as oneDNN sums a convolution in another order.
 *
 * <p>Reached like {@link FusedPrelu}: {@code at::_ops::to_mkldnn::call} and
 * {@code at::_ops::to_dense::call} through their exported C++ symbols, the optional arguments
 * empty. A C++ exception cannot come back through them, so both take only what libtorch accepts
 * (float32 CPU arrays of DJL's PyTorch engine; {@link #toDense} only an array from {@link #toOneDnn}
 * or an operator on one) and refuse anything else in Java. Only convolutions, PReLU and max pooling
 * are known to take such tensors here; anything else (a reshape, a linear layer, reading values)
 * needs {@link #toDense} first. {@link #available()} converts known values there and back once per
 * process; where the symbols are missing or that check fails, it is false (logged once).
 */
public final class OneDnnTensors {

  private static final Logger LOG = LoggerFactory.getLogger(OneDnnTensors.class);
  private static final String TO_MKLDNN = "_ZN2at4_ops9to_mkldnn4callERKNS_6TensorESt8optionalIN3c1010ScalarTypeEE";
  private static final String TO_DENSE = "_ZN2at4_ops8to_dense4callERKNS_6TensorESt8optionalIN3c1010ScalarTypeEES5_IbE";
  private static final OnceCheck AVAILABLE = new OnceCheck(OneDnnTensors::resolveAndCheck);
  private static final OnceCheck BFLOAT16 = new OnceCheck(OneDnnTensors::checkBfloat16);
  /** {@code std::optional<c10::ScalarType>} in one register: the type's byte, then the engaged flag's. */
  private static final long OPTIONAL_FLOAT32 = 6L | 1L << 8;
  private static final long OPTIONAL_BFLOAT16 = 15L | 1L << 8;
  /** The CPU flags libtorch's oneDNN bfloat16 kernels need without emulation (its own check wants bw, vl, dq). */
  static final java.util.List<String> BFLOAT16_FLAGS = java.util.List.of("avx512bw", "avx512vl", "avx512dq",
      "avx512_bf16");
  private static volatile Function toMkldnnOp;
  private static volatile Function toDenseOp;

  private OneDnnTensors() {}

  /** Whether {@link #toOneDnn} and {@link #toDense} may be used (resolves and checks them on the first call). */
  public static boolean available() {
    return AVAILABLE.passed();
  }

  /**
   * {@code x}'s values in oneDNN's layout: a new array of {@code x}'s manager.
   *
   * @throws IllegalArgumentException for anything but a float32 CPU array of DJL's PyTorch engine
   * @throws IllegalStateException when {@link #available()} is false
   */
  public static NDArray toOneDnn(NDArray x) {
    check(x, "oneDNN's layout");
    if (!available()) {
      throw new IllegalStateException("libtorch's oneDNN tensors are not available in this process");
    }
    return convert(toMkldnnOp, x);
  }

  /**
   * Whether {@link #toOneDnnBfloat16} may be used: {@link #available()}, a CPU with every one of
   * {@code avx512bw}, {@code avx512vl}, {@code avx512dq} and {@code avx512_bf16} (libtorch's oneDNN
   * operators on bfloat16 throw without the first three, which through a direct native call would
   * end the process, and emulate the multiplications without the last), and known values that come
   * back from bfloat16 within its rounding. Checked once per process; false is logged once.
   */
  public static boolean bfloat16Available() {
    return available() && BFLOAT16.passed();
  }

  /**
   * {@code x}'s values rounded to bfloat16, in oneDNN's layout: a new array of {@code x}'s manager,
   * which DJL reports as of an unknown data type. libtorch's oneDNN convolution, PReLU and max
   * pooling take it when their weights are such arrays too; {@link #toDense} brings it back.
   *
   * @throws IllegalArgumentException for anything but a float32 CPU array of DJL's PyTorch engine
   * @throws IllegalStateException when {@link #bfloat16Available()} is false
   */
  public static NDArray toOneDnnBfloat16(NDArray x) {
    check(x, "bfloat16 in oneDNN's layout");
    if (!bfloat16Available()) {
      throw new IllegalStateException("libtorch's bfloat16 oneDNN tensors are not available in this process");
    }
    return convert(toMkldnnOp, x, OPTIONAL_BFLOAT16);
  }

  /**
   * {@code x}'s values rounded to bfloat16 in an ordinary array of the same shape and memory layout
   * (a channels-last {@code x} gives a channels-last result): a new array of {@code x}'s manager,
   * which DJL reports as of an unknown data type. For {@link PrepackedConvolution}'s bfloat16
   * convolutions; {@link #toDense} brings it back to float32. libtorch's {@code to_dense} with a
   * data type converts an ordinary tensor as {@code Tensor.to(dtype)} does, keeping its layout.
   *
   * @throws IllegalArgumentException for anything but a float32 CPU array of DJL's PyTorch engine
   * @throws IllegalStateException when {@link #bfloat16Available()} is false
   */
  public static NDArray toBfloat16(NDArray x) {
    check(x, "bfloat16");
    if (!bfloat16Available()) {
      throw new IllegalStateException("libtorch's bfloat16 oneDNN tensors are not available in this process");
    }
    return convert(toDenseOp, x, OPTIONAL_BFLOAT16);
  }

  /**
   * The values of an array in oneDNN's layout, float32 or bfloat16, as an ordinary float32 array: a
   * new array of {@code x}'s manager.
   *
   * @param x an array from {@link #toOneDnn} or {@link #toOneDnnBfloat16}, or from a convolution,
   *     PReLU or max pooling of one
   * @throws IllegalArgumentException for anything but a CPU array of DJL's PyTorch engine
   * @throws IllegalStateException when {@link #available()} is false
   */
  public static NDArray toDense(NDArray x) {
    if (!(x instanceof PtNDArray) || !(x.getManager() instanceof PtNDManager) || !x.getDevice().equals(Device.cpu())
        || !(x.getDataType() == DataType.FLOAT32 || x.getDataType() == DataType.UNKNOWN)) {
      throw new IllegalArgumentException("only oneDNN tensors of DJL's PyTorch engine on the CPU convert back, not "
          + x.getShape() + " " + x.getDataType() + " on " + x.getDevice());
    }
    if (!available()) {
      throw new IllegalStateException("libtorch's oneDNN tensors are not available in this process");
    }
    return convert(toDenseOp, x, OPTIONAL_FLOAT32);
  }

  /**
   * {@link #toOneDnn} without its checks, for the package's own paths that check themselves
   * ({@link PrepackedConvolution} reorders weights from such a tensor); resolves the symbols on
   * first use.
   *
   * @throws UnsatisfiedLinkError when libtorch lacks the symbol
   */
  static NDArray toOneDnnUnchecked(NDArray x) {
    resolve();
    return convert(toMkldnnOp, x);
  }

  private static synchronized void resolve() {
    if (toDenseOp == null) {
      NativeLibrary torch = NativeTorch.libtorchCpu();
      toMkldnnOp = torch.getFunction(TO_MKLDNN);
      toDenseOp = torch.getFunction(TO_DENSE);
    }
  }

  private static void check(NDArray x, String target) {
    if (!(x instanceof PtNDArray) || !(x.getManager() instanceof PtNDManager) || x.getDataType() != DataType.FLOAT32
        || !x.getDevice().equals(Device.cpu())) {
      throw new IllegalArgumentException("only float32 CPU arrays of DJL's PyTorch engine convert to " + target
          + ", not " + x.getShape() + " " + x.getDataType() + " on " + x.getDevice());
    }
  }

  /** {@code function(x, nullopt[, nullopt])}: the optionals are empty in one register each. */
  private static NDArray convert(Function function, NDArray x) {
    return convert(function, x, 0L);
  }

  /** {@code function(x, dtype[, nullopt])}, {@code dtype} an optional scalar type in one register. */
  private static NDArray convert(Function function, NDArray x, long dtype) {
    Pointer result = NativeTorch.newTensorSlot();
    function.invoke(Void.class, new Object[] {result, new Pointer(((PtNDArray) x).getHandle()), dtype, 0L});
    return new PtNDArray((PtNDManager) x.getManager(), Pointer.nativeValue(result));
  }

  private static boolean checkBfloat16() {
    java.util.List<String> missing = CpuInfo.read().missing(BFLOAT16_FLAGS);
    if (!missing.isEmpty()) {
      LOG.info("bfloat16 in oneDNN's layout is off: the CPU lacks {}", String.join(", ", missing));
      return false;
    }
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      float[] values = new float[2 * 3 * 4 * 5];
      for (int i = 0; i < values.length; i++) {
        values[i] = (i - 60) * 0.37f;
      }
      NDArray x = m.create(values, new Shape(2, 3, 4, 5));
      float[] back;
      try (NDArray bf16 = convert(toMkldnnOp, x, OPTIONAL_BFLOAT16); NDArray dense = convert(toDenseOp, bf16, OPTIONAL_FLOAT32)) {
        back = dense.toFloatArray();
      }
      for (int i = 0; i < values.length; i++) {
        // bfloat16 keeps 8 significant bits: rounding moves a value by at most 2^-8 of itself
        if (!(Math.abs(back[i] - values[i]) <= Math.abs(values[i]) / 256 + 1e-30f)) {
          LOG.warn("libtorch's bfloat16 oneDNN tensors gave {} for {}; bfloat16 is off", back[i], values[i]);
          return false;
        }
      }
      return true;
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      LOG.warn("libtorch's bfloat16 oneDNN tensors are not reachable ({}); bfloat16 is off", e.toString());
      return false;
    }
  }

  private static boolean resolveAndCheck() {
    try {
      resolve();
      try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
        float[] values = new float[2 * 3 * 4 * 5];
        for (int i = 0; i < values.length; i++) {
          values[i] = i * 0.5f - 7;
        }
        // a channels-last view, as the detector builds its inputs
        NDArray x = m.create(values, new Shape(2, 4, 5, 3)).transpose(0, 3, 1, 2);
        float[] expected = x.toFloatArray();
        float[] back;
        try (NDArray oneDnn = convert(toMkldnnOp, x); NDArray dense = convert(toDenseOp, oneDnn)) {
          back = dense.toFloatArray();
          if (!dense.getShape().equals(x.getShape())) {
            LOG.warn("libtorch's oneDNN tensors came back as {} instead of {}; using ordinary tensors", dense.getShape(),
                x.getShape());
            return false;
          }
        }
        if (!java.util.Arrays.equals(expected, back)) {
          LOG.warn("libtorch's oneDNN tensors changed values there and back; using ordinary tensors");
          return false;
        }
      }
      return true;
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      LOG.warn("libtorch's oneDNN tensors are not reachable ({}); using ordinary tensors", e.toString());
      return false;
    }
  }
}
