package io.emotionstream.emotion;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.emotionstream.torch.OneDnnTensors;
import io.emotionstream.torch.Precision;
import io.emotionstream.torch.PrepackedConvolution;
import io.emotionstream.weights.StateDict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ResNet18} for inference only, made from a trained one by {@link #fold}: the same outputs
 * (up to float rounding) with fewer and cheaper operations.
 * <ul>
 *   <li>Every batch norm is folded into the convolution before it: per output channel
 *       {@code w' = w * gamma / sqrt(var + eps)} and a bias {@code b' = beta - mean * gamma / sqrt(var + eps)},
 *       so each layer is conv(+bias), relu; there is no batch-norm operation left (20 in ResNet-18,
 *       each a pass over its activations).</li>
 *   <li>With a grey input, the stem convolution's weights are summed over its three input channels:
 *       the network replicates the grey channel to three, and a convolution of three equal channels
 *       is one convolution of that channel with the summed weights; no replication, a third of the
 *       stem's work.</li>
 *   <li>Each weight is kept in two layouts, chosen by the batch size. One face: channels-last
 *       weights, so libtorch's native im2col kernels (which it uses for 3x3 convolutions at batch 1)
 *       take and return channels-last activations, and max pooling vectorises over channels; plain
 *       (NCHW) weights there ran about 3x slower (69 against 195 images/s, 1 thread). Several faces: plain weights, which libtorch hands to
 *       oneDNN; oneDNN reorders every layer's weights into its blocked layout on every call, and
 *       from the plain layout that took 4.4 ms per batch of 8 against 6.8 ms from channels-last
 *       ({@code ONEDNN_VERBOSE}, 1 thread), while its blocked kernels were no slower (7.5 against
 *       8.0 ms). The second copy costs the weights' size again (45 MB). The stem and its max
 *       pooling run channels-last at every batch size.</li>
 *   <li>The residual sum is added in place.</li>
 *   <li>Where libtorch's oneDNN prepacked convolutions are available ({@link PrepackedConvolution})
 *       and the input size is known when the model is loaded, every convolution gets its weights
 *       reordered into oneDNN's layout once, here (a downsample convolution only where it computes
 *       what the eager one does, see {@link #packedIfRight}), and runs on channels-last
 *       activations with its relu (and the residual sum) in the same call, at every batch size;
 *       a comparison with the eager path on random batches of 1, 8 and 32 decides, once per load,
 *       whether the model is served that way (see {@link #forwardPrepacked}).</li>
 *   <li>With {@code inference.precision=bfloat16} and a CPU with native bfloat16, the packed
 *       weights, biases and activations are bfloat16 (the input converted once, the last stage's
 *       output back to float32 for the pooling and the last layer): 1.65-1.96x the float32
 *       network's images/s at batches of 1-32 (one thread, AMD EPYC family 25, docs/performance.md),
 *       PublicTest accuracy and macro-F1 within 0.1 points of float32's.</li>
 * </ul>
 * Training keeps {@link ResNet18}: batch norm learns its statistics there. Written here because
 * libtorch's own folding ({@code torch.jit.freeze}) needs a TorchScript module, which DJL cannot
 * make from a Java block.
 */
final class FoldedResNet18 extends AbstractBlock {

  /** Batch norm's epsilon: DJL's default, which {@link ResNet18} and {@link BasicBlock} use (torchvision's too). */
  static final double EPSILON = 1e-5;

  private final int inputChannels;
  private final boolean maxPool;
  private final FoldedConv stem;
  private final List<Unit> units = new ArrayList<>();
  private final Parameter fcWeight;
  private final Parameter fcBias;
  /** The convolutions packed for oneDNN, for inputs of {@link Prepacked#height} x {@link Prepacked#width}; null: eager. */
  private volatile Prepacked prepacked;

  private static final Logger LOG = LoggerFactory.getLogger(FoldedResNet18.class);
  /** Largest difference of a logit between the prepacked and the eager path that the load-time comparison accepts. */
  static final float PREPACKED_TOLERANCE = 1e-3f;
  /**
   * The same for bfloat16 convolutions, whose 8 significant bits move each layer's outputs by up
   * to about 2^-8 of their size: the bundled model's logits on the check batches moved by 0.0196
   * (AVX-512 with avx512_bf16), the same bound as the detector's bfloat16 check.
   */
  static final float BFLOAT16_TOLERANCE = 0.05f;

  private FoldedResNet18(ResNet18 trained, int inputChannels, NDManager manager) {
    this.inputChannels = inputChannels;
    this.maxPool = trained.stem().maxPool();
    Map<String, Parameter> p = StateDict.parameters(trained);
    stem = fold(p, "conv1", "bn1", trained.stem().stride(), trained.stem().padding(), inputChannels == 1, manager);
    for (int layer = 1; layer <= 4; layer++) {
      for (int block = 0; block < 2; block++) {
        String name = "layer" + layer + "." + block;
        int stride = layer > 1 && block == 0 ? 2 : 1;
        FoldedConv downsample = p.containsKey(name + ".downsample.0.weight")
            ? fold(p, name + ".downsample.0", name + ".downsample.1", stride, 0, false, manager)
            : null;
        units.add(new Unit(fold(p, name + ".conv1", name + ".bn1", stride, 1, false, manager),
            fold(p, name + ".conv2", name + ".bn2", 1, 1, false, manager), downsample));
      }
    }
    fcWeight = copy("fc.weight", Parameter.Type.WEIGHT, p.get("fc.weight"), manager);
    fcBias = copy("fc.bias", Parameter.Type.BIAS, p.get("fc.bias"), manager);
  }

  /**
   * The inference network of {@code trained}, its arrays on {@code manager}; {@code trained} is
   * left as it is (close its parameters if it is no longer needed).
   *
   * @param inputChannels 1 for a grey input (the stem's weights are summed over RGB), else 3
   */
  static FoldedResNet18 fold(ResNet18 trained, int inputChannels, NDManager manager) {
    if (inputChannels != 1 && inputChannels != 3) {
      throw new IllegalArgumentException("ResNet-18 takes 1 or 3 input channels, not " + inputChannels);
    }
    FoldedResNet18 folded = new FoldedResNet18(trained, inputChannels, manager);
    folded.freezeParameters(true);
    return folded;
  }

  /**
   * {@link #fold(ResNet18, int, NDManager)}, and for inputs of {@code height x width} the
   * convolutions packed once for oneDNN where that is available and gives the eager path's outputs.
   */
  static FoldedResNet18 fold(ResNet18 trained, int inputChannels, int height, int width, NDManager manager) {
    return fold(trained, inputChannels, height, width, manager, Precision.FLOAT32);
  }

  /**
   * {@link #fold(ResNet18, int, int, int, NDManager)} with the packed convolutions computing in
   * {@code precision}. {@code BFLOAT16} packs the weights in bfloat16 where the CPU has native
   * bfloat16 ({@link OneDnnTensors#bfloat16Available()}) and keeps them when the network's logits on
   * random batches lie within {@link #BFLOAT16_TOLERANCE} of the eager float32 path's; otherwise the
   * network is packed in float32 (logged).
   */
  static FoldedResNet18 fold(ResNet18 trained, int inputChannels, int height, int width, NDManager manager,
      Precision precision) {
    FoldedResNet18 folded = fold(trained, inputChannels, manager);
    boolean bfloat16 = precision.wantsBfloat16();
    if (bfloat16 && !Device.cpu().equals(manager.getDevice())) {
      LOG.info("inference.precision={} applies to CPU workers; the worker on {} computes in float32",
          precision.settingName(), manager.getDevice());
      bfloat16 = false;
    } else if (bfloat16 && !OneDnnTensors.bfloat16Available()) {
      LOG.info("inference.precision={}: {} (bfloat16 needs oneDNN's layout and a CPU with avx512bw, avx512vl, "
          + "avx512dq and avx512_bf16); the classifier computes in float32", precision.settingName(),
          precision == Precision.AUTO ? "this CPU has no native bfloat16" : "not available here");
      bfloat16 = false;
    }
    if (!bfloat16 || !folded.prepack(height, width, manager, true)) {
      folded.prepack(height, width, manager, false);
    }
    return folded;
  }

  /** Whether the prepacked convolutions compute in bfloat16 (see {@link #fold(ResNet18, int, int, int, NDManager, Precision)}). */
  boolean bfloat16() {
    Prepacked p = prepacked;
    return p != null && p.bfloat16;
  }

  /** Whether inputs of this size run on the prepacked convolutions. */
  boolean prepackedFor(long height, long width) {
    Prepacked p = prepacked;
    return p != null && p.height == height && p.width == width;
  }

  /**
   * Packs the convolutions for {@code height x width} inputs and keeps them when the prepacked
   * network's outputs match the eager one's on random batches of 1, 8 and 32 (oneDNN picks its
   * kernels per shape, and libtorch 2.7.1 has computed some shapes wrongly on channels-last memory,
   * see {@link FoldedConv#applyPlain}); otherwise the eager path stays, with a warning.
   *
   * @param bfloat16 weights and activations in bfloat16, compared within {@link #BFLOAT16_TOLERANCE}
   * @return whether the packed network is kept
   */
  private boolean prepack(int height, int width, NDManager manager, boolean bfloat16) {
    if (!Device.cpu().equals(manager.getDevice()) || !PrepackedConvolution.available()) {
      return false; // oneDNN is libtorch's CPU backend; GPUs keep the eager path
    }
    Prepacked candidate = new Prepacked(height, width, bfloat16,
        stem.pack(inputChannels, height, width, PACK_BATCH, bfloat16));
    long h = stem.outputSide(height);
    long w = stem.outputSide(width);
    if (maxPool) {
      h = (h + 1) / 2;
      w = (w + 1) / 2;
    }
    long channels = stem.outputChannels();
    for (Unit unit : units) {
      PrepackedConvolution.Packed c1 = unit.conv1().pack(channels, h, w, PACK_BATCH, bfloat16);
      PrepackedConvolution.Packed down = unit.downsample() == null ? null
          : packedIfRight(unit.downsample(), channels, h, w, manager, bfloat16);
      h = unit.conv1().outputSide(h);
      w = unit.conv1().outputSide(w);
      channels = unit.conv1().outputChannels();
      candidate.units.add(new PackedUnit(c1, unit.conv2().pack(channels, h, w, PACK_BATCH, bfloat16), down));
    }
    float worst = 0;
    Random random = new Random(5);
    for (int batch : new int[] {1, 8, 32}) {
      float[] x = new float[batch * inputChannels * height * width];
      for (int i = 0; i < x.length; i++) {
        x[i] = random.nextFloat() * 4 - 2; // pre-processed pixels lie in about [-2, 2]
      }
      try (NDManager scope = manager.newSubManager()) {
        ParameterStore store = new ParameterStore(scope, false);
        NDArray in = scope.create(x, new Shape(batch, inputChannels, height, width));
        float[] eager = forwardEager(store, in, false).toFloatArray();
        float[] packed = forwardPrepacked(store, in, candidate, false).toFloatArray();
        worst = Math.max(worst, worstDifference(eager, packed));
      }
    }
    if (worst <= (bfloat16 ? BFLOAT16_TOLERANCE : PREPACKED_TOLERANCE)) {
      Prepacked old = prepacked;
      prepacked = candidate;
      if (old != null) {
        old.close();
      }
      if (bfloat16) {
        LOG.info("the classifier's convolutions compute in bfloat16 (inference.precision); logits on the check "
            + "batches within {} (relative) of float32's", worst);
      }
      return true;
    }
    LOG.warn("ResNet-18 on oneDNN's prepacked {} convolutions differs from the eager path by {} (relative) for "
        + "{}x{} inputs; {}", bfloat16 ? "bfloat16" : "float32", worst, height, width,
        bfloat16 ? "packing it in float32" : "serving it on eager convolutions");
    candidate.close();
    return false;
  }

  /**
   * A downsample convolution packed for oneDNN when it computes what the plain eager convolution
   * does on random batches of 1, 8 and 32 channels-last inputs of {@code channels x h x w}, else
   * null (it then stays eager on plain activations): libtorch 2.7.1's eager convolution computed the
   * 256-to-512 one wrongly on channels-last memory (see {@link FoldedConv#applyPlain}), so each is
   * checked on its own before the whole network is compared.
   */
  private static PrepackedConvolution.Packed packedIfRight(FoldedConv conv, long channels, long h, long w,
      NDManager manager, boolean bfloat16) {
    PrepackedConvolution.Packed packed = conv.pack(channels, h, w, PACK_BATCH, bfloat16);
    float worst = 0;
    Random random = new Random(7);
    for (int batch : new int[] {1, 8, 32}) {
      float[] x = new float[(int) (batch * channels * h * w)];
      for (int i = 0; i < x.length; i++) {
        x[i] = random.nextFloat() * 4; // activations after a relu
      }
      try (NDManager scope = manager.newSubManager()) {
        ParameterStore store = new ParameterStore(scope, false);
        NDArray in = MemoryLayout.channelsLast(scope.create(x, new Shape(batch, channels, h, w)));
        float[] eager = conv.applyPlain(store, in, false).toFloatArray();
        NDArray fast = bfloat16
            ? OneDnnTensors.toDense(PrepackedConvolution.convolve(OneDnnTensors.toBfloat16(in), packed, false))
            : PrepackedConvolution.convolve(in, packed, false);
        worst = Math.max(worst, worstDifference(eager, MemoryLayout.plain(fast).toFloatArray()));
      }
    }
    if (worst <= (bfloat16 ? BFLOAT16_TOLERANCE : PREPACKED_TOLERANCE)) {
      return packed;
    }
    LOG.info("a {}-to-{} downsample convolution on oneDNN's prepacked weights differs from the eager one by {} "
        + "(relative) on {}x{} maps; it stays eager", channels, conv.outputChannels(), worst, h, w);
    packed.close();
    return null;
  }

  /** The largest of {@code |expected - actual| / (1 + |expected|)}; infinite where either is NaN. */
  private static float worstDifference(float[] expected, float[] actual) {
    float worst = 0;
    for (int i = 0; i < expected.length; i++) {
      float d = Math.abs(expected[i] - actual[i]) / (1 + Math.abs(expected[i]));
      worst = Float.isNaN(d) ? Float.POSITIVE_INFINITY : Math.max(worst, d);
    }
    return worst;
  }

  /**
   * The batch size the weights are packed for: oneDNN chose the same kernels and weight layout
   * for batches of 1 to 32 of this network (no weight reorder per call in {@code ONEDNN_VERBOSE}).
   */
  private static final int PACK_BATCH = 8;

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    if (x.getShape().dimension() != 4 || x.getShape().get(1) != inputChannels) {
      throw new IllegalArgumentException("ResNet-18 input must be N x " + inputChannels + " x H x W, not "
          + x.getShape());
    }
    Prepacked p = prepacked;
    if (!training && p != null && p.height == x.getShape().get(2) && p.width == x.getShape().get(3)) {
      return new NDList(forwardPrepacked(store, x, p, training));
    }
    return new NDList(forwardEager(store, x, training));
  }

  /**
   * On oneDNN with the weights packed at load time: channels-last activations throughout, each
   * convolution with its relu in one call and each block's second convolution with the residual
   * sum and relu in one call. A downsample convolution that failed its check when packed stays
   * eager on plain activations (see {@link FoldedConv#applyPlain}).
   */
  private NDArray forwardPrepacked(ParameterStore store, NDArray input, Prepacked p, boolean training) {
    NDArray x = MemoryLayout.channelsLast(input);
    x = PrepackedConvolution.convolve(p.bfloat16 ? OneDnnTensors.toBfloat16(x) : x, p.stem, true);
    if (maxPool) {
      x = Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
    }
    for (int i = 0; i < units.size(); i++) {
      Unit unit = units.get(i);
      PackedUnit packed = p.units.get(i);
      NDArray out = PrepackedConvolution.convolve(x, packed.conv1(), true);
      NDArray residual = unit.downsample() == null ? x
          : packed.downsample() != null ? PrepackedConvolution.convolve(x, packed.downsample(), false)
          : eagerDownsample(store, unit.downsample(), x, p.bfloat16, training);
      x = PrepackedConvolution.convolveAddRelu(out, residual, packed.conv2());
    }
    return pooledLogits(store, p.bfloat16 ? OneDnnTensors.toDense(x) : x, true, training);
  }

  /** A downsample convolution that stays eager: in float32 on plain activations, back in {@code x}'s format. */
  private static NDArray eagerDownsample(ParameterStore store, FoldedConv downsample, NDArray x, boolean bfloat16,
      boolean training) {
    NDArray out = MemoryLayout.channelsLast(downsample.applyPlain(store, bfloat16 ? OneDnnTensors.toDense(x) : x,
        training));
    return bfloat16 ? OneDnnTensors.toBfloat16(out) : out;
  }

  private NDArray forwardEager(ParameterStore store, NDArray x, boolean training) {
    boolean single = x.getShape().get(0) == 1;
    // the stem runs channels-last at every batch size: max pooling on channels-last activations took
    // 5% of a batch of 8 on plain ones; with it, 6-12% more images/s at batch 8-32 (1 thread)
    x = Activation.relu(stem.apply(store, x, true, training));
    if (maxPool) {
      x = Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
    }
    if (!single) {
      x = MemoryLayout.plain(x); // for the oneDNN layers
    }
    for (Unit unit : units) {
      NDArray out = Activation.relu(unit.conv1().apply(store, x, single, training));
      out = unit.conv2().apply(store, out, single, training);
      out.addi(unit.downsample() == null ? x : unit.downsample().applyPlain(store, x, training));
      x = Activation.relu(out);
    }
    return pooledLogits(store, x, single, training);
  }

  /** Global average pooling and the last layer; channels-last activations are averaged over an (N, H * W, C) view. */
  private NDArray pooledLogits(ParameterStore store, NDArray x, boolean channelsLast, boolean training) {
    Shape s = x.getShape();
    x = channelsLast
        ? x.transpose(0, 2, 3, 1).reshape(s.get(0), s.get(2) * s.get(3), s.get(1)).mean(new int[] {1})
        : x.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).mean(new int[] {2});
    Device device = x.getDevice();
    return Linear.linear(x, store.getValue(fcWeight, device, training), store.getValue(fcBias, device, training))
        .singletonOrThrow();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), fcBias.getArray().getShape().get(0))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // made from trained weights: nothing to initialise
  }

  /** One basic block: conv1-relu-conv2 plus the identity or the downsample convolution. */
  private record Unit(FoldedConv conv1, FoldedConv conv2, FoldedConv downsample) {}

  /** A basic block's convolutions packed for oneDNN; {@code downsample} null where there is none or it stays eager. */
  private record PackedUnit(PrepackedConvolution.Packed conv1, PrepackedConvolution.Packed conv2,
      PrepackedConvolution.Packed downsample) {}

  /** The packed convolutions for one input size; they live on the model's manager. */
  private static final class Prepacked implements AutoCloseable {
    final long height;
    final long width;
    final boolean bfloat16;
    final PrepackedConvolution.Packed stem;
    final List<PackedUnit> units = new ArrayList<>();

    Prepacked(long height, long width, boolean bfloat16, PrepackedConvolution.Packed stem) {
      this.height = height;
      this.width = width;
      this.bfloat16 = bfloat16;
      this.stem = stem;
    }

    @Override
    public void close() {
      stem.close();
      for (PackedUnit u : units) {
        u.conv1().close();
        u.conv2().close();
        if (u.downsample() != null) {
          u.downsample().close();
        }
      }
    }
  }

  /**
   * A convolution with its batch norm folded in: {@code weight} in the plain layout (the parameter)
   * and {@code channelsLast}, the same values stored channels-last, for batches of one.
   */
  private record FoldedConv(Parameter weight, NDArray channelsLast, Parameter bias, Shape stride, Shape padding) {

    /**
     * On plain activations with plain weights at every batch size: the downsample convolutions
     * (1x1, stride 2). libtorch 2.7.1 computes a 1x1 stride-2 convolution from 256 to 512 channels
     * wrongly when its weights or activations are channels-last (errors of about 5 on outputs of
     * about 10, AVX-512 CPU; at batch 1 on a 12x12 map, at batch 64 on every map from 3x3 to 12x12),
     * while 64-to-128 and 128-to-256 are right; the stem with a stride-1 3x3 convolution feeds stage
     * 4 a 12x12 map. {@code FoldedResNet18Test} compares every stem with the trained network.
     */
    NDArray applyPlain(ParameterStore store, NDArray x, boolean training) {
      Device device = x.getDevice();
      return Conv2d.conv2d(MemoryLayout.plain(x), store.getValue(weight, device, training),
          store.getValue(bias, device, training), stride, padding, new Shape(1, 1), 1).singletonOrThrow();
    }

    /** The weights packed for oneDNN for inputs of {@code channels x h x w}, batches like {@code batch}. */
    PrepackedConvolution.Packed pack(long channels, long h, long w, int batch, boolean bfloat16) {
      Shape input = new Shape(batch, channels, h, w);
      return bfloat16
          ? PrepackedConvolution.packBfloat16(weight.getArray(), bias.getArray(), (int) stride.get(0),
              (int) padding.get(0), input)
          : PrepackedConvolution.pack(weight.getArray(), bias.getArray(), (int) stride.get(0), (int) padding.get(0),
              input);
    }

    long outputChannels() {
      return weight.getArray().getShape().get(0);
    }

    /** Output side for an input side (dilation 1). */
    long outputSide(long side) {
      long kernel = weight.getArray().getShape().get(2);
      return (side + 2 * padding.get(0) - kernel) / stride.get(0) + 1;
    }

    NDArray apply(ParameterStore store, NDArray x, boolean single, boolean training) {
      Device device = x.getDevice();
      NDArray w = single ? channelsLast.toDevice(device, false) : store.getValue(weight, device, training);
      return Conv2d.conv2d(x, w, store.getValue(bias, device, training), stride, padding, new Shape(1, 1), 1)
          .singletonOrThrow();
    }
  }

  /**
   * Folds {@code bn} into {@code conv} (no bias), in double precision. With {@code sumInputChannels}
   * the weights are summed over their input channels (for a grey input replicated to them).
   */
  private FoldedConv fold(Map<String, Parameter> p, String conv, String bn, int stride, int padding,
      boolean sumInputChannels, NDManager manager) {
    NDArray weightArray = p.get(conv + ".weight").getArray();
    Shape shape = weightArray.getShape();
    float[] w = weightArray.toFloatArray();
    float[] gamma = p.get(bn + ".weight").getArray().toFloatArray();
    float[] beta = p.get(bn + ".bias").getArray().toFloatArray();
    float[] mean = p.get(bn + ".running_mean").getArray().toFloatArray();
    float[] var = p.get(bn + ".running_var").getArray().toFloatArray();
    int out = (int) shape.get(0);
    int in = (int) shape.get(1);
    int kernel = (int) (shape.get(2) * shape.get(3));
    int foldedIn = sumInputChannels ? 1 : in;
    float[] hwc = new float[out * kernel * foldedIn]; // (out, kh, kw, in): channels-last
    float[] bias = new float[out];
    for (int o = 0; o < out; o++) {
      double scale = gamma[o] / Math.sqrt(var[o] + EPSILON);
      bias[o] = (float) (beta[o] - mean[o] * scale);
      for (int k = 0; k < kernel; k++) {
        double sum = 0;
        for (int i = 0; i < in; i++) {
          double v = w[(o * in + i) * kernel + k];
          if (sumInputChannels) {
            sum += v;
          } else {
            hwc[(o * kernel + k) * foldedIn + i] = (float) (v * scale);
          }
        }
        if (sumInputChannels) {
          hwc[o * kernel + k] = (float) (sum * scale);
        }
      }
    }
    Shape plain = new Shape(out, foldedIn, shape.get(2), shape.get(3));
    NDArray channelsLast = manager.create(hwc, new Shape(out, shape.get(2), shape.get(3), foldedIn))
        .transpose(0, 3, 1, 2);
    NDArray weight = manager.create(channelsLast.toFloatArray(), plain);
    return new FoldedConv(
        addParameter(Parameter.builder().setName(conv + ".weight").setType(Parameter.Type.WEIGHT).optArray(weight).build()),
        channelsLast,
        addParameter(Parameter.builder().setName(conv + ".bias").setType(Parameter.Type.BIAS)
            .optArray(manager.create(bias)).build()),
        new Shape(stride, stride), new Shape(padding, padding));
  }

  private Parameter copy(String name, Parameter.Type type, Parameter from, NDManager manager) {
    NDArray a = from.getArray();
    return addParameter(Parameter.builder().setName(name).setType(type)
        .optArray(manager.create(a.toFloatArray(), a.getShape())).build());
  }
}
