package io.emotionstream.detect;

import io.emotionstream.weights.TfliteReader;

/**
 * A plain-Java forward pass of R-Net and O-Net straight from the TFLite tensors, in the TFLite
 * graph's own conventions (NHWC, transposed image, OHWI kernels, H,W,C flatten): an independent
 * check of both the weight conversion and the convolutions PyTorch computes.
 */
final class NaiveTfliteNetwork {

  /** A feature map in HWC order. */
  record Map3(int h, int w, int c, float[] v) {
    float at(int y, int x, int ch) {
      return v[(y * w + x) * c + ch];
    }
  }

  private final TfliteReader tfl;
  private final String prefix;

  NaiveTfliteNetwork(TfliteReader tfl, String name) {
    this.tfl = tfl;
    this.prefix = name + "/";
  }

  /** The image (rows = image y) transposed to the graph's orientation (rows = image x). */
  static Map3 transposed(float[] chw, int channels, int height, int width) {
    float[] v = new float[chw.length];
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          v[(x * height + y) * channels + c] = chw[(c * height + y) * width + x];
        }
      }
    }
    return new Map3(width, height, channels, v);
  }

  /** Valid convolution, stride 1, OHWI kernel. */
  static Map3 conv(Map3 in, float[] kernel, float[] bias, int k) {
    int o = bias.length;
    int oh = in.h() - k + 1;
    int ow = in.w() - k + 1;
    float[] out = new float[oh * ow * o];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        for (int f = 0; f < o; f++) {
          double s = bias[f];
          for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
              for (int c = 0; c < in.c(); c++) {
                s += in.at(y + a, x + b, c) * kernel[((f * k + a) * k + b) * in.c() + c];
              }
            }
          }
          out[(y * ow + x) * o + f] = (float) s;
        }
      }
    }
    return new Map3(oh, ow, o, out);
  }

  static float[] prelu(float[] v, float[] alpha) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      float a = alpha[i % alpha.length];
      out[i] = v[i] > 0 ? v[i] : a * v[i];
    }
    return out;
  }

  /** Max pooling, windows that run past the far edge are cut (Caffe's ceil mode). */
  static Map3 maxPool(Map3 in, int k, int s) {
    int oh = (int) Math.ceil((in.h() - k) / (double) s) + 1;
    int ow = (int) Math.ceil((in.w() - k) / (double) s) + 1;
    float[] out = new float[oh * ow * in.c()];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        for (int c = 0; c < in.c(); c++) {
          float m = Float.NEGATIVE_INFINITY;
          for (int a = 0; a < k && y * s + a < in.h(); a++) {
            for (int b = 0; b < k && x * s + b < in.w(); b++) {
              m = Math.max(m, in.at(y * s + a, x * s + b, c));
            }
          }
          out[(y * ow + x) * in.c() + c] = m;
        }
      }
    }
    return new Map3(oh, ow, in.c(), out);
  }

  static float[] dense(float[] in, float[] weight, float[] bias) {
    float[] out = new float[bias.length];
    for (int u = 0; u < bias.length; u++) {
      double s = bias[u];
      for (int i = 0; i < in.length; i++) {
        s += in[i] * weight[u * in.length + i];
      }
      out[u] = (float) s;
    }
    return out;
  }

  private Map3 convPrelu(Map3 in, String conv, String prelu, int k) {
    Map3 c = conv(in, tfl.floats(prefix + conv + "/weights/read"), tfl.floats(prefix + conv + "/Conv2D_bias"), k);
    return new Map3(c.h(), c.w(), c.c(), prelu(c.v(), tfl.floats(prefix + prelu + "/alpha/read")));
  }

  private float[] fc(float[] in, String name) {
    return dense(in, tfl.floats(prefix + name + "/weights/read/transpose"),
        tfl.floats(prefix + name + "/" + name + "/MatMul_bias"));
  }

  /** R-Net on one image: 2 logits then 4 box offsets. */
  float[] rnet(Map3 image) {
    Map3 x = maxPool(convPrelu(image, "conv1", "prelu1", 3), 3, 2);
    x = maxPool(convPrelu(x, "conv2", "prelu2", 3), 3, 2);
    x = convPrelu(x, "conv3", "prelu3", 2);
    float[] h = prelu(fc(x.v(), "conv4"), tfl.floats(prefix + "prelu4/alpha/read"));
    return concat(fc(h, "conv5-1"), fc(h, "conv5-2"));
  }

  /** O-Net on one image: 2 logits, 4 box offsets, 10 landmarks. */
  float[] onet(Map3 image) {
    Map3 x = maxPool(convPrelu(image, "conv1", "prelu1", 3), 3, 2);
    x = maxPool(convPrelu(x, "conv2", "prelu2", 3), 3, 2);
    x = maxPool(convPrelu(x, "conv3", "prelu3", 3), 2, 2);
    x = convPrelu(x, "conv4", "prelu4", 2);
    float[] h = prelu(fc(x.v(), "conv5"), tfl.floats(prefix + "prelu5/alpha/read"));
    return concat(fc(h, "conv6-1"), fc(h, "conv6-2"), fc(h, "conv6-3"));
  }

  private static float[] concat(float[]... parts) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    float[] out = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
