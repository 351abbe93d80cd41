package io.emotionstream.emotion;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.emotionstream.frame.CropSpec;
import io.emotionstream.model.Colour;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelMetadata;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Randomly initialised artifacts, for benchmarks and as the starting point of training (no
 * pretrained ResNet-18 weights are available to this project).
 */
public final class UntrainedModels {

  private UntrainedModels() {}

  /** A grey-input ResNet-18 of {@code size} x {@code size} pixels with DJL's default initialisation. */
  public static ModelArtifact resnet18(Path dir, int size, List<String> labels) {
    ModelMetadata metadata = new ModelMetadata(ModelMetadata.FORMAT_VERSION, "resnet18-" + size, "untrained",
        ResNet18Architecture.NAME, labels, size, size, 1, Colour.GREY,
        new double[] {127.5}, new double[] {127.5},
        new CropSpec(size, size, CropSpec.Framing.ALIGNED, 0.2), Instant.now().toString(), Map.of(),
        null, null, null);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      ResNet18 net = new ResNet18(labels.size());
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, size, size));
      return ModelArtifact.write(dir, metadata, net);
    }
  }
}
