package io.emotionstream.emotion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

/**
 * ResNet-18 shaped like torchvision's {@code resnet18}: a stem ({@link Stem}; torchvision's is 7x7/2
 * and a 3x3/2 max pool), four stages of two {@link BasicBlock}s (64, 128, 256, 512 channels), global average pool, {@code fc}.
 * 11,689,512 trainable parameters for 1000 classes. Parameter names follow torchvision's state dict
 * ({@code conv1.weight}, {@code layer2.0.downsample.0.weight}, {@code fc.bias}; see
 * {@link io.emotionstream.weights.StateDict}), so its weights load by name.
 *
 * <p>Written here because DJL's {@code ResNetV1} with 18 layers is a different (bottleneck, 0.9 M
 * parameter) network with other names. Any input size of at least 32 px works (global pooling); a
 * one-channel (grey) input is replicated to three channels, as torchvision expects RGB. The
 * activations' memory layout changes on the way ({@link #channelsLastStages}); the values do not.
 */
public final class ResNet18 extends AbstractBlock {

  /**
   * The first layers, which set the resolution every stage works at. FER2013 faces are 48 px, where
   * torchvision's ImageNet stem leaves stage 4 a 2x2 map; the other two keep more of the face at
   * the cost of compute (see docs/training.md for the measured seconds per epoch and accuracy).
   * Each stem is its own architecture name, so that an artifact can never be run with another
   * stem than it was trained with (the weights of all three have the same shapes but one).
   */
  public enum Stem {
    /** torchvision's: 7x7 stride 2 convolution, 3x3 stride 2 max pool (48 px: stages at 12, 6, 3, 2). */
    IMAGENET("resnet18", 7, 2, true),
    /** The same convolution without the max pool (48 px: stages at 24, 12, 6, 3); about 4x the compute. */
    NO_POOL("resnet18-nopool", 7, 2, false),
    /** A 3x3 stride 1 convolution, no max pool, as ResNets for 32 px images (48 px: stages at 48, 24, 12, 6). */
    S1("resnet18-s1", 3, 1, false);

    private final String architecture;
    private final int kernel;
    private final int stride;
    private final boolean maxPool;

    Stem(String architecture, int kernel, int stride, boolean maxPool) {
      this.architecture = architecture;
      this.kernel = kernel;
      this.stride = stride;
      this.maxPool = maxPool;
    }

    /** The architecture name artifacts of this stem carry. */
    public String architecture() {
      return architecture;
    }

    public int kernel() {
      return kernel;
    }

    public int stride() {
      return stride;
    }

    public int padding() {
      return kernel / 2;
    }

    public boolean maxPool() {
      return maxPool;
    }

    /** The stem of an architecture name, or null when the name is not a ResNet-18 of ours. */
    public static Stem ofArchitecture(String name) {
      for (Stem s : values()) {
        if (s.architecture.equals(name)) {
          return s;
        }
      }
      return null;
    }

    /** The option spelling: {@code imagenet}, {@code no-pool}, {@code s1}. */
    public String optionName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  private final int numClasses;
  private final Stem stem;
  private final Block conv1;
  private final Block bn1;
  private final Block[] layers = new Block[4];
  private final Block fc;

  /**
   * The stem and this many stages run on channels-last activations on the CPU, the rest on plain
   * ones. Measured with {@code bench train} (batch 64 at 48x48, 2 vCPUs AMD EPYC with AVX-512,
   * libtorch 2.7.1), images/s against the whole network on plain activations: 1 thread 1.15x, 2
   * threads 1.11x (medians of 5 alternating runs); the stem alone channels-last 1.06x, the whole
   * network 1.00x (1 thread, 2 runs each). libtorch's max
   * pooling walks plain activations plane by plane and vectorises over channels on channels-last
   * ones (17 against 1.2 ms per step), batch norm is faster on them too, and oneDNN's channels-last
   * convolutions beat its blocked ones on the 12x12 and 6x6 maps of stages 1-2 but not on the 3x3
   * and 2x2 maps of stages 3-4. Not measured on GPUs, which keep plain activations throughout.
   * The plain stages' batch norm runs on rows of their activations when training ({@link BasicBlock}).
   */
  private int channelsLastStages = 2;

