package io.emotionstream.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import io.emotionstream.weights.TfliteReader;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Guards the networks' numbers: PyTorch's convolution against a naive Java one (PyTorch 2.7's oneDNN
 * returns wrong results on AVX-512 CPUs for input channel counts that are not a multiple of 16,
 * e.g. R-Net's 28), and the converted R-Net/O-Net against a plain-Java pass over the original
 * TFLite tensors.
 */
class MtcnnNetworksTest {

  private static NDManager manager;

  @BeforeAll
  static void start() {
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void stop() {
    manager.close();
  }

  private static float[] random(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  /** Naive NCHW valid convolution. */
  private static float[] naiveConv(float[] in, int c, int h, int w, float[] k, int o, int ks) {
    int oh = h - ks + 1;
    int ow = w - ks + 1;
    float[] out = new float[o * oh * ow];
    for (int f = 0; f < o; f++) {
      for (int y = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++) {
          double s = 0;
          for (int ch = 0; ch < c; ch++) {
            for (int a = 0; a < ks; a++) {
              for (int b = 0; b < ks; b++) {
                s += in[(ch * h + y + a) * w + x + b] * k[((f * c + ch) * ks + a) * ks + b];
              }
            }
          }
          out[(f * oh + y) * ow + x] = (float) s;
        }
      }
    }
    return out;
  }

  private static float maxDiff(float[] a, float[] b) {
    float m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  /** PyTorch conv with input channels widened as MtcnnNetworks does equals the naive conv. */
  @ParameterizedTest
  @ValueSource(ints = {3, 10, 16, 20, 24, 28, 32, 48})
  void convolutionWithWidenedChannelsIsExact(int channels) {
    Random r = new Random(channels);
    int batch = 8, h = 11, w = 11, o = 48, k = 3;
    float[] in = random(r, batch * channels * h * w);
    float[] kernel = random(r, o * channels * k * k);
    int per = channels * h * w;
    int outPer = o * (h - k + 1) * (w - k + 1);
    float[] expected = new float[batch * outPer];
    for (int b = 0; b < batch; b++) {
      float[] one = naiveConv(java.util.Arrays.copyOfRange(in, b * per, (b + 1) * per), channels, h, w, kernel, o, k);
      System.arraycopy(one, 0, expected, b * outPer, outPer);
    }
    // the image input (3 channels) is used as is; every other count is widened
    int wide = channels == 3 ? 3 : MtcnnNetworks.convInputChannels(channels);
    MtcnnWeights.Tensor input = new MtcnnWeights.Tensor(new long[] {batch, channels, h, w}, in);
    MtcnnWeights.Tensor weight = new MtcnnWeights.Tensor(new long[] {o, channels, k, k}, kernel);
    try (NDManager m = manager.newSubManager()) {
      NDArray x = m.create(input.zeroExtendedTo(new long[] {batch, wide, h, w}, "input"), new Shape(batch, wide, h, w));
      NDArray wt = m.create(weight.zeroExtendedTo(new long[] {o, wide, k, k}, "weight"), new Shape(o, wide, k, k));
      float[] actual = Conv2d.conv2d(x, wt).singletonOrThrow().toFloatArray();
      float diff = maxDiff(expected, actual);
      assertTrue(diff < 1e-3, channels + " input channels (widened to " + wide + "): max error " + diff);
      if (wide != channels) {
        NDArray raw = m.create(in, new Shape(batch, channels, h, w));
        NDArray rawW = m.create(kernel, new Shape(o, channels, k, k));
        float rawDiff = maxDiff(expected, Conv2d.conv2d(raw, rawW).singletonOrThrow().toFloatArray());
        System.out.printf("conv with %d input channels: unwidened max error %.5f, widened %.6f%n",
            channels, rawDiff, diff);
      }
    }
  }

  @Test
  void widenedChannelCountsAreMultiplesOf16() {
    for (int c : new int[] {10, 20, 24, 28}) {
      assertTrue(MtcnnNetworks.convInputChannels(c) % 16 == 0);
      assertTrue(MtcnnNetworks.convInputChannels(c) >= c);
    }
    assertTrue(MtcnnNetworks.convInputChannels(48) == 48);
  }

  @Test
  void rnetMatchesPlainJavaOnTfliteWeights() {
    compare(MtcnnNetworks.rnet(), MtcnnNetworks.RNET_SIZE);
  }

  @Test
  void onetMatchesPlainJavaOnTfliteWeights() {
    compare(MtcnnNetworks.onet(), MtcnnNetworks.ONET_SIZE);
  }

  @Test
  void pnetMatchesPlainJavaOnTfliteWeights() {
    MtcnnNetworks.Network pnet = MtcnnNetworks.pnet();
    pnet.block().initialize(manager, DataType.FLOAT32, pnet.inputShape());
    MtcnnWeights.load(pnet, manager);
    TfliteReader tfl = TfliteReader.open(MtcnnWeights.tfliteFile("pnet"));
    int h = 17, w = 14;
    float[] image = random(new Random(7), 3 * h * w);
    // plain Java: conv1, prelu, pool 2/2, conv2, prelu, conv3, prelu, 1x1 heads; transposed maps
    NaiveTfliteNetwork.Map3 x = NaiveTfliteNetwork.transposed(image, 3, h, w);
    x = convPrelu(tfl, x, "conv1", "PReLU1", 3);
    x = NaiveTfliteNetwork.maxPool(x, 2, 2);
    x = convPrelu(tfl, x, "conv2", "PReLU2", 3);
    x = convPrelu(tfl, x, "conv3", "PReLU3", 3);
    NaiveTfliteNetwork.Map3 probs = NaiveTfliteNetwork.conv(x, tfl.floats("pnet/conv4-1/weights/read"),
        tfl.floats("pnet/conv4-1/Conv2D_bias"), 1);
    NaiveTfliteNetwork.Map3 reg = NaiveTfliteNetwork.conv(x, tfl.floats("pnet/conv4-2/weights/read"),
        tfl.floats("pnet/conv4-2/Conv2D_bias"), 1);
    try (NDManager m = manager.newSubManager()) {
      NDArray out = pnet.block().forward(new ParameterStore(m, false),
          new NDList(channelsLastInput(m, image, 1, h, w)), false).singletonOrThrow();
      long[] s = out.getShape().getShape();
      float[] v = ScratchBuffers.local().outputs(out);
      int oh = (int) s[2], ow = (int) s[3];
      int n = MtcnnNetworks.PNET_OUTPUTS;
      assertTrue(oh == x.w() && ow == x.h(), "P-Net map is the transpose of the TFLite map");
      float worst = 0;
      for (int y = 0; y < oh; y++) {
        for (int xx = 0; xx < ow; xx++) {
          for (int c = 0; c < 2; c++) {
            worst = Math.max(worst, Math.abs(v[(y * ow + xx) * n + c] - probs.at(xx, y, c)));
          }
          for (int c = 0; c < 4; c++) {
            worst = Math.max(worst, Math.abs(v[(y * ow + xx) * n + 2 + c] - reg.at(xx, y, c)));
          }
        }
      }
      assertTrue(worst < 1e-3, "P-Net max error " + worst);
    }
  }

  /** The detector's input path: NCHW values re-laid out channels-last, viewed as NCHW. */
  private static NDArray channelsLastInput(NDManager m, float[] nchw, int n, int h, int w) {
    float[] nhwc = new float[nchw.length];
    for (int b = 0; b < n; b++) {
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            nhwc[((b * h + y) * w + x) * 3 + c] = nchw[((b * 3 + c) * h + y) * w + x];
          }
        }
      }
    }
    return NetworkInputs.channelsLast(m, nhwc, n, h, w);
  }

  private static NaiveTfliteNetwork.Map3 convPrelu(TfliteReader tfl, NaiveTfliteNetwork.Map3 in,
      String conv, String prelu, int k) {
    NaiveTfliteNetwork.Map3 c = NaiveTfliteNetwork.conv(in, tfl.floats("pnet/" + conv + "/weights/read"),
        tfl.floats("pnet/" + conv + "/Conv2D_bias"), k);
    return new NaiveTfliteNetwork.Map3(c.h(), c.w(), c.c(),
        NaiveTfliteNetwork.prelu(c.v(), tfl.floats("pnet/" + prelu + "/alpha/read")));
  }

  private static void compare(MtcnnNetworks.Network network, int side) {
    network.block().initialize(manager, DataType.FLOAT32, network.inputShape());
    MtcnnWeights.load(network, manager);
    TfliteReader tfl = TfliteReader.open(MtcnnWeights.tfliteFile(network.name()));
    NaiveTfliteNetwork naive = new NaiveTfliteNetwork(tfl, network.name());
    int batch = 3;
    Random r = new Random(11);
    float[] images = new float[batch * 3 * side * side];
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) (r.nextInt(256) - 127.5) / 128f;
    }
    try (NDManager m = manager.newSubManager()) {
      NDArray out = network.block().forward(new ParameterStore(m, false),
          new NDList(channelsLastInput(m, images, batch, side, side)), false).singletonOrThrow();
      float[] actual = out.toFloatArray();
      int n = (int) out.getShape().get(1);
      for (int b = 0; b < batch; b++) {
        float[] one = java.util.Arrays.copyOfRange(images, b * 3 * side * side, (b + 1) * 3 * side * side);
        NaiveTfliteNetwork.Map3 image = NaiveTfliteNetwork.transposed(one, 3, side, side);
        float[] expected = network.name().equals("rnet") ? naive.rnet(image) : naive.onet(image);
        float[] got = java.util.Arrays.copyOfRange(actual, b * n, (b + 1) * n);
        // TFLite's regression/landmark outputs are in image x/y order already (Caffe convention)
        assertArrayEquals(expected, got, 2e-3f, network.name() + " outputs of image " + b);
      }
    }
  }
}
