package io.emotionstream.torch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 2-D convolutions on oneDNN with weights reordered once into oneDNN's blocked layout, and a relu
 * or a residual sum plus relu computed by the same call: what {@code torch.jit.optimize_for_inference}
 * and TorchInductor's CPU freezing do, for networks that DJL runs as eager operations.
 *
 * <p>Why ours: libtorch's eager convolution hands oneDNN plain weights, and oneDNN reorders every
 * layer's weights into its blocked layout on every call: 4.2 of 11 ms per batch of 8 of the folded
 * ResNet-18 at 48 px (one thread, {@code ONEDNN_VERBOSE}); the relu after each convolution and the
 * residual sum are one more pass over each activation each. Reached like {@link FusedPrelu}:
 * <ul>
 *   <li>{@link #pack}: libtorch's {@code at::to_mkldnn} ({@link OneDnnTensors}) then {@code at::mkldnn_reorder_conv2d_weight}
 *       (exported C++ symbols; by the x86-64 C++ ABI an {@code ArrayRef} travels by value as pointer
 *       and length, a {@code SymInt} by reference, an {@code OptionalArrayRef} by value on the stack,
 *       and the returned tensor is written to memory the caller passes first). With the input's
 *       size given, the weights are laid out for channels-last activations; the result is a tensor
 *       handle in oneDNN's opaque layout, which DJL can hold and delete but not read.</li>
 *   <li>{@link #convolve} and {@link #convolveAddRelu}: the C functions that libtorch exports for
 *       ahead-of-time compiled models ({@code aoti_torch_cpu_mkldnn__convolution_pointwise} and
 *       {@code ..._binary}); they take tensor handles, which DJL's handles are ({@code at::Tensor*}
 *       from C++'s {@code operator new}), return a new one the same way, and turn libtorch's
 *       errors into a status code instead of a C++ exception.</li>
 * </ul>
 * Activations are channels-last; outputs come back channels-last. {@link #available()} checks the
 * whole cycle once per process on a small convolution against DJL's own; where a symbol is missing
 * or the check fails it is false (logged once) and callers keep their eager convolutions. Callers
 * should still compare whole networks once per model load, since oneDNN picks kernels per shape.
 */
public final class PrepackedConvolution {

  private static final Logger LOG = LoggerFactory.getLogger(PrepackedConvolution.class);
  private static final String REORDER = "_ZN2at4_ops28mkldnn_reorder_conv2d_weight4callERKNS_6TensorEN3c108ArrayRefI"
      + "NS5_6SymIntEEES8_S8_S7_NS5_16OptionalArrayRefIS7_EE";
  private static final String CONVOLVE = "aoti_torch_cpu_mkldnn__convolution_pointwise";
  private static final String CONVOLVE_BINARY = "aoti_torch_cpu_mkldnn__convolution_pointwise_binary";
  private static final OnceCheck AVAILABLE = new OnceCheck(PrepackedConvolution::resolveAndCheck);
  private static final long[] ONES = {1, 1};
  /** {@code const char**} naming relu: the binary call's optional unary operation. */
  private static final Memory RELU_NAME = ascii("relu");
  private static final Memory RELU_ATTR = slotOf(RELU_NAME);
  private static Function reorder;
  private static Function convolve;
  private static Function convolveBinary;

  private PrepackedConvolution() {}

  /** Whether {@link #pack} and the convolutions may be used (resolves and checks them on the first call). */
  public static boolean available() {
    return AVAILABLE.passed();
  }

  /**
   * One convolution's weights in oneDNN's layout for channels-last inputs of {@code inputShape}
   * (N x C x H x W; the batch size only guides oneDNN's choice of kernel), with its bias.
   *
   * @param weight plain (O x I x kH x kW) float32 weights on the CPU
   * @param bias O values, or null: float32, or for {@code bfloat16} weights a bfloat16 copy
   * @param bfloat16 whether the weights (and the bias, a copy this record owns) are bfloat16
   */
  public record Packed(NDArray weight, NDArray bias, long[] stride, long[] padding, Memory biasSlot,
      boolean bfloat16) implements AutoCloseable {

    /** The output channels. */
    public long outputChannels() {
      return bias == null ? -1 : bias.getShape().get(0);
    }

    @Override
    public void close() {
      weight.close();
      if (bfloat16 && bias != null) {
        bias.close();
      }
    }
  }

  /**
   * Packs {@code weight} once; the packed tensor belongs to {@code weight}'s manager (and to the
   * returned record's {@link Packed#close}). {@code bias} is kept by reference, not copied.
   *
   * @throws IllegalStateException when {@link #available()} is false
   * @throws IllegalArgumentException for anything but 4-D float32 CPU weights of DJL's PyTorch engine
   */
  public static Packed pack(NDArray weight, NDArray bias, int stride, int padding, Shape inputShape) {
    if (!available()) {
      throw new IllegalStateException("oneDNN's prepacked convolution is not available in this process");
    }
    return packUnchecked(weight, bias, stride, padding, inputShape, false);
  }

  /**
   * {@link #pack}, with the weights rounded to bfloat16 for inputs from {@link OneDnnTensors#toBfloat16}
   * (the bias too: libtorch wants the residual sum's input, weights and bias of one type), for
   * activations in bfloat16, which the convolutions return in bfloat16.
   *
   * @throws IllegalStateException when {@link #available()} or {@link OneDnnTensors#bfloat16Available()} is false
   */
  public static Packed packBfloat16(NDArray weight, NDArray bias, int stride, int padding, Shape inputShape) {
    if (!available() || !OneDnnTensors.bfloat16Available()) {
      throw new IllegalStateException("oneDNN's bfloat16 prepacked convolution is not available in this process");
    }
    return packUnchecked(weight, bias, stride, padding, inputShape, true);
  }

  /**
   * {@code conv(x) + bias}, then relu when {@code relu}: a new channels-last array of {@code x}'s
   * manager. {@code x} must be a float32 N x C x H x W array (any layout; it is made channels-last).
   *
   * @throws IllegalStateException when libtorch reports an error (its message is logged)
   */
  public static NDArray convolve(NDArray x, Packed packed, boolean relu) {
    check(x, packed);
    Memory out = new Memory(Long.BYTES);
    int status = (Integer) convolve.invoke(Integer.class, new Object[] {handle(x), handle(packed.weight()),
        packed.biasSlot(), packed.padding(), 2L, packed.stride(), 2L, ONES, 2L, 1L, relu ? "relu" : "none",
        Pointer.NULL, 0L, Pointer.NULL, out});
    return result(x, status, out, "convolution");
  }

  /**
   * {@code relu(conv(x) + bias + residual)} in one call: a new channels-last array of {@code x}'s
   * manager. {@code residual} must have the output's shape and be channels-last.
   *
   * @throws IllegalStateException when libtorch reports an error (its message is logged)
   */
  public static NDArray convolveAddRelu(NDArray x, NDArray residual, Packed packed) {
    check(x, packed);
    check(residual, packed);
    Memory out = new Memory(Long.BYTES);
    int status = (Integer) convolveBinary.invoke(Integer.class, new Object[] {handle(x), handle(residual),
        handle(packed.weight()), packed.biasSlot(), packed.padding(), 2L, packed.stride(), 2L, ONES, 2L, 1L, "add",
        Pointer.NULL, RELU_ATTR, Pointer.NULL, 0L, Pointer.NULL, out});
    return result(x, status, out, "convolution with a residual sum");
  }

  private static Memory ascii(String text) {
    Memory chars = new Memory(text.length() + 1);
    chars.setString(0, text, "US-ASCII");
    return chars;
  }

  private static Memory slotOf(Pointer p) {
    Memory slot = new Memory(Long.BYTES);
    slot.setPointer(0, p);
    return slot;
  }

  /**
   * A 4-D CPU array of DJL's PyTorch engine in the packed weights' type: float32, or for bfloat16
   * weights one from {@link OneDnnTensors#toBfloat16} or a bfloat16 convolution (DJL names no
   * bfloat16 type; such arrays report {@code UNKNOWN}).
   */
  private static void check(NDArray x, Packed packed) {
    DataType wanted = packed.bfloat16() ? DataType.UNKNOWN : DataType.FLOAT32;
    if (!(x instanceof PtNDArray) || !(x.getManager() instanceof PtNDManager) || x.getShape().dimension() != 4
        || x.getDataType() != wanted || !x.getDevice().equals(Device.cpu())) {
      throw new IllegalArgumentException("a prepacked " + (packed.bfloat16() ? "bfloat16" : "float32")
          + " convolution takes a 4-D " + (packed.bfloat16() ? "bfloat16 (OneDnnTensors.toBfloat16)" : "float32")
          + " CPU array of DJL's PyTorch engine, not " + x.getShape() + " " + x.getDataType() + " on " + x.getDevice());
    }
  }

  private static NDArray result(NDArray x, int status, Memory out, String what) {
    if (status != 0) {
      throw new IllegalStateException("libtorch's oneDNN " + what + " failed (status " + status + ")");
    }
    return new PtNDArray((PtNDManager) x.getManager(), Pointer.nativeValue(out.getPointer(0)));
  }

  private static Pointer handle(NDArray a) {
    return new Pointer(((PtNDArray) a).getHandle());
  }

  private static Packed packUnchecked(NDArray weight, NDArray bias, int stride, int padding, Shape inputShape,
      boolean bfloat16) {
    Shape w = weight.getShape();
    if (!(weight instanceof PtNDArray) || w.dimension() != 4 || weight.getDataType() != DataType.FLOAT32
        || !weight.getDevice().equals(Device.cpu()) || inputShape.dimension() != 4 || inputShape.get(1) != w.get(1)
        || (bias != null && (bias.getShape().dimension() != 1 || bias.getShape().get(0) != w.get(0)))) {
      throw new IllegalArgumentException("cannot pack weights " + w + " " + weight.getDataType() + " on "
          + weight.getDevice() + " for inputs " + inputShape + (bias == null ? "" : " with bias " + bias.getShape()));
    }
    PtNDManager manager = (PtNDManager) weight.getManager();
    try (NDArray contiguous = weight.flatten().reshape(w)) { // plain, contiguous memory (a copy only if not)
      try (NDArray opaqueArray = bfloat16 ? OneDnnTensors.toOneDnnBfloat16(contiguous)
          : OneDnnTensors.toOneDnnUnchecked(contiguous)) {
        Pointer packed = NativeTorch.newTensorSlot();
        Memory groups = new Memory(Long.BYTES);
        groups.setLong(0, 1);
        reorder.invoke(Void.class, new Object[] {packed, handle(opaqueArray),
            new ArrayRef(new long[] {padding, padding}), new ArrayRef(new long[] {stride, stride}),
            new ArrayRef(ONES), groups, new OptionalArrayRef(inputShape.getShape())});
        Memory biasSlot = null;
        NDArray packedBias = bias == null ? null : bfloat16 ? OneDnnTensors.toBfloat16(bias) : bias;
        if (packedBias != null) {
          biasSlot = new Memory(Long.BYTES);
          biasSlot.setPointer(0, handle(packedBias));
        }
        return new Packed(new PtNDArray(manager, Pointer.nativeValue(packed)), packedBias,
            new long[] {stride, stride}, new long[] {padding, padding}, biasSlot, bfloat16);
      }
    }
  }

  /** {@code c10::ArrayRef<c10::SymInt>} by value: data pointer and length (plain integers are SymInts as they are). */
  public static class ArrayRef extends Structure implements Structure.ByValue {
    public Pointer data;
    public long length;

    public ArrayRef() {}

    ArrayRef(long[] values) {
      Memory m = new Memory((long) Long.BYTES * values.length);
      m.write(0, values, 0, values.length);
      data = m;
      length = values.length;
      keep = m;
    }

    private transient Memory keep;

    @Override
    protected List<String> getFieldOrder() {
      return List.of("data", "length");
    }
  }

  /** {@code c10::OptionalArrayRef<c10::SymInt>} by value: an {@code std::optional} of an ArrayRef. */
  public static class OptionalArrayRef extends Structure implements Structure.ByValue {
    public Pointer data;
    public long length;
    public byte engaged;

    public OptionalArrayRef() {}

    OptionalArrayRef(long[] values) {
      Memory m = new Memory((long) Long.BYTES * values.length);
      m.write(0, values, 0, values.length);
      data = m;
      length = values.length;
      engaged = 1;
      keep = m;
    }

    private transient Memory keep;

    @Override
    protected List<String> getFieldOrder() {
      return List.of("data", "length", "engaged");
    }
  }

  private static boolean resolveAndCheck() {
    try {
      NativeLibrary torch = NativeTorch.libtorchCpu();
      reorder = torch.getFunction(REORDER);
      convolve = torch.getFunction(CONVOLVE);
      convolveBinary = torch.getFunction(CONVOLVE_BINARY);
      return checkOnKnownValues();
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      LOG.warn("oneDNN's prepacked convolution is not reachable in libtorch ({}); using eager convolutions",
          e.toString());
      return false;
    }
  }

  /**
   * A 3x3 convolution from 16 to 32 channels with bias on a channels-last batch of 2, stride 1 and 2,
   * with relu and with a residual sum, against DJL's eager convolution of the same values.
   */
  private static boolean checkOnKnownValues() {
    Random random = new Random(3);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray x = m.create(randoms(random, 2 * 16 * 7 * 7), new Shape(2, 16, 7, 7));
      NDArray w = m.create(randoms(random, 32 * 16 * 3 * 3), new Shape(32, 16, 3, 3));
      NDArray b = m.create(randoms(random, 32));
      NDArray xLast = x.transpose(0, 2, 3, 1).flatten().reshape(2, 7, 7, 16).transpose(0, 3, 1, 2);
      for (int stride : new int[] {1, 2}) {
        NDArray expected = Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(1, 1), new Shape(1, 1), 1)
            .singletonOrThrow();
        try (Packed packed = packUnchecked(w, b, stride, 1, new Shape(2, 16, 7, 7), false)) {
          NDArray plainOut = convolve(xLast, packed, false);
          NDArray reluOut = convolve(xLast, packed, true);
          NDArray residual = expected.mul(-0.5f).transpose(0, 2, 3, 1).flatten()
              .reshape(expected.getShape().get(0), expected.getShape().get(2), expected.getShape().get(3), 32)
              .transpose(0, 3, 1, 2);
          NDArray sumOut = convolveAddRelu(xLast, residual, packed);
          if (!close(expected, plainOut) || !close(expected.maximum(0f), reluOut)
              || !close(expected.mul(0.5f).maximum(0f), sumOut)) {
            LOG.warn("oneDNN's prepacked convolution gave other values than libtorch's eager one (stride {}); "
                + "using eager convolutions", stride);
            return false;
          }
        }
      }
      return true;
    }
  }

  private static boolean close(NDArray expected, NDArray actual) {
    if (!expected.getShape().equals(actual.getShape())) {
      return false;
    }
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    for (int i = 0; i < e.length; i++) {
      if (!(Math.abs(e[i] - a[i]) <= 1e-4f + 1e-4f * Math.abs(e[i]))) {
        return false;
      }
    }
    return true;
  }

  private static float[] randoms(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }
}
