package io.emotionstream.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a TF.js weights manifest ({@code *-weights_manifest.json}) and its binary shards.
 *
 * <p>Each manifest group lists shard paths (concatenated in order) and the tensors stored in them,
 * back to back. Tensors may be quantised: {@code uint8}/{@code uint16} values {@code q} stand for
 * {@code q * scale + min} (the same arithmetic as tfjs-core's {@code io.decodeWeights}). Written by
 * hand because no Java library reads this format; it is a few dozen lines.
 */
public final class TfjsReader {

  private TfjsReader() {}

  /** All tensors of the manifest, in manifest order, keyed by name. */
  public static Map<String, TfjsTensor> read(Path manifest) {
    JsonNode groups;
    try {
      groups = new ObjectMapper().readTree(manifest.toFile());
    } catch (IOException e) {
      throw new WeightsException("cannot read TF.js manifest " + manifest + ": " + e.getMessage(), e);
    }
    if (groups == null || !groups.isArray()) {
      throw new WeightsException("TF.js manifest " + manifest + " is not a JSON array of weight groups");
    }
    Map<String, TfjsTensor> tensors = new LinkedHashMap<>();
    for (JsonNode group : groups) {
      ByteBuffer shard = readShards(manifest, group.path("paths")).order(ByteOrder.LITTLE_ENDIAN);
      for (JsonNode spec : group.path("weights")) {
        TfjsTensor tensor = readTensor(manifest, spec, shard);
        tensors.put(tensor.name(), tensor);
      }
      if (shard.hasRemaining()) {
        throw new WeightsException("TF.js manifest " + manifest + ": " + shard.remaining()
            + " bytes left over in shards " + group.path("paths") + " (manifest and shards disagree)");
      }
    }
    return tensors;
  }

  private static ByteBuffer readShards(Path manifest, JsonNode paths) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (JsonNode path : paths) {
      Path shard = manifest.resolveSibling(path.asText());
      try {
        all.write(Files.readAllBytes(shard));
      } catch (IOException e) {
        throw new WeightsException("cannot read TF.js weight shard " + shard + " listed in " + manifest, e);
      }
    }
    return ByteBuffer.wrap(all.toByteArray());
  }

  private static TfjsTensor readTensor(Path manifest, JsonNode spec, ByteBuffer shard) {
    String name = spec.path("name").asText();
    JsonNode shapeNode = spec.path("shape");
    int[] shape = new int[shapeNode.size()];
    int size = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asInt();
      size *= shape[i];
    }
    String dtype = spec.path("dtype").asText();
    if (!dtype.equals("float32")) {
      throw new WeightsException(manifest + ": tensor " + name + " has dtype " + dtype + "; only float32 is supported");
    }
    JsonNode quant = spec.get("quantization");
    String stored = quant == null ? "float32" : quant.path("dtype").asText();
    float[] data = new float[size];
    try {
      switch (stored) {
        case "float32" -> {
          for (int i = 0; i < size; i++) {
            data[i] = shard.getFloat();
          }
        }
        case "uint8", "uint16" -> {
          double scale = quant.path("scale").asDouble();
          double min = quant.path("min").asDouble();
          boolean bytes = stored.equals("uint8");
          for (int i = 0; i < size; i++) {
            int q = bytes ? Byte.toUnsignedInt(shard.get()) : Short.toUnsignedInt(shard.getShort());
            data[i] = (float) (q * scale + min);
          }
        }
        default -> throw new WeightsException(manifest + ": tensor " + name
            + " uses quantisation " + stored + "; supported: uint8, uint16, none");
      }
    } catch (BufferUnderflowException e) {
      throw new WeightsException(manifest + ": shards end inside tensor " + name, e);
    }
    return new TfjsTensor(name, shape, data);
  }
}