  /** Whether the blocks of the stages on plain activations run batch norm on rows when training ({@link BasicBlock}). */
  private boolean batchNormOnRows = true;

  /** With torchvision's ImageNet stem. */
  public ResNet18(int numClasses) {
    this(numClasses, Stem.IMAGENET);
  }

  public ResNet18(int numClasses, Stem stem) {
    this.numClasses = numClasses;
    this.stem = stem;
    conv1 = addChildBlock("conv1", Blocks.conv(64, stem.kernel(), stem.stride(), stem.padding(), false));
    bn1 = addChildBlock("bn1", BatchNorm.builder().build());
    int[] widths = {64, 128, 256, 512};
    int in = 64;
    for (int i = 0; i < 4; i++) {
      int stride = i == 0 ? 1 : 2;
      layers[i] = addChildBlock("layer" + (i + 1), new NamedSequential(
          new BasicBlock(in, widths[i], stride), new BasicBlock(widths[i], widths[i], 1)));
      in = widths[i];
    }
    fc = addChildBlock("fc", Linear.builder().setUnits(numClasses).build());
    applyLayouts();
  }

  /** Tells each block whether it sees plain activations on the CPU (the stages after {@link #channelsLastStages}). */
  private void applyLayouts() {
    for (int i = 0; i < layers.length; i++) {
      for (Pair<String, Block> block : layers[i].getChildren()) {
        ((BasicBlock) block.getValue()).batchNormOnRows(batchNormOnRows && i >= channelsLastStages);
      }
    }
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    int channelsLast = x.getDevice().isGpu() ? 0 : channelsLastStages;
    if (channelsLast > 0) {
      x = x.getShape().get(1) == 1 ? MemoryLayout.greyToChannelsLastRgb(x) : MemoryLayout.channelsLast(x);
    } else if (x.getShape().get(1) == 1) {
      x = x.repeat(1, 3);
    }
    x = Blocks.run(conv1, store, x, training, params);
    x = Activation.relu(Blocks.run(bn1, store, x, training, params));
    if (stem.maxPool()) {
      x = Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
    }
    for (int i = 0; i < layers.length; i++) {
      x = Blocks.run(layers[i], store, x, training, params);
      if (i + 1 == channelsLast) {
        x = MemoryLayout.plain(x);
      }
    }
    x = x.reshape(x.getShape().get(0), x.getShape().get(1), -1).mean(new int[] {2});
    return new NDList(Blocks.run(fc, store, x, training, params));
  }

  /**
   * Sets how many stages (after the stem) run on channels-last activations on the CPU: 0 runs the
   * whole network on plain ones. Only the speed differs; for tests that compare the two.
   */
  void channelsLastStages(int stages) {
    if (stages < 0 || stages > layers.length) {
      throw new IllegalArgumentException("channels-last stages must be 0.." + layers.length + ", not " + stages);
    }
    channelsLastStages = stages;
    applyLayouts();
  }

  /**
   * Sets whether the stages on plain activations run batch norm on rows when training on the CPU
   * ({@link BasicBlock}). Only the speed differs; for tests that compare the two.
   */
  void batchNormOnRows(boolean on) {
    batchNormOnRows = on;
    applyLayouts();
  }

  public Stem stem() {
    return stem;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), numClasses)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    Shape s = Blocks.init(conv1, manager, dataType, new Shape(in.get(0), 3, in.get(2), in.get(3)));
    Blocks.init(bn1, manager, dataType, s);
    if (stem.maxPool()) {
      s = new Shape(s.get(0), s.get(1), (s.get(2) - 1) / 2 + 1, (s.get(3) - 1) / 2 + 1);
    }
    for (Block layer : layers) {
      s = Blocks.init(layer, manager, dataType, s);
    }
    Blocks.init(fc, manager, dataType, new Shape(s.get(0), s.get(1)));
  }
}
