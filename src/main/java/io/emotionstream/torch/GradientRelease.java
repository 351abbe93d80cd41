package io.emotionstream.torch;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.training.GradientCollector;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops a parameter's stored gradient, as PyTorch's {@code optimizer.zero_grad(set_to_none=True)}
 * (its default since 2.0) does: the next backward pass then hands its gradient over to the
 * parameter instead of adding it to a zeroed one.
 *
 * <p>Why ours: DJL can only zero a gradient ({@code zero_()}), so every backward pass of a
 * training step then adds each new gradient into the old tensor: one more read and write of all
 * 11 M weights of ResNet-18 per step, plus the pass that wrote the zeros (the measured effect is
 * in {@code io.emotionstream.train.MomentumSgd}).
 *
 * <p>Reached like {@link FusedPrelu}, through libtorch's exported C++ symbols: a DJL array's
 * handle is the address of a {@code torch::Tensor}, whose one field points to its
 * {@code TensorImpl}; {@code c10::TensorImpl::mutable_grad()} returns the address of the stored
 * gradient, itself a {@code torch::Tensor}. Releasing writes there the address of
 * {@code c10::UndefinedTensorImpl}'s singleton (what a default-constructed tensor holds, never
 * reference-counted) and gives the reference the field held to a new tensor handle in memory from
 * C++'s {@code operator new}, which DJL then deletes like its own: the old gradient's reference
 * count drops by one and its memory is freed when nothing else holds it. {@link #available()}
 * checks the whole cycle once per process (a released gradient is replaced, not added to, by the
 * next backward pass); where the symbols are missing or the check fails it is false (logged once)
 * and callers zero the gradient as before.
 */
public final class GradientRelease {

  private static final Logger LOG = LoggerFactory.getLogger(GradientRelease.class);
  private static final String MUTABLE_GRAD = "_ZN3c1010TensorImpl12mutable_gradEv";
  private static final String UNDEFINED = "_ZN3c1019UndefinedTensorImpl10_singletonE";
  private static final OnceCheck AVAILABLE = new OnceCheck(GradientRelease::resolveAndCheck);
  private static Function mutableGrad;
  private static Pointer undefined;

  private GradientRelease() {}

  /** Whether {@link #release} may be used (resolves and checks it on the first call). */
  public static boolean available() {
    return AVAILABLE.passed();
  }

  /**
   * Drops {@code weight}'s stored gradient (handles to it from {@code getGradient()} keep it alive
   * until they close). Afterwards DJL reports a zero gradient until the next backward pass.
   *
   * @return false when {@code weight} had no gradient
   * @throws IllegalStateException when {@link #available()} is false
   */
  public static boolean release(NDArray weight) {
    if (!(weight instanceof PtNDArray pt) || !(weight.getManager() instanceof PtNDManager)) {
      throw new IllegalArgumentException("not a PyTorch array: " + (weight == null ? null : weight.getClass().getName()));
    }
    if (!available()) {
      throw new IllegalStateException("libtorch's gradient field is not reachable in this process");
    }
    return releaseUnchecked(pt);
  }

  private static boolean releaseUnchecked(PtNDArray weight) {
    Pointer impl = new Pointer(weight.getHandle()).getPointer(0);
    Pointer field = (Pointer) mutableGrad.invoke(Pointer.class, new Object[] {impl});
    Pointer old = field.getPointer(0);
    if (old == null || old.equals(undefined)) {
      return false;
    }
    field.setPointer(0, undefined);
    Pointer holder = NativeTorch.newTensorSlot();
    holder.setPointer(0, old);
    new PtNDArray((PtNDManager) weight.getManager(), Pointer.nativeValue(holder)).close();
    return true;
  }

  /** The gradient of {@code sum(w * factor)} after one backward pass. */
  private static float[] gradientOfScaledSum(NDArray w, float factor) {
    try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
      collector.backward(w.mul(factor).sum());
    }
    try (NDArray g = w.getGradient()) {
      return g.toFloatArray();
    }
  }

  private static boolean resolveAndCheck() {
    try {
      NativeLibrary torch = NativeTorch.libtorchCpu();
      mutableGrad = torch.getFunction(MUTABLE_GRAD);
      undefined = torch.getGlobalVariableAddress(UNDEFINED);
      try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
        NDArray w = m.create(new float[] {1, 2, 3});
        w.setRequiresGradient(true);
        float[] first = gradientOfScaledSum(w, 2);
        boolean released = releaseUnchecked((PtNDArray) w);
        float[] afterRelease = w.getGradient().toFloatArray();
        float[] second = gradientOfScaledSum(w, 3);
        boolean ok = Arrays.equals(first, new float[] {2, 2, 2}) && released
            && Arrays.equals(afterRelease, new float[] {0, 0, 0}) && Arrays.equals(second, new float[] {3, 3, 3})
            && releaseUnchecked((PtNDArray) w) && !releaseUnchecked((PtNDArray) w);
        if (!ok) {
          LOG.warn("releasing a gradient in libtorch did not behave as expected (gradients {}, {}, {}); "
              + "gradients are zeroed instead", Arrays.toString(first), Arrays.toString(afterRelease),
              Arrays.toString(second));
        }
        return ok;
      }
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      LOG.warn("libtorch's gradient field is not reachable ({}); gradients are zeroed instead", e.toString());
      return false;
    }
  }
}
