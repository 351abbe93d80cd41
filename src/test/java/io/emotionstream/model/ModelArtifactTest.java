package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import io.emotionstream.emotion.ResNet18;
import io.emotionstream.emotion.ResNet18Architecture;
import io.emotionstream.frame.CropSpec;
import io.emotionstream.weights.StateDict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelArtifactTest {

  static final List<String> LABELS = List.of("neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised");

  @TempDir Path tmp;
  Path dir;

  static ModelMetadata greyResnet(List<String> labels) {
    return new ModelMetadata(ModelMetadata.FORMAT_VERSION, "test-resnet", "v1", ResNet18Architecture.NAME,
        labels, 48, 48, 1, Colour.GREY, new double[] {127.5}, new double[] {127.5},
        new CropSpec(48, 48, CropSpec.Framing.ALIGNED, 0.2), "2026-01-01T00:00:00Z",
        Map.of("val_accuracy", 0.5), null, null, "v0");
  }

  @BeforeEach
  void writeArtifact() {
    dir = tmp.resolve("test-resnet/v1");
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      ResNet18 net = new ResNet18(LABELS.size());
      net.initialize(manager, DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 1, 48, 48));
      ModelArtifact.write(dir, greyResnet(LABELS), net);
    }
  }

  @Test
  void roundTrip() {
    ModelArtifact a = ModelArtifact.open(dir);
    ModelMetadata m = a.metadata();
    assertEquals("test-resnet", m.name());
    assertEquals(LABELS, m.labels());
    assertEquals(Colour.GREY, m.colour());
    assertEquals(new CropSpec(48, 48, CropSpec.Framing.ALIGNED, 0.2), m.crop());
    assertEquals("v0", m.parentVersion());
    assertEquals(0.5, m.metrics().get("val_accuracy"));
    assertEquals(64, m.weightsSha256().length());
    assertEquals(ModelArtifact.sha256(a.weightsFile()), m.weightsSha256());
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      Block loaded = a.newBlock(manager);
      try (NDManager m2 = NDManager.newBaseManager(Device.cpu())) {
        // the loaded block equals the stored tensors by name
        var stored = io.emotionstream.weights.SafetensorsImporter.read(m2, a.weightsFile());
        var params = StateDict.parameters(loaded);
        for (var t : stored) {
          assertArrayEquals(t.toFloatArray(), params.get(t.getName()).getArray().toFloatArray(), t.getName());
        }
      }
    }
  }

  @Test
  void measuredCropLandmarksSurviveTheRoundTrip() {
    double[] points = {0.31, 0.39, 0.69, 0.39, 0.5, 0.6, 0.34, 0.79, 0.66, 0.79};
    ModelMetadata base = greyResnet(LABELS);
    ModelMetadata aligned = new ModelMetadata(base.formatVersion(), base.name(), "v2", base.architecture(),
        base.labels(), 48, 48, 1, base.colour(), base.mean(), base.std(), CropSpec.alignedTo(48, 48, points),
        base.createdAt(), base.metrics(), null, null, "v1");
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      ResNet18 net = new ResNet18(LABELS.size());
      net.initialize(manager, DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 1, 48, 48));
      ModelArtifact.write(tmp.resolve("test-resnet/v2"), aligned, net);
    }
    CropSpec crop = ModelArtifact.open(tmp.resolve("test-resnet/v2")).metadata().crop();
    assertEquals(CropSpec.alignedTo(48, 48, points), crop);
    // an artifact written without landmarks (the built-in template) reads back without them
    assertEquals(null, ModelArtifact.open(dir).metadata().crop().landmarks());
  }

  @Test
  void checksumMismatchNamesWeightsFile() throws IOException {
    Path weights = dir.resolve(ModelArtifact.DEFAULT_WEIGHTS_FILE);
    byte[] bytes = Files.readAllBytes(weights);
    bytes[bytes.length - 1] ^= 1;
    Files.write(weights, bytes);
    ModelArtifactException e = assertThrows(ModelArtifactException.class, () -> ModelArtifact.open(dir));
    assertEquals(weights, e.file());
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
  }

  @Test
  void weightsOverTheCapAreRefusedBeforeBeingRead() throws IOException {
    Path weights = dir.resolve(ModelArtifact.DEFAULT_WEIGHTS_FILE);
    try (java.io.RandomAccessFile huge = new java.io.RandomAccessFile(weights.toFile(), "rw")) {
      huge.setLength(3L << 30); // 3 GiB, sparse: reading it would end in an OutOfMemoryError
    }
    ModelArtifactException e = assertThrows(ModelArtifactException.class, () -> ModelArtifact.open(dir));
    assertEquals(ModelArtifactException.Reason.TOO_LARGE, e.reason());
    assertTrue(e.reason().refusal(), "not retried");
    assertEquals(weights, e.file());
    assertTrue(e.getMessage().contains("not read"), e.getMessage());
  }

  @Test
  void weightsSwappedAfterTheCheckAreCaughtWhenLoaded() throws IOException {
    ModelArtifact opened = ModelArtifact.open(dir);
    Path other = tmp.resolve("other");
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      ResNet18 net = new ResNet18(LABELS.size());
      net.initialize(manager, DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 1, 48, 48));
      ModelArtifact.write(other, greyResnet(LABELS), net);
    }
    // a valid safetensors file of the same network, other values: put in place between check and load
    Files.copy(other.resolve(ModelArtifact.DEFAULT_WEIGHTS_FILE), opened.weightsFile(),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      ModelArtifactException e = assertThrows(ModelArtifactException.class, () -> opened.newBlock(manager));
      assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
      assertEquals(ModelArtifactException.Reason.INVALID, e.reason(), "a copy under way: worth another attempt");
    }
  }

  @Test
  void weightsCompleteAsPublishedButUnusableAreCorrupt() throws IOException {
    ModelCopies.nanWeightsWithMatchingChecksum(dir);
    ModelArtifact opened = ModelArtifact.open(dir); // the checksum holds: open checks no values
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      ModelArtifactException e = assertThrows(ModelArtifactException.class, () -> opened.newBlock(manager));
      assertEquals(ModelArtifactException.Reason.CORRUPT, e.reason());
      assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }
  }

  @Test
  void missingWeightsNamesTheFile() throws IOException {
    Path weights = dir.resolve(ModelArtifact.DEFAULT_WEIGHTS_FILE);
    Files.delete(weights);
    ModelArtifactException e = assertThrows(ModelArtifactException.class, () -> ModelArtifact.open(dir));
    assertEquals(weights, e.file());
    assertTrue(e.getMessage().contains("missing weights"), e.getMessage());
  }

  @Test
  void wrongLabelCountIsReported() throws IOException {
    Path meta = dir.resolve(ModelArtifact.METADATA_FILE);
    String json = Files.readString(meta).replace("\"surprised\"", "\"surprised\", \"contempt\"");
    Files.writeString(meta, json);
    ModelArtifactException e = assertThrows(ModelArtifactException.class, () -> ModelArtifact.open(dir));
    assertEquals(meta, e.file());
    assertTrue(e.getMessage().contains("wrong label count: 8 labels") && e.getMessage().contains("outputs 7"), e.getMessage());
  }

  @Test
  void unknownArchitectureIsReported() throws IOException {
    Path meta = dir.resolve(ModelArtifact.METADATA_FILE);
    Files.writeString(meta, Files.readString(meta).replace("\"resnet18\"", "\"vgg11\""));
    ModelArtifactException e = assertThrows(ModelArtifactException.class, () -> ModelArtifact.open(dir));
    assertTrue(e.getMessage().contains("unknown architecture 'vgg11'") && e.getMessage().contains("resnet18"), e.getMessage());
  }

  @Test
  void missingFieldIsNamed() throws IOException {
    Path meta = dir.resolve(ModelArtifact.METADATA_FILE);
    Files.writeString(meta, Files.readString(meta).replace("\"colour\" : \"GREY\"", "\"colour\" : null"));
    ModelArtifactException e = assertThrows(ModelArtifactException.class, () -> ModelArtifact.open(dir));
    assertTrue(e.getMessage().contains("colour is missing"), e.getMessage());
  }
}
