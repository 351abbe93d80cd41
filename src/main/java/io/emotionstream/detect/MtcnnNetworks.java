package io.emotionstream.detect;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The three MTCNN networks as DJL blocks, in PyTorch's NCHW layout with the image in its normal
 * orientation.
 *
 * <p>Two deliberate differences from a literal transcription, both the same maths:
 * <ul>
 *   <li>Each network's output heads (face/not-face logits, box regression, landmarks) are merged
 *       into one convolution or linear layer whose outputs are concatenated, so a forward pass is
 *       one op fewer per head.</li>
 *   <li>Channel counts that feed a convolution and are not a multiple of 16 (P-Net's 10, R-Net's
 *       28) are widened with zero filters, because PyTorch 2.7's oneDNN CPU convolution returns
 *       wrong results for such input channel counts on AVX-512 machines. {@link MtcnnWeights}
 *       zero-extends the pretrained tensors to these shapes. The widening also keeps the bfloat16
 *       detector ({@code detect.precision}) off a second fault: its convolution with 28 output
 *       channels gave wrong values for the last 12 on an AMD EPYC family 26 ({@code OneDnnTensorsTest}).</li>
 * </ul>
 */
public final class MtcnnNetworks {

  /** Input side of R-Net crops. */
  public static final int RNET_SIZE = 24;
  /** Input side of O-Net crops. */
  public static final int ONET_SIZE = 48;
  /** Number of outputs of P-Net and R-Net: 2 logits then 4 box offsets. */
  public static final int PNET_OUTPUTS = 6;
  /** Number of outputs of O-Net: 2 logits, 4 box offsets, 5 landmark x then 5 landmark y. */
  public static final int ONET_OUTPUTS = 16;

  private MtcnnNetworks() {}

  /**
   * A network and its layers by the names used in the weight files.
   *
   * @param convolutionalLayers how many of the block's first children are convolutions, PReLUs and
   *     max poolings (the rest, from the flattening on, need an ordinary tensor)
   */
  public record Network(String name, Block block, Map<String, Block> layers, Shape inputShape,
      int convolutionalLayers) {}

  /**
   * Widens a channel count that feeds a convolution to a multiple of 16 (see class comment).
   * Public so that tests can check the guard.
   */
  public static int convInputChannels(int channels) {
    return channels % 16 == 0 ? channels : (channels + 15) / 16 * 16;
  }

  /** P-Net: fully convolutional, 12x12 receptive field, stride 2. */
  public static Network pnet() {
    Layers l = new Layers();
    l.conv("conv1", convInputChannels(10), 3).prelu("prelu1", convInputChannels(10))
        .maxPool(2, 2)
        .conv("conv2", 16, 3).prelu("prelu2", 16)
        .conv("conv3", 32, 3).prelu("prelu3", 32)
        .conv("head", PNET_OUTPUTS, 1);
    return new Network("pnet", l.seq, l.layers, new Shape(1, 3, 12, 12), l.convolutionalLayers());
  }

  /** R-Net: refines 24x24 crops. */
  public static Network rnet() {
    Layers l = new Layers();
    l.conv("conv1", convInputChannels(28), 3).prelu("prelu1", convInputChannels(28))
        .maxPool(3, 2)
        .conv("conv2", 48, 3).prelu("prelu2", 48)
        .maxPool(3, 2)
        .conv("conv3", 64, 2).prelu("prelu3", 64)
        .flatten()
        .dense("dense4", 128).prelu("prelu4", 128)
        .dense("head", PNET_OUTPUTS);
    return new Network("rnet", l.seq, l.layers, new Shape(1, 3, RNET_SIZE, RNET_SIZE), l.convolutionalLayers());
  }

  /** O-Net: final 48x48 crops, adds five landmarks. */
  public static Network onet() {
    Layers l = new Layers();
    l.conv("conv1", 32, 3).prelu("prelu1", 32)
        .maxPool(3, 2)
        .conv("conv2", 64, 3).prelu("prelu2", 64)
        .maxPool(3, 2)
        .conv("conv3", 64, 3).prelu("prelu3", 64)
        .maxPool(2, 2)
        .conv("conv4", 128, 2).prelu("prelu4", 128)
        .flatten()
        .dense("dense5", 256).prelu("prelu5", 256)
        .dense("head", ONET_OUTPUTS);
    return new Network("onet", l.seq, l.layers, new Shape(1, 3, ONET_SIZE, ONET_SIZE), l.convolutionalLayers());
  }

  /** Small fluent helper that also remembers each named layer. */
  private static final class Layers {
    final SequentialBlock seq = new SequentialBlock();
    final Map<String, Block> layers = new LinkedHashMap<>();
    private int flattenAt = -1;

    int convolutionalLayers() {
      return flattenAt < 0 ? seq.getChildren().size() : flattenAt;
    }

    Layers conv(String name, int filters, int kernel) {
      return add(name, Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).setFilters(filters).build());
    }

    Layers prelu(String name, int channels) {
      return add(name, new PerChannelPrelu(channels));
    }

    Layers dense(String name, int units) {
      return add(name, Linear.builder().setUnits(units).build());
    }

    Layers maxPool(int kernel, int stride) {
      // Caffe pools with ceil mode; so do the TFLite graphs ('SAME' pads only the far side)
      seq.add(Pool.maxPool2dBlock(new Shape(kernel, kernel), new Shape(stride, stride), new Shape(0, 0), true));
      return this;
    }

    Layers flatten() {
      flattenAt = seq.getChildren().size();
      seq.add(Blocks.batchFlattenBlock());
      return this;
    }

    private Layers add(String name, Block block) {
      seq.add(block);
      layers.put(name, block);
      return this;
    }
  }
}
