package io.emotionstream.torch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process-wide libtorch switches that DJL's JNI does not expose, set once through libtorch's
 * exported C++ API ({@code at::globalContext()}).
 *
 * <p>NNPACK off ({@code torch.backends.nnpack.set_flags(False)} in Python): libtorch uses NNPACK
 * only for float convolutions with a batch of 16 or more, after the oneDNN path, which takes
 * every such batch on x86 first; so it never runs here. But libtorch asks whether NNPACK is
 * available before it looks at the batch size, and on CPUs NNPACK does not know (AVX2-only AMD
 * EPYC among them) every such question prints "Could not initialize NNPACK! Reason: Unsupported
 * hardware." on stderr: about 26 lines per frame. With NNPACK off, libtorch never asks.
 */
public final class NativeTorch {

  private static final Logger LOG = LoggerFactory.getLogger(NativeTorch.class);
  private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
  private static final String SET_NNPACK = "_ZN2at7Context20setUserEnabledNNPACKEb";
  private static final String GET_NNPACK = "_ZNK2at7Context17userEnabledNNPACKEv";
  private static final String OPERATOR_NEW = "_Znwm";
  /** {@code sizeof(at::Tensor)}: one intrusive pointer. */
  private static final long TENSOR_SIZE = 8;
  private static final OnceCheck NNPACK_OFF = new OnceCheck(() -> trySetNnpack(false));
  private static volatile Function operatorNew;

  private NativeTorch() {}

  /**
   * Turns NNPACK off in the loaded libtorch (once per process; loads the engine if needed).
   *
   * @return true when NNPACK is off afterwards; false (logged once) when libtorch's symbols
   *     cannot be reached, in which case everything works as before, warnings included
   */
  public static boolean disableNnpack() {
    return NNPACK_OFF.passed();
  }

  /** The system property DJL reads once, when the engine starts, for libtorch's intra-op threads. */
  public static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

  /**
   * Makes {@code cores} the default number of libtorch's intra-op threads, unless the user chose
   * one ({@value #THREADS_PROPERTY} or {@code OMP_NUM_THREADS}). Without it libtorch takes
   * OpenMP's count, which is every core the node has: a container limited to two cores on a
   * 64-core node would start 64 threads per parallel op. Takes effect only before the engine
   * starts (DJL reads the property then), so callers run it before the first NDManager.
   *
   * @return the intra-op thread count in force for threads that do not set their own
   */
  public static String boundIntraOpThreads(int cores) {
    if (System.getProperty(THREADS_PROPERTY) == null && System.getenv("OMP_NUM_THREADS") == null) {
      System.setProperty(THREADS_PROPERTY, Integer.toString(cores));
    }
    return System.getProperty(THREADS_PROPERTY, "OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS"));
  }

  /**
   * libtorch's intra-op thread count for the calling thread (DJL's {@code JniUtils}: the other
   * packages reach DJL's JNI classes only through this one).
   */
  public static int intraOpThreads() {
    return JniUtils.getNumThreads();
  }

  /** Sets libtorch's intra-op thread count for the calling thread. */
  public static void setIntraOpThreads(int threads) {
    JniUtils.setNumThreads(threads);
  }

  /** Writes zeros over the gradient of a PyTorch {@code weight} (DJL's {@code JniUtils.zeroGrad}). */
  public static void zeroGradient(NDArray weight) {
    JniUtils.zeroGrad((PtNDArray) weight);
  }

  /** Whether libtorch would use NNPACK where it could; null when that cannot be read. */
  public static Boolean nnpackEnabled() {
    if (!NativeAccess.allowed()) {
      return null;
    }
    try {
      NativeLibrary torch = libtorchCpu();
      Pointer context = (Pointer) torch.getFunction(GLOBAL_CONTEXT).invoke(Pointer.class, new Object[0]);
      return ((Byte) torch.getFunction(GET_NNPACK).invoke(Byte.class, new Object[] {context})) != 0;
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      return null;
    }
  }

  private static boolean trySetNnpack(boolean enabled) {
    try {
      NativeLibrary torch = libtorchCpu();
      Pointer context = (Pointer) torch.getFunction(GLOBAL_CONTEXT).invoke(Pointer.class, new Object[0]);
      Function set = torch.getFunction(SET_NNPACK);
      set.invoke(Void.class, new Object[] {context, enabled});
      boolean now = ((Byte) torch.getFunction(GET_NNPACK).invoke(Byte.class, new Object[] {context})) != 0;
      if (now != enabled) {
        LOG.warn("libtorch kept NNPACK {}", now ? "on" : "off");
        return false;
      }
      return true;
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      LOG.warn("cannot switch NNPACK off in libtorch ({}); it may print 'Could not initialize NNPACK' lines", e.toString());
      return false;
    }
  }

  /**
   * Memory for one {@code torch::Tensor} from C++'s {@code operator new}: what DJL's handles point
   * to, so a tensor written there by libtorch's C++ API becomes a handle DJL deletes like its own.
   */
  static Pointer newTensorSlot() {
    if (!NativeAccess.allowed()) {
      throw new IllegalStateException("native calls into libtorch are off: " + NativeAccess.FALLBACK_PROPERTY
          + " or an unsupported platform (see NativeAccess)");
    }
    Function allocate = operatorNew;
    if (allocate == null) {
      allocate = libtorchCpu().getFunction(OPERATOR_NEW);
      operatorNew = allocate;
    }
    return (Pointer) allocate.invoke(Pointer.class, new Object[] {TENSOR_SIZE});
  }

  /**
   * The libtorch_cpu library DJL loaded (the same handle: dlopen of a loaded library), found in
   * DJL's libtorch directory under this platform's name for it ({@code libtorch_cpu.so} on Linux).
   */
  static NativeLibrary libtorchCpu() {
    Engine.getEngine("PyTorch"); // loads libtorch
    String name = System.mapLibraryName("torch_cpu");
    Path dir = Path.of(LibUtils.getLibtorchPath());
    Path lib = dir.resolve(name);
    if (!Files.isRegularFile(lib)) {
      lib = dir.resolve("lib").resolve(name);
    }
    return NativeLibrary.getInstance(lib.toString());
  }
}
