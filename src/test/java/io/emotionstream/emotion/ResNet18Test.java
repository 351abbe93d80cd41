package io.emotionstream.emotion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.emotionstream.weights.StateDict;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResNet18Test {

  @Test
  void hasTorchvisionParameterCountAndNames() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      ResNet18 net = new ResNet18(1000);
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 224, 224));
      assertEquals(11_689_512L, StateDict.trainableParameterCount(net));
      Map<String, Parameter> params = StateDict.parameters(net);
      // torchvision's resnet18 state dict without num_batches_tracked: 102 tensors
      assertEquals(102, params.size());
      for (String name : new String[] {"conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean",
          "bn1.running_var", "layer1.0.conv1.weight", "layer1.0.bn1.running_mean", "layer1.1.conv2.weight",
          "layer2.0.downsample.0.weight", "layer2.0.downsample.1.running_var", "layer4.1.bn2.weight",
          "fc.weight", "fc.bias"}) {
        assertTrue(params.containsKey(name), name + " in " + params.keySet());
      }
      assertEquals(new Shape(1000, 512), params.get("fc.weight").getArray().getShape());
      assertEquals(new Shape(128, 64, 1, 1), params.get("layer2.0.downsample.0.weight").getArray().getShape());
    }
  }

  @Test
  void acceptsGreyAndSmallInputs() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      ResNet18 net = new ResNet18(7);
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 48, 48));
      assertEquals(11_180_103L, StateDict.trainableParameterCount(net));
      NDArray out = net.forward(new ParameterStore(manager, false),
          new ai.djl.ndarray.NDList(manager.randomUniform(0, 1, new Shape(2, 1, 48, 48))), false).singletonOrThrow();
      assertEquals(new Shape(2, 7), out.getShape());
      NDArray out64 = net.forward(new ParameterStore(manager, false),
          new ai.djl.ndarray.NDList(manager.randomUniform(0, 1, new Shape(3, 3, 64, 64))), false).singletonOrThrow();
      assertEquals(new Shape(3, 7), out64.getShape());
    }
  }
}
