package io.emotionstream.emotion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelArtifactException;
import io.emotionstream.train.EmotionLabels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code model.dir} values mean: the bundled default, face-api by name, a directory. */
class EmotionModelsTest {

  @TempDir Path tmp;

  /** The bundled ResNet-18 is the default once it is in the repository; face-api by name until then. */
  @Test
  void theConfiguredDefaultIsTheBundledModelWhenPresentElseFaceApi() {
    String configured = Settings.defaults().string("model.dir");
    if (Files.isDirectory(Path.of(EmotionModels.BUNDLED_DIR))) {
      assertEquals(EmotionModels.BUNDLED_DIR, configured);
    } else {
      assertEquals("faceapi-expression", configured);
    }
  }

  @Test
  void aMissingBundledModelIsAnErrorNamingWhereItWasLookedFor() {
    Path here = tmp.resolve("work");
    Path home = tmp.resolve("install");
    ModelArtifactException e = assertThrows(ModelArtifactException.class,
        () -> EmotionModels.bundledDirectory(here, home));
    assertTrue(e.getMessage().contains(here.resolve(EmotionModels.BUNDLED_DIR).toString())
        && e.getMessage().contains(home.resolve(EmotionModels.BUNDLED_DIR).toString())
        && e.getMessage().contains("faceapi-expression"), e.getMessage());
  }

  @Test
  void relativeDirectoriesAreFoundInTheWorkingDirectoryThenTheInstallation() throws Exception {
    Path here = Files.createDirectories(tmp.resolve("work"));
    Path home = Files.createDirectories(tmp.resolve("install"));
    Files.createDirectories(home.resolve("models/x"));
    assertEquals(home.resolve("models/x"), EmotionModels.locate(Path.of("models/x"), here, home));
    Files.createDirectories(here.resolve("models/x"));
    assertEquals(here.resolve("models/x"), EmotionModels.locate(Path.of("models/x"), here, home));
    assertEquals(here.resolve("models/y"), EmotionModels.locate(Path.of("models/y"), here, home), "reported where asked");
  }

  @Test
  void faceApiIsAvailableByName() {
    SampleFaces.faceApiArtifactOrSkip();
    for (String name : new String[] {"faceapi-expression", "faceapi", "FaceAPI"}) {
      assertEquals(FaceApiExpressionModel.NAME, EmotionModels.resolve(name).metadata().name(), name);
    }
  }

  @Test
  void theBundledModelIsTheSevenClassResNet() {
    ModelArtifact bundled = SampleFaces.bundledArtifactOrSkip();
    assertEquals("resnet18", bundled.metadata().architecture());
    assertEquals(EmotionLabels.FER2013, bundled.metadata().labels());
    assertEquals(bundled.directory(), EmotionModels.resolve("").directory());
    assertEquals(bundled.directory(), EmotionModels.resolve(EmotionModels.BUNDLED_DIR).directory());
  }
}
