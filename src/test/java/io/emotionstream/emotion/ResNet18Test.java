package io.emotionstream.emotion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.ndarray.NDList;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.List;
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

  /** The channels-last stages train as the all-plain network with batch norm on the activations themselves. */
  @Test
  void channelsLastStagesGiveThePlainNetworksOutputsAndGradients() {
    assertSameTraining(net -> {
      net.channelsLastStages(0);
      net.batchNormOnRows(false);
    }, net -> net.channelsLastStages(2), "2 channels-last stages");
  }

  /**
   * Batch norm on the rows of plain activations ({@link BasicBlock}) normalises the same values
   * as on the activations themselves: the whole network on plain activations, with and without it.
   */
  @Test
  void batchNormOnRowsGivesTheSameOutputsAndGradients() {
    assertSameTraining(net -> {
      net.channelsLastStages(0);
      net.batchNormOnRows(false);
    }, net -> net.channelsLastStages(0), "batch norm on rows");
  }

  /**
   * Two settings of the network change where the values lie in memory, not the values: the outputs
   * and every parameter's gradient of a training pass (batch statistics), the running statistics
   * it leaves and the inference outputs after it agree, from a grey and from an RGB batch.
   */
  private static void assertSameTraining(java.util.function.Consumer<ResNet18> reference,
      java.util.function.Consumer<ResNet18> variant, String what) {
    Engine.getInstance().setRandomSeed(18);
    for (int channels : new int[] {1, 3}) {
      try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
        ResNet18 plain = trainable(manager, channels);
        ResNet18 mixed = trainable(manager, channels);
        List<Parameter> plainParameters = parameters(plain);
        List<Parameter> mixedParameters = parameters(mixed);
        for (int i = 0; i < plainParameters.size(); i++) {
          mixedParameters.get(i).getArray().set(plainParameters.get(i).getArray().toFloatArray());
        }
        reference.accept(plain);
        variant.accept(mixed);
        String where = what + ", " + channels + " channel(s)";
        NDArray x = manager.randomUniform(-2, 2, new Shape(4, channels, 48, 48));
        NDArray c = manager.randomUniform(-1, 1, new Shape(4, 7));
        float[] plainOut = backward(plain, manager, x, c);
        float[] mixedOut = backward(mixed, manager, x, c);
        assertClose(plainOut, mixedOut, "outputs, " + where);
        List<Parameter> plainStatistics = statistics(plain);
        List<Parameter> mixedStatistics = statistics(mixed);
        for (int i = 0; i < plainStatistics.size(); i++) {
          assertClose(plainStatistics.get(i).getArray().toFloatArray(), mixedStatistics.get(i).getArray().toFloatArray(),
              "running statistic " + plainStatistics.get(i).getName() + ", " + where);
        }
        assertClose(inference(plain, manager, x), inference(mixed, manager, x), "inference outputs, " + where);
        for (int i = 0; i < plainParameters.size(); i++) {
          String name = plainParameters.get(i).getName() + ", " + where;
          try (NDArray expected = plainParameters.get(i).getArray().getGradient();
              NDArray actual = mixedParameters.get(i).getArray().getGradient()) {
            assertClose(expected.toFloatArray(), actual.toFloatArray(), "gradient of " + name);
          }
        }
      }
    }
  }

  @Test
  void refusesMoreChannelsLastStagesThanTheNetworkHas() {
    ResNet18 net = new ResNet18(7);
    assertThrows(IllegalArgumentException.class, () -> net.channelsLastStages(5));
  }

  private static ResNet18 trainable(NDManager manager, int channels) {
    ResNet18 net = new ResNet18(7);
    net.initialize(manager, DataType.FLOAT32, new Shape(4, channels, 48, 48));
    for (Parameter p : parameters(net)) {
      if (p.requiresGradient()) {
        p.getArray().setRequiresGradient(true);
      }
    }
    return net;
  }

  private static List<Parameter> parameters(ResNet18 net) {
    return net.getParameters().stream().map(Pair::getValue).filter(Parameter::requiresGradient).toList();
  }

  /** Batch norm's running means and variances, in the block's order. */
  private static List<Parameter> statistics(ResNet18 net) {
    return net.getParameters().stream().map(Pair::getValue).filter(p -> !p.requiresGradient()).toList();
  }

  private static float[] inference(ResNet18 net, NDManager manager, NDArray x) {
    return net.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow().toFloatArray();
  }

  /** The outputs of a training pass, leaving the gradients of {@code sum(net(x) * c)}. */
  private static float[] backward(ResNet18 net, NDManager manager, NDArray x, NDArray c) {
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray out = net.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
      collector.backward(out.mul(c).sum());
      return out.toFloatArray();
    }
  }

  /**
   * Within 2e-3 of the largest magnitude: the layouts sum in different orders, and batch norm over
   * a batch of four magnifies that in the gradients (up to 1.1e-3 seen); a misplaced value is off
   * by about the largest magnitude itself.
   */
  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    double scale = 0;
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(scale > 0, what + " are all zero");
    assertTrue(worst <= 2e-3 * scale, what + " differ by " + worst + " (largest " + scale + ")");
  }
}
