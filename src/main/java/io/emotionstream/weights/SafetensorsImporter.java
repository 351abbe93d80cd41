package io.emotionstream.weights;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Loads safetensors files (as written by PyTorch/timm/Hugging Face) into our blocks, matching
 * tensors by their state-dict names; also writes them. DJL's {@link NDList} does the encoding;
 * it returns safetensors tensors in another order than the file's, so everything goes by name.
 *
 * <p>Tensors may be stored as F32, F16 or BF16 (and the other safetensors types); {@link StateDict#load}
 * turns them into the network's float32. Before decoding, the header is checked against the file
 * ({@link #checkLayout}): DJL's decoder trusts the offsets, and a damaged or cut file must be refused
 * with its name rather than read as other numbers.
 */
public final class SafetensorsImporter {

  /** Bytes per element of the safetensors dtypes DJL decodes. */
  static final Map<String, Integer> DTYPE_BYTES = Map.of("F64", 8, "F32", 4, "F16", 2, "BF16", 2, "I64", 8,
      "I32", 4, "I8", 1, "U8", 1, "BOOL", 1);

  private static final ObjectMapper JSON = new ObjectMapper();

  private SafetensorsImporter() {}

  /** Every tensor of the file, named, in {@code manager}. */
  public static NDList read(NDManager manager, Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new WeightsException("cannot read safetensors file " + file + ": " + e.getMessage(), e);
    }
    return decode(manager, bytes, file);
  }

  /**
   * Every tensor of a safetensors file already read ({@code bytes}, from {@code file}), named, in
   * {@code manager}: for a caller that verified those very bytes first.
   */
  public static NDList decode(NDManager manager, byte[] bytes, Path file) {
    checkLayout(file, bytes);
    try {
      return NDList.decode(manager, bytes);
    } catch (RuntimeException e) {
      throw new WeightsException("cannot decode safetensors file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks that the header is a safetensors header that describes this file: known dtypes, shapes of
   * non-negative sizes, byte ranges of exactly shape x element size, inside the data, not overlapping,
   * and together covering the whole data section.
   *
   * @throws WeightsException naming the file and the first tensor or field that is wrong
   */
  public static void checkLayout(Path file, byte[] bytes) {
    String where = "safetensors file " + file + ": ";
    if (bytes.length < 8) {
      throw new WeightsException(where + "shorter than its 8-byte header length (" + bytes.length + " bytes)");
    }
    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLength < 2 || headerLength > bytes.length - 8L) {
      throw new WeightsException(where + "header length " + headerLength + " does not fit the file of "
          + bytes.length + " bytes");
    }
    JsonNode header;
    try {
      header = JSON.readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new WeightsException(where + "header is not JSON: " + e.getMessage(), e);
    }
    if (header == null || !header.isObject()) {
      throw new WeightsException(where + "header is not a JSON object");
    }
    long dataLength = bytes.length - 8L - headerLength;
    List<long[]> ranges = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      String tensor = where + "tensor '" + e.getKey() + "' ";
      JsonNode entry = e.getValue();
      Integer size = DTYPE_BYTES.get(entry.path("dtype").asText(""));
      if (size == null) {
        throw new WeightsException(tensor + "has dtype '" + entry.path("dtype").asText("") + "' (readable: "
            + new java.util.TreeSet<>(DTYPE_BYTES.keySet()) + ")");
      }
      JsonNode shape = entry.path("shape");
      JsonNode offsets = entry.path("data_offsets");
      if (!shape.isArray() || !offsets.isArray() || offsets.size() != 2) {
        throw new WeightsException(tensor + "needs a shape and two data_offsets");
      }
      long elements = 1;
      for (JsonNode d : shape) {
        if (!d.canConvertToLong() || d.asLong() < 0) {
          throw new WeightsException(tensor + "has an invalid shape " + shape);
        }
        elements = Math.multiplyExact(elements, d.asLong());
      }
      long begin = offsets.get(0).asLong(-1);
      long end = offsets.get(1).asLong(-1);
      if (begin < 0 || end < begin || end > dataLength) {
        throw new WeightsException(tensor + "has data_offsets " + offsets + " outside the " + dataLength
            + " data bytes (file cut short or header damaged)");
      }
      if (end - begin != elements * size) {
        throw new WeightsException(tensor + "holds " + (end - begin) + " bytes but shape " + shape + " of "
            + entry.path("dtype").asText() + " needs " + elements * size);
      }
      ranges.add(new long[] {begin, end});
    }
    ranges.sort((a, b) -> Long.compare(a[0], b[0]));
    long covered = 0;
    for (long[] r : ranges) {
      if (r[0] != covered) {
        throw new WeightsException(where + (r[0] < covered ? "tensors overlap" : "data has a gap") + " at byte "
            + Math.min(r[0], covered) + " of the data section");
      }
      covered = r[1];
    }
    if (covered != dataLength) {
      throw new WeightsException(where + "tensors cover " + covered + " of " + dataLength + " data bytes");
    }
  }

  /**
   * Loads the file into the initialised block by state-dict name ({@link StateDict#load}).
   *
   * @throws WeightsException naming the file and the tensors that do not fit
   */
  public static void importInto(Block block, Path file, NDManager manager) {
    try (NDManager scratch = manager.newSubManager()) {
      StateDict.load(block, read(scratch, file), file.toString());
    }
  }

  /** Writes named tensors (each {@link ai.djl.ndarray.NDArray#getName()} set) as safetensors. */
  public static void write(NDList tensors, Path file) {
    try (OutputStream out = Files.newOutputStream(file)) {
      tensors.encode(out, NDList.Encoding.SAFETENSORS);
    } catch (IOException e) {
      throw new WeightsException("cannot write safetensors file " + file + ": " + e.getMessage(), e);
    }
  }
}
