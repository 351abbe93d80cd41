package io.emotionstream.torch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PReLU with one slope per channel in one pass over the tensor: libtorch's own {@code at::prelu}.
 *
 * <p>Why ours: DJL's JNI has no PReLU, and the best formulation from its operators,
 * {@code max(x, a * x)}, reads the tensor three times and writes it twice (three passes and a
 * temporary where a slope exceeds 1); MTCNN runs a PReLU after every layer, on its largest
 * tensors. With this one the detector's stages took P-Net 19.7 -> 16.8 ms, R-Net 15.8 -> 14.4 ms
 * and O-Net 7.8 -> 6.3 ms on a 1280 px photo (one thread, 40 px smallest face, same candidates).
 * The function is reached as {@link NativeTorch}'s switches
 * are, through libtorch's exported C++ symbol {@code at::_ops::prelu::call(const Tensor&, const
 * Tensor&)}: a DJL array's handle is the address of a {@code torch::Tensor}, which is what a
 * {@code const Tensor&} passes, and under the x86-64 C++ ABI a function returning a class with a
 * destructor writes it into memory whose address the caller passes first. That memory comes from
 * C++'s {@code operator new}, so the result is a tensor handle like any DJL creates, and DJL
 * deletes it the same way when its manager closes.
 *
 * <p>A C++ exception cannot come back through this call (it would end the process), so
 * {@link #apply} takes only what {@code at::prelu} accepts (same data type and device, one slope
 * per channel of axis 1) and leaves everything else to the caller. {@link #available()} checks the
 * call once per process on known values; where libtorch's symbols are missing or that check
 * fails, it is false (logged once) and callers keep their NDArray formulation.
 */
public final class FusedPrelu {

  private static final Logger LOG = LoggerFactory.getLogger(FusedPrelu.class);
  private static final String PRELU = "_ZN2at4_ops5prelu4callERKNS_6TensorES4_";
  private static final OnceCheck AVAILABLE = new OnceCheck(FusedPrelu::resolveAndCheck);
  private static Function prelu;

  private FusedPrelu() {}

  /** Whether {@link #apply} may be used (resolves and checks it on the first call). */
  public static boolean available() {
    return AVAILABLE.passed();
  }

  /**
   * Whether {@link #apply} takes these arrays: PyTorch arrays of one data type on one device,
   * {@code x} of at least two axes and {@code slopes} one axis as long as {@code x}'s axis 1.
   */
  public static boolean accepts(NDArray x, NDArray slopes) {
    Shape xs = x.getShape();
    Shape ss = slopes.getShape();
    return x instanceof PtNDArray && slopes instanceof PtNDArray && x.getManager() instanceof PtNDManager
        && xs.dimension() >= 2 && ss.dimension() == 1 && ss.get(0) == xs.get(1)
        && x.getDataType() == slopes.getDataType() && x.getDataType().isFloating()
        && x.getDevice().equals(slopes.getDevice());
  }

  /**
   * {@code x} where positive, else {@code slopes[c] * x}, for channel {@code c} on axis 1; a new
   * array of {@code x}'s manager, in {@code x}'s memory layout.
   *
   * @throws IllegalArgumentException when {@link #accepts} is false
   * @throws IllegalStateException when {@link #available()} is false
   */
  public static NDArray apply(NDArray x, NDArray slopes) {
    if (!accepts(x, slopes)) {
      throw new IllegalArgumentException("prelu needs arrays of one floating type and device and one slope per "
          + "channel of axis 1; got " + x.getShape() + " " + x.getDataType() + " on " + x.getDevice() + " and "
          + slopes.getShape() + " " + slopes.getDataType() + " on " + slopes.getDevice());
    }
    if (!available()) {
      throw new IllegalStateException("libtorch's prelu is not available in this process");
    }
    return call(x, slopes);
  }

  /**
   * {@link #apply} for bfloat16 arrays in oneDNN's layout, which DJL reports as of an unknown data
   * type, so that {@link #accepts} cannot tell them from anything else: libtorch takes them only when
   * both are bfloat16, and a mismatch would end the process. The caller therefore vouches for the types.
   *
   * @param x an array from {@link OneDnnTensors#toOneDnnBfloat16} or from a convolution, PReLU or max
   *     pooling of one
   * @param slopes one slope per channel of {@code x}'s axis 1, from {@link OneDnnTensors#toOneDnnBfloat16}
   * @throws IllegalArgumentException when either array does not report the unknown data type of such
   *     arrays, or the shapes do not fit
   * @throws IllegalStateException when {@link #available()} or {@link OneDnnTensors#bfloat16Available()} is false
   */
  public static NDArray applyBfloat16OneDnn(NDArray x, NDArray slopes) {
    if (!(x instanceof PtNDArray) || !(slopes instanceof PtNDArray) || x.getDataType() != DataType.UNKNOWN
        || slopes.getDataType() != DataType.UNKNOWN || x.getShape().dimension() < 2
        || slopes.getShape().dimension() != 1 || slopes.getShape().get(0) != x.getShape().get(1)) {
      throw new IllegalArgumentException("prelu in bfloat16 needs two bfloat16 oneDNN arrays, one slope per channel of "
          + "axis 1; got " + x.getShape() + " " + x.getDataType() + " and " + slopes.getShape() + " " + slopes.getDataType());
    }
    if (!available() || !OneDnnTensors.bfloat16Available()) {
      throw new IllegalStateException("libtorch's prelu on bfloat16 oneDNN arrays is not available in this process");
    }
    return call(x, slopes);
  }

  private static NDArray call(NDArray x, NDArray slopes) {
    Pointer result = NativeTorch.newTensorSlot();
    prelu.invoke(Pointer.class, new Object[] {result, new Pointer(((PtNDArray) x).getHandle()),
        new Pointer(((PtNDArray) slopes).getHandle())});
    return new PtNDArray((PtNDManager) x.getManager(), Pointer.nativeValue(result));
  }

  /** Equal as numbers ({@code -0.0 == 0.0}: 0 times a negative slope is -0). */
  private static boolean sameValues(float[] a, float[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean resolveAndCheck() {
    try {
      NativeLibrary torch = NativeTorch.libtorchCpu();
      prelu = torch.getFunction(PRELU);
      try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
        // channel 0 slope 0.25, channel 1 slope -1.5 (a slope above 1 or below 0 must work too)
        NDArray x = m.create(new float[] {-2, -1, 0, 1, 2, 3, -4, -0.5f, 0, 0.5f, 4, -3}, new Shape(1, 2, 2, 3));
        NDArray a = m.create(new float[] {0.25f, -1.5f});
        float[] expected = {-0.5f, -0.25f, 0, 1, 2, 3, 6, 0.75f, 0, 0.5f, 4, 4.5f};
        float[] got;
        try (NDArray y = call(x, a)) {
          got = y.toFloatArray();
        }
        if (!sameValues(expected, got)) {
          LOG.warn("libtorch's prelu gave {} for {}; using the NDArray formulation",
              java.util.Arrays.toString(got), java.util.Arrays.toString(expected));
          return false;
        }
      }
      return true;
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      LOG.warn("libtorch's prelu is not reachable ({}); using the NDArray formulation", e.toString());
      return false;
    }
  }
}
