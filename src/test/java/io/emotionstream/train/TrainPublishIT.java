package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.cli.TrainCommand;
import io.emotionstream.config.Settings;
import io.emotionstream.emotion.BatchingEmotionClassifier;
import io.emotionstream.emotion.EmotionClassifiers;
import io.emotionstream.emotion.EmotionPrediction;
import io.emotionstream.inference.InferenceConfig;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelReleases;
import io.emotionstream.model.ModelStore;
import io.emotionstream.schema.ModelRelease;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code train --publish} on a small dataset the test makes: the model is stored, released, and loads. */
class TrainPublishIT {

  @Test
  void trainedModelIsPublishedReleasedAndLoads(@TempDir Path tmp) throws Exception {
    Path csv = SyntheticFaces.writeCsv(tmp.resolve("faces.csv"), 24, 6, 7);
    Path store = tmp.resolve("store");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      int code = new CommandLine(new TrainCommand()).execute("--data", csv.toString(),
          "--output", tmp.resolve("run").toString(), "--classes", String.join(",", SyntheticFaces.CLASSES),
          "--epochs", "1", "--batch-size", "16", "--no-progress", "--model-version", "t1",
          "--publish", "--store", store.toUri().toString(), "-b", kafka.bootstrapServers());
      assertEquals(0, code);

      Settings settings = Settings.defaults().with(Map.of("bootstrap.servers", kafka.bootstrapServers()), "test");
      // released to the channel of model.channel (stable), the first release there: the gate lets it through
      ModelRelease release = ModelReleases.current(settings).get(settings.string("model.channel"));
      assertEquals("fer-resnet18", release.getModelName());
      assertEquals("stable", release.getChannel());
      assertEquals("t1", release.getVersion());
      assertEquals(SyntheticFaces.CLASSES, release.getLabels());
      Path stored = ModelStore.open(store.toUri().toString()).fetch(URI.create(release.getArtifactUri()));
      assertTrue(stored.startsWith(store), stored.toString());
      assertEquals(release.getChecksum(), ModelArtifact.open(stored).metadata().weightsSha256());

      try (BatchingEmotionClassifier classifier = EmotionClassifiers.open(stored, InferenceConfig.defaults());
          Mat face = new Mat(48, 48, opencv_core.CV_8UC3, new Scalar(120, 120, 120, 0))) {
        List<EmotionPrediction> p = classifier.classify(List.of(face));
        assertEquals(SyntheticFaces.CLASSES, p.get(0).labels());
        assertEquals("t1", p.get(0).modelVersion());
      }
    }
  }
}
