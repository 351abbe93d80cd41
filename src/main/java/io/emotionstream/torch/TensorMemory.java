package io.emotionstream.torch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * A tensor's own memory as floats, written through to the tensor, for code that updates tensors in
 * place (the fused SGD update of {@code train}).
 *
 * <p>DJL exposes no contiguity check, and {@code toByteBuffer(true)} silently copies a
 * non-contiguous tensor (writes to that copy would be lost), so it is asked of libtorch through
 * DJL's private JNI handle ({@code PyTorchLibrary.LIB.torchIsContiguous}), reflectively: the one
 * reflective access to DJL's internals of the project, here with the native ones.
 */
public final class TensorMemory {

  /** {@code PyTorchLibrary.LIB.torchIsContiguous(handle)}; null where this DJL version lacks it. */
  private static final Method IS_CONTIGUOUS;
  private static final Object LIBRARY;

  static {
    Method method = null;
    Object library = null;
    try {
      Class<?> c = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
      Field lib = c.getDeclaredField("LIB");
      lib.setAccessible(true);
      method = c.getDeclaredMethod("torchIsContiguous", long.class);
      method.setAccessible(true);
      library = lib.get(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      method = null;
      library = null;
    }
    IS_CONTIGUOUS = method;
    LIBRARY = library;
  }

  private TensorMemory() {}

  /**
   * The memory of {@code array} as floats, written through to the tensor; null unless it is a dense,
   * contiguous float32 tensor on the CPU whose memory DJL hands out as a direct buffer, and native
   * access is allowed ({@link NativeAccess}): the caller then keeps its NDArray path.
   */
  public static FloatBuffer floats(NDArray array) {
    if (IS_CONTIGUOUS == null || !(array instanceof PtNDArray pt)
        || array.getDataType() != DataType.FLOAT32 || !Device.cpu().equals(array.getDevice())
        || array.getSparseFormat() != SparseFormat.DENSE || !NativeAccess.allowed() || !isContiguous(pt)) {
      return null;
    }
    ByteBuffer bytes = array.toByteBuffer(true);
    if (!bytes.isDirect() || bytes.capacity() != array.size() * Float.BYTES) {
      return null;
    }
    return bytes.asFloatBuffer();
  }

  private static boolean isContiguous(PtNDArray array) {
    try {
      return (Boolean) IS_CONTIGUOUS.invoke(LIBRARY, array.getHandle());
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
