package io.emotionstream.emotion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.inference.InferenceConfig;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelArtifactException;
import io.emotionstream.model.ModelMetadata;
import io.emotionstream.model.ModelPacker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code models pack} on real weights: face-api's float32 network becomes a float16 artifact that
 * loads as float32 and classifies the 20 faces of the npm sample photos like the original; damaged
 * float16 files are refused with their name.
 */
class HalfPrecisionArtifactTest {

  /** Largest allowed change of a class probability between the float32 and the float16 weights. */
  static final double PROBABILITY_TOLERANCE = 0.01;

  @TempDir Path tmp;

  private ModelArtifact packFaceApi() {
    ModelArtifact f32 = SampleFaces.faceApiArtifactOrSkip();
    return ModelPacker.pack(f32.directory(), tmp.resolve("f16"), null, null, "test").artifact();
  }

  @Test
  void float16ArtifactClassifiesRealFacesLikeTheFloat32One() throws Exception {
    ModelArtifact f32 = SampleFaces.faceApiArtifactOrSkip();
    ModelArtifact f16 = packFaceApi();
    assertEquals(Map.of("F16", (int) tensorCount(f32.weightsFile())), dtypes(f16.weightsFile()));
    long before = Files.size(f32.weightsFile());
    long after = Files.size(f16.weightsFile());
    assertTrue(after < before * 0.51, before + " -> " + after + " bytes");
    assertEquals(ModelArtifact.sha256(f16.weightsFile()), f16.metadata().weightsSha256());
    ModelMetadata a = f32.metadata();
    ModelMetadata b = f16.metadata();
    assertEquals(List.of(a.name(), a.version(), a.labels(), a.crop()), List.of(b.name(), b.version(), b.labels(), b.crop()));

    List<Mat> crops = SampleFaces.crops(SampleFaces.FACES, 112);
    InferenceConfig cpu = InferenceConfig.defaults().withDevices("cpu");
    List<EmotionPrediction> reference;
    List<EmotionPrediction> half;
    try (EmotionClassifier c32 = EmotionClassifiers.open(f32, cpu)) {
      reference = c32.classify(crops);
    }
    try (EmotionClassifier c16 = EmotionClassifiers.open(f16, cpu)) {
      half = c16.classify(crops);
    }
    double worst = 0;
    for (int i = 0; i < crops.size(); i++) {
      String face = SampleFaces.FACES.get(i).id();
      assertEquals(reference.get(i).label(), half.get(i).label(), face + ": top-1 changed: "
          + Arrays.toString(reference.get(i).probabilities()) + " vs " + Arrays.toString(half.get(i).probabilities()));
      float[] p = reference.get(i).probabilities();
      float[] q = half.get(i).probabilities();
      for (int c = 0; c < p.length; c++) {
        worst = Math.max(worst, Math.abs(p[c] - q[c]));
      }
    }
    System.out.printf("float16 vs float32 on %d faces: top-1 equal, largest probability change %.2e%n",
        crops.size(), worst);
    assertTrue(worst < PROBABILITY_TOLERANCE, "largest probability change " + worst);
  }

  @Test
  void aCutFloat16FileIsRefusedWithItsName() throws Exception {
    ModelArtifact f16 = packFaceApi();
    Path weights = f16.weightsFile();
    byte[] bytes = Files.readAllBytes(weights);
    Files.write(weights, Arrays.copyOf(bytes, bytes.length - 1000));
    // the checksum names the file first
    ModelArtifactException checksum = assertThrows(ModelArtifactException.class, () -> ModelArtifact.open(f16.directory()));
    assertTrue(checksum.getMessage().contains(weights.toString()) && checksum.getMessage().contains("checksum"),
        checksum.getMessage());
    // with a matching checksum, the layout check refuses it when it is opened, before any number is read,
    // as corrupt: the same bytes would fail again, so a release of it is not retried
    rewriteChecksum(f16.directory());
    ModelArtifactException cut = assertThrows(ModelArtifactException.class, () -> ModelArtifact.open(f16.directory()));
    assertTrue(cut.getMessage().contains(weights.toString()) && cut.getMessage().contains("data_offsets"),
        cut.getMessage());
    assertEquals(io.emotionstream.model.ModelArtifactException.Reason.CORRUPT, cut.reason());
  }

  @Test
  void float16InfinityIsRefusedWithTheFileAndTensor() throws Exception {
    ModelArtifact f16 = packFaceApi();
    Path weights = f16.weightsFile();
    byte[] bytes = Files.readAllBytes(weights);
    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
    String tensor = "fc.weight";
    int at = (int) (8 + headerLength + header.path(tensor).path("data_offsets").get(0).asLong());
    bytes[at] = 0x00;
    bytes[at + 1] = 0x7c; // float16 +infinity, little-endian
    Files.write(weights, bytes);
    rewriteChecksum(f16.directory());
    ModelArtifact reopened = ModelArtifact.open(f16.directory());
    ModelArtifactException e = assertThrows(ModelArtifactException.class,
        () -> reopened.load(ai.djl.Device.cpu()).close());
    assertTrue(e.getMessage().contains(weights.toString()) && e.getMessage().contains(tensor)
        && e.getMessage().contains("infinite"), e.getMessage());
  }

  private static void rewriteChecksum(Path dir) throws IOException {
    Path metadata = dir.resolve(ModelArtifact.METADATA_FILE);
    ModelMetadata m = ModelArtifact.parseMetadata(Files.readString(metadata));
    Files.writeString(metadata, ModelArtifact.toJson(m.withWeights(m.weightsFile(),
        ModelArtifact.sha256(dir.resolve(m.weightsFile())))));
  }

  private static JsonNode header(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    long length = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    return new ObjectMapper().readTree(new String(bytes, 8, (int) length, StandardCharsets.UTF_8));
  }

  private static long tensorCount(Path file) throws IOException {
    long n = 0;
    for (Iterator<String> it = header(file).fieldNames(); it.hasNext(); ) {
      if (!it.next().equals("__metadata__")) {
        n++;
      }
    }
    return n;
  }

  /** How many tensors of each dtype the file holds. */
  private static Map<String, Integer> dtypes(Path file) throws IOException {
    Map<String, Integer> out = new java.util.TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = header(file).fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals("__metadata__")) {
        out.merge(e.getValue().path("dtype").asText(), 1, Integer::sum);
      }
    }
    return out;
  }
}
