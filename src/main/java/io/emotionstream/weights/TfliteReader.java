package io.emotionstream.weights;

import com.google.flatbuffers.Table;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads constant float32 tensors by name from a TFLite model file.
 *
 * <p>Written against flatbuffers' generic {@link Table} API instead of classes generated from the
 * TFLite schema: we only need four tables (Model, SubGraph, Tensor, Buffer) and a handful of
 * fields, and this avoids a code generator or TensorFlow Lite itself as a dependency. Field numbers
 * come from TensorFlow Lite's {@code schema.fbs}.
 */
public final class TfliteReader {

  /** TFLite tensor type code for float32. */
  public static final int FLOAT32 = 0;

  // schema.fbs field numbers
  private static final int MODEL_SUBGRAPHS = 2;
  private static final int MODEL_BUFFERS = 4;
  private static final int SUBGRAPH_TENSORS = 0;
  private static final int TENSOR_SHAPE = 0;
  private static final int TENSOR_TYPE = 1;
  private static final int TENSOR_BUFFER = 2;
  private static final int TENSOR_NAME = 3;
  private static final int BUFFER_DATA = 0;

  /** A tensor's declaration in the first subgraph. */
  public record TensorInfo(String name, int[] shape, int type, int buffer) {
    public TensorInfo {
      shape = shape.clone();
    }

    @Override
    public int[] shape() {
      return shape.clone();
    }

    /** Number of elements (product of the shape). */
    public int size() {
      int n = 1;
      for (int d : shape) {
        n *= d;
      }
      return n;
    }
  }

  private final Path file;
  private final ByteBuffer bytes;
  private final Map<String, TensorInfo> tensors;
  private final FlatTable model;

  private TfliteReader(Path file, ByteBuffer bytes) {
    this.file = file;
    this.bytes = bytes;
    if (bytes.capacity() < 8 || !FlatTable.hasIdentifier(bytes, "TFL3")) {
      throw new IllegalArgumentException(file + " is not a TFLite model (file identifier TFL3 missing)");
    }
    this.model = new FlatTable(bytes.getInt(bytes.position()) + bytes.position(), bytes);
    if (model.vectorLength(MODEL_SUBGRAPHS) < 1) {
      throw new IllegalArgumentException(file + " has no subgraph");
    }
    FlatTable subgraph = model.tableAt(MODEL_SUBGRAPHS, 0);
    Map<String, TensorInfo> byName = new LinkedHashMap<>();
    int count = subgraph.vectorLength(SUBGRAPH_TENSORS);
    for (int i = 0; i < count; i++) {
      FlatTable t = subgraph.tableAt(SUBGRAPH_TENSORS, i);
      TensorInfo info = new TensorInfo(t.string(TENSOR_NAME), t.intVector(TENSOR_SHAPE),
          t.ubyte(TENSOR_TYPE, FLOAT32), (int) t.uint(TENSOR_BUFFER, 0));
      byName.put(info.name(), info);
    }
    this.tensors = Collections.unmodifiableMap(byName);
  }

  /** Opens (reads fully) a {@code .tflite} file. */
  public static TfliteReader open(Path file) {
    try {
      ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
      return new TfliteReader(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read TFLite model " + file, e);
    }
  }

  /** The file this reader was opened on. */
  public Path file() {
    return file;
  }

  /** Every tensor of the first subgraph, by name, in file order. */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /** The declaration of tensor {@code name}; the error names the file and the tensor. */
  public TensorInfo tensor(String name) {
    TensorInfo info = tensors.get(name);
    if (info == null) {
      throw new IllegalArgumentException("tensor '" + name + "' not found in " + file
          + " (" + tensors.size() + " tensors)");
    }
    return info;
  }

  /**
   * The constant float32 data of tensor {@code name}, in the file's (row-major) layout.
   *
   * @throws IllegalArgumentException naming the file and tensor when it is missing, not float32,
   *     has no constant data or a data size that does not match its shape
   */
  public float[] floats(String name) {
    TensorInfo info = tensor(name);
    if (info.type() != FLOAT32) {
      throw new IllegalArgumentException("tensor '" + name + "' in " + file + " has type code "
          + info.type() + ", expected float32 (0)");
    }
    int buffers = model.vectorLength(MODEL_BUFFERS);
    if (info.buffer() <= 0 || info.buffer() >= buffers) {
      throw new IllegalArgumentException("tensor '" + name + "' in " + file
          + " has no constant data (buffer index " + info.buffer() + ")");
    }
    FlatTable buffer = model.tableAt(MODEL_BUFFERS, info.buffer());
    ByteBuffer data = buffer.byteVector(BUFFER_DATA);
    if (data == null || data.remaining() == 0) {
      throw new IllegalArgumentException("tensor '" + name + "' in " + file
          + " has no constant data (it is computed by the graph)");
    }
    int expected = info.size() * Float.BYTES;
    if (data.remaining() != expected) {
      throw new IllegalArgumentException("tensor '" + name + "' in " + file + " holds "
          + data.remaining() + " bytes, shape " + Arrays.toString(info.shape)
          + " needs " + expected);
    }
    float[] out = new float[info.size()];
    data.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  /** Exposes the protected accessors of flatbuffers' {@link Table} for untyped reading. */
  private static final class FlatTable extends Table {

    FlatTable(int position, ByteBuffer bb) {
      __reset(position, bb);
    }

    static boolean hasIdentifier(ByteBuffer bb, String id) {
      return __has_identifier(bb, id);
    }

    private int fieldOffset(int field) {
      return __offset(4 + 2 * field);
    }

    int vectorLength(int field) {
      int o = fieldOffset(field);
      return o == 0 ? 0 : __vector_len(o);
    }

    FlatTable tableAt(int field, int index) {
      int o = fieldOffset(field);
      int element = __vector(o) + index * 4;
      return new FlatTable(__indirect(element), bb);
    }

    int[] intVector(int field) {
      int o = fieldOffset(field);
      if (o == 0) {
        return new int[0];
      }
      int n = __vector_len(o);
      int start = __vector(o);
      int[] out = new int[n];
      for (int i = 0; i < n; i++) {
        out[i] = bb.getInt(start + 4 * i);
      }
      return out;
    }

    int ubyte(int field, int fallback) {
      int o = fieldOffset(field);
      return o == 0 ? fallback : bb.get(bb_pos + o) & 0xFF;
    }

    long uint(int field, long fallback) {
      int o = fieldOffset(field);
      return o == 0 ? fallback : bb.getInt(bb_pos + o) & 0xFFFFFFFFL;
    }

    String string(int field) {
      int o = fieldOffset(field);
      return o == 0 ? "" : __string(bb_pos + o);
    }

    ByteBuffer byteVector(int field) {
      int o = fieldOffset(field);
      if (o == 0) {
        return null;
      }
      int start = __vector(o);
      int n = __vector_len(o);
      ByteBuffer slice = bb.duplicate();
      slice.position(start).limit(start + n);
      return slice.slice();
    }
  }
}
