package io.emotionstream.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One thread's memory for the networks' inputs and outputs, kept from frame to frame and grown to
 * the largest frame the thread has seen.
 *
 * <p>Why: at a minimum face of 20 px a 640x480 frame's largest P-Net level, its output map and the
 * R-Net and O-Net crop batches are each 0.6-3 MB of floats. Allocated afresh, each was a "humongous"
 * object to the JVM's G1 collector (larger than half a heap region), and DJL copied every input once
 * more into a new direct buffer: one thread, 200 frames of 640x480 at 20 px, made 209 collections,
 * 158 of them started by humongous allocations, with 660 ms of pauses (JDK Flight Recorder).
 *
 * <p>The contract: values are written into {@link #values} and handed to libtorch through
 * {@link #input}, which copies them into this thread's direct buffer; the tensor it returns reads
 * that buffer in place (DJL's CPU tensors made from a direct buffer alias it), so it must be closed
 * before the same thread calls {@link #input} again. The detector's calls close their tensors with
 * their {@link NDManager} before returning, on the thread that made them. {@link #outputs} copies a
 * network's output into a second array, valid until this thread's next {@link #outputs}.
 */
final class ScratchBuffers {

  private static final ThreadLocal<ScratchBuffers> LOCAL = ThreadLocal.withInitial(ScratchBuffers::new);

  private float[] values = new float[0];
  private float[] outputs = new float[0];
  private ByteBuffer direct = ByteBuffer.allocateDirect(0);

  private ScratchBuffers() {}

  /** This thread's buffers. */
  static ScratchBuffers local() {
    return LOCAL.get();
  }

  /** An array of at least {@code length} floats to write an input into (its old contents left as they were). */
  float[] values(int length) {
    if (values.length < length) {
      values = new float[length];
    }
    return values;
  }

  /**
   * An (n, 3, h, w) view of the first {@code n * h * w * 3} of {@link #values}, interleaved (n, h, w, 3)
   * as {@link NetworkInputs#channelsLast} takes them, in this thread's direct buffer.
   */
  NDArray input(NDManager manager, int n, int h, int w) {
    int length = n * h * w * 3;
    int bytes = Math.multiplyExact(length, Float.BYTES);
    if (direct.capacity() < bytes) {
      direct = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
    ByteBuffer slice = direct.duplicate().order(ByteOrder.nativeOrder());
    slice.clear().limit(bytes);
    slice.asFloatBuffer().put(values, 0, length);
    return manager.create(slice.slice().order(ByteOrder.nativeOrder()), new Shape(n, h, w, 3), DataType.FLOAT32)
        .transpose(0, 3, 1, 2);
  }

  /**
   * The values of an (n, c, h, w) float32 output in (n, h, w, c) order, whatever its memory layout;
   * the first {@code size} entries of the returned array, which this thread reuses.
   */
  float[] outputs(NDArray nchw) {
    int length = Math.toIntExact(nchw.size());
    if (outputs.length < length) {
      outputs = new float[length];
    }
    try (NDArray nhwc = nchw.transpose(0, 2, 3, 1)) {
      // a direct view of libtorch's memory (made contiguous first where the layout needs it)
      nhwc.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(outputs, 0, length);
    }
    return outputs;
  }
}
