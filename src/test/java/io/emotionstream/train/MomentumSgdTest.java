package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.util.Pair;
import io.emotionstream.emotion.ResNet18;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class MomentumSgdTest {

  static {
    OneThreadEngine.use();
  }

  private static final int INPUTS = 600;
  private static final int UNITS = 400;

  /** A learning rate that changes with every update, so each step's own rate must be used. */
  private static final ParameterTracker DECAYING = (id, n) -> 0.1f / (1 + n);

  @Test
  void writesThroughTheDirectBufferReachTheTensor() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray a = manager.randomUniform(-1, 1, new Shape(3, 5));
      FloatBuffer memory = FusedSgdUpdate.memoryOf(a);
      assertNotNull(memory, "a new float32 CPU tensor is contiguous");
      assertEquals(15, memory.capacity());
      assertEquals(a.toFloatArray()[7], memory.get(7));
      memory.put(7, 42f);
      assertEquals(42f, a.toFloatArray()[7]);
      assertEquals(42f, a.getFloat(1, 2));
    }
  }

  @Test
  void onlyContiguousFloatTensorsQualify() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray a = manager.randomUniform(-1, 1, new Shape(3, 5));
      assertNull(FusedSgdUpdate.memoryOf(a.transpose()), "a transposed view is not contiguous");
      assertNull(FusedSgdUpdate.memoryOf(a.toType(DataType.FLOAT64, false)));
    }
  }

  @Test
  void fusedUpdateGivesTheNumbersOfTheNdArrayPath() {
    for (float weightDecay : new float[] {0f, 5e-4f}) {
      for (float rescale : new float[] {1f, 0.25f}) {
        for (int threads : new int[] {1, 3}) {
          compare(weightDecay, rescale, threads);
        }
      }
    }
  }

  /**
   * ResNet-18's gradients stay dense plain tensors like its weights, whatever layout its
   * activations take on the way, so every parameter takes the fused update.
   */
  @Test
  void everyResNet18GradientQualifiesForTheFusedUpdate() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Block net = new ResNet18(7);
      net.initialize(manager, DataType.FLOAT32, new Shape(2, 1, 48, 48));
      List<Parameter> trainable = parameters(net).stream().filter(Parameter::requiresGradient).toList();
      trainable.forEach(p -> p.getArray().setRequiresGradient(true));
      backward(net, manager, manager.randomUniform(-2, 2, new Shape(2, 1, 48, 48)),
          manager.randomUniform(-1, 1, new Shape(2, 7)));
      for (Parameter p : trainable) {
        try (NDArray g = p.getArray().getGradient()) {
          assertNotNull(FusedSgdUpdate.memoryOf(g), "gradient of " + p.getName());
        }
      }
    }
  }

  private static void compare(float weightDecay, float rescale, int threads) {
    String setting = "wd " + weightDecay + ", rescale " + rescale + ", threads " + threads;
    try (NDManager manager = NDManager.newBaseManager()) {
      Block plain = linear(manager);
      Block fused = linear(manager);
      List<Parameter> plainParameters = parameters(plain);
      List<Parameter> fusedParameters = parameters(fused);
      for (int i = 0; i < plainParameters.size(); i++) {
        fusedParameters.get(i).getArray().set(plainParameters.get(i).getArray().toFloatArray());
      }
      for (Parameter p : fusedParameters) {
        NDArray w = p.getArray();
        assertNotNull(FusedSgdUpdate.memoryOf(w), "weights of the fused update: " + p.getName());
      }
      MomentumSgd reference = new MomentumSgd(DECAYING, 0.9f, weightDecay, 0, rescale, false, 0);
      MomentumSgd candidate = new MomentumSgd(DECAYING, 0.9f, weightDecay, 0, rescale, true, threads);
      for (int step = 0; step < 3; step++) {
        NDArray x = manager.randomUniform(-2, 2, new Shape(8, INPUTS));
        NDArray c = manager.randomUniform(-1, 1, new Shape(8, UNITS));
        backward(plain, manager, x, c);
        backward(fused, manager, x, c);
        try (NDArray g = fusedParameters.get(0).getArray().getGradient()) {
          assertNotNull(FusedSgdUpdate.memoryOf(g), "gradient of the fused update");
        }
        reference.updateAll(plain);
        candidate.updateAll(fused);
        for (int i = 0; i < plainParameters.size(); i++) {
          float[] expected = plainParameters.get(i).getArray().toFloatArray();
          float[] actual = fusedParameters.get(i).getArray().toFloatArray();
          double worst = 0;
          for (int k = 0; k < expected.length; k++) {
            worst = Math.max(worst, Math.abs(expected[k] - actual[k]));
          }
          assertTrue(worst <= 1e-6, setting + ", step " + step + ": " + plainParameters.get(i).getName()
              + " differs by " + worst);
          try (NDArray g = fusedParameters.get(i).getArray().getGradient()) {
            assertEquals(0f, g.abs().max().getFloat(), setting + ": gradient cleared");
          }
        }
      }
    }
  }

  private static Block linear(NDManager manager) {
    Block block = Linear.builder().setUnits(UNITS).build();
    block.initialize(manager, DataType.FLOAT32, new Shape(8, INPUTS));
    for (Parameter p : parameters(block)) {
      p.getArray().setRequiresGradient(true);
    }
    return block;
  }

  private static List<Parameter> parameters(Block block) {
    return block.getParameters().stream().map(Pair::getValue).toList();
  }

  /** Gradients of {@code sum(block(x) * c)}: the same random gradients for both blocks. */
  private static void backward(Block block, NDManager manager, NDArray x, NDArray c) {
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray out = block.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
      collector.backward(out.mul(c).sum());
    }
  }
}
