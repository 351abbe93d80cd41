package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.emotionstream.emotion.ResNet18;
import io.emotionstream.weights.SafetensorsImporter;
import io.emotionstream.weights.StateDict;
import io.emotionstream.weights.WeightsException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitialWeightsTest {

  static {
    OneThreadEngine.use();
  }

  @TempDir Path tmp;

  @Test
  void imagenetShapedWeightsLoadExceptTheClassifier() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      ResNet18 imagenet = new ResNet18(1000);
      imagenet.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
      Path file = tmp.resolve("resnet18.safetensors");
      NDList tensors = StateDict.export(imagenet, manager);
      SafetensorsImporter.write(tensors, file);

      ResNet18 net = new ResNet18(3);
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 48, 48));
      float[] fcBefore = StateDict.parameters(net).get("fc.bias").getArray().toFloatArray();
      String summary = InitialWeights.load(net, file, manager, null, List.of("a", "b", "c"));
      assertTrue(summary.contains("classifier: new (1000 classes in the file, 3 here)"), summary);
      Map<String, Parameter> loaded = StateDict.parameters(net);
      Map<String, Parameter> source = StateDict.parameters(imagenet);
      assertArrayEquals(source.get("conv1.weight").getArray().toFloatArray(),
          loaded.get("conv1.weight").getArray().toFloatArray());
      assertArrayEquals(source.get("layer4.1.bn2.running_var").getArray().toFloatArray(),
          loaded.get("layer4.1.bn2.running_var").getArray().toFloatArray());
      assertArrayEquals(fcBefore, loaded.get("fc.bias").getArray().toFloatArray());
    }
  }

  @Test
  void classifierRowsFollowTheLabelNames() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      ResNet18 parent = new ResNet18(3);
      parent.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 48, 48));
      Path file = tmp.resolve("parent.safetensors");
      SafetensorsImporter.write(StateDict.export(parent, manager), file);
      float[] parentBias = StateDict.parameters(parent).get("fc.bias").getArray().toFloatArray();

      ResNet18 child = new ResNet18(2);
      child.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 48, 48));
      String summary = InitialWeights.load(child, file, manager, List.of("angry", "happy", "fearful"),
          List.of("fear", "surprise"));
      assertTrue(summary.contains("rows copied for [fear], new for the other 1"), summary);
      assertEquals(parentBias[2], StateDict.parameters(child).get("fc.bias").getArray().toFloatArray()[0]);
    }
  }

  @Test
  void missingBackboneTensorsAreNamed() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      ResNet18 net = new ResNet18(2);
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 48, 48));
      NDList partial = new NDList();
      for (var t : StateDict.export(net, manager)) {
        if (!t.getName().startsWith("layer4.")) {
          partial.add(t);
        }
      }
      Path file = tmp.resolve("partial.safetensors");
      SafetensorsImporter.write(partial, file);
      WeightsException e = assertThrows(WeightsException.class,
          () -> InitialWeights.load(net, file, manager, null, List.of("a", "b")));
      assertTrue(e.getMessage().contains("partial.safetensors") && e.getMessage().contains("layer4.0.conv1.weight"),
          e.getMessage());
    }
  }
}
