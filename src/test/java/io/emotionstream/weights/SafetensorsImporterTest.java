package io.emotionstream.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.emotionstream.emotion.ResNet18;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsImporterTest {

  @TempDir Path tmp;

  /** A safetensors file written byte by byte (as PyTorch's safetensors would), not by DJL. */
  static void writeSafetensors(Path file, Map<String, long[]> shapes, Map<String, float[]> data,
      boolean withBatchCounters) throws IOException {
    StringBuilder header = new StringBuilder("{");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      float[] values = data.get(e.getKey());
      ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : values) {
        b.putFloat(v);
      }
      appendEntry(header, e.getKey(), "F32", e.getValue(), body.size(), body.size() + b.capacity());
      body.write(b.array());
      if (withBatchCounters && e.getKey().endsWith("running_var")) {
        String counter = e.getKey().replace("running_var", "num_batches_tracked");
        appendEntry(header, counter, "I64", new long[0], body.size(), body.size() + 8);
        body.write(new byte[8]);
      }
    }
    header.setLength(header.length() - 1);
    header.append('}');
    byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.write(len.array());
    all.write(h);
    all.write(body.toByteArray());
    Files.write(file, all.toByteArray());
  }

  private static void appendEntry(StringBuilder header, String name, String dtype, long[] shape, long from, long to) {
    header.append('"').append(name).append("\":{\"dtype\":\"").append(dtype).append("\",\"shape\":[");
    for (int i = 0; i < shape.length; i++) {
      header.append(i > 0 ? "," : "").append(shape[i]);
    }
    header.append("],\"data_offsets\":[").append(from).append(',').append(to).append("]},");
  }

  @Test
  void loadsTorchvisionNamedTensorsByName() throws IOException {
    Path file = tmp.resolve("resnet18.safetensors");
    Map<String, long[]> shapes = new LinkedHashMap<>();
    Map<String, float[]> data = new LinkedHashMap<>();
    Random random = new Random(7);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      ResNet18 source = new ResNet18(7);
      source.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 48, 48));
      for (Map.Entry<String, Parameter> e : StateDict.parameters(source).entrySet()) {
        long[] shape = e.getValue().getArray().getShape().getShape();
        float[] values = new float[(int) e.getValue().getArray().size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) random.nextGaussian();
        }
        shapes.put(e.getKey(), shape);
        data.put(e.getKey(), values);
      }
      writeSafetensors(file, shapes, data, true);

      ResNet18 target = new ResNet18(7);
      target.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 48, 48));
      SafetensorsImporter.importInto(target, file, manager);
      Map<String, Parameter> loaded = StateDict.parameters(target);
      for (String name : new String[] {"conv1.weight", "layer3.0.downsample.1.running_mean", "fc.weight", "fc.bias"}) {
        assertArrayEquals(data.get(name), loaded.get(name).getArray().toFloatArray(), name);
      }
      for (Map.Entry<String, float[]> e : data.entrySet()) {
        assertArrayEquals(e.getValue(), loaded.get(e.getKey()).getArray().toFloatArray(), e.getKey());
      }
    }
  }

  @Test
  void wrongShapeNamesTheTensorAndFile() throws IOException {
    Path file = tmp.resolve("bad.safetensors");
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      ResNet18 target = new ResNet18(7);
      target.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 48, 48));
      Map<String, long[]> shapes = new LinkedHashMap<>();
      Map<String, float[]> data = new LinkedHashMap<>();
      for (Map.Entry<String, Parameter> e : StateDict.parameters(target).entrySet()) {
        long[] shape = e.getValue().getArray().getShape().getShape().clone();
        if (e.getKey().equals("fc.bias")) {
          shape[0] = 5;
        }
        shapes.put(e.getKey(), shape);
        data.put(e.getKey(), new float[(int) new Shape(shape).size()]);
      }
      writeSafetensors(file, shapes, data, false);
      WeightsException e = assertThrows(WeightsException.class,
          () -> SafetensorsImporter.importInto(target, file, manager));
      assertTrue(e.getMessage().contains("fc.bias") && e.getMessage().contains(file.toString()), e.getMessage());
    }
  }
}
