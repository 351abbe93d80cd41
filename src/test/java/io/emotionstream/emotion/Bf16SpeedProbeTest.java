package io.emotionstream.emotion;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.torch.NativeTorch;
import io.emotionstream.torch.Precision;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Bf16SpeedProbeTest {
  @Test
  void probe() {
    ModelArtifact artifact = SampleFaces.bundledArtifactOrSkip();
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NativeTorch.setIntraOpThreads(Integer.getInteger("probe.threads", 1));
      ResNet18 trained = (ResNet18) artifact.newBlock(manager);
      FoldedResNet18 f32 = FoldedResNet18.fold(trained, 1, 48, 48, manager, Precision.FLOAT32);
      FoldedResNet18 bf = FoldedResNet18.fold(trained, 1, 48, 48, manager, Precision.BFLOAT16);
      System.out.println("bf16 active: " + bf.bfloat16() + " f32: " + f32.bfloat16());
      Random r = new Random(1);
      for (int round = 0; round < 3; round++) {
        for (int batch : new int[] {1, 8, 32}) {
          float[] v = new float[batch * 48 * 48];
          for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
          double[] t32 = new double[40];
          double[] t16 = new double[40];
          for (int k = -5; k < 40; k++) {
            try (NDManager s = manager.newSubManager()) {
              ParameterStore store = new ParameterStore(s, false);
              NDArray x = s.create(v, new Shape(batch, 1, 48, 48));
              long a = System.nanoTime();
              f32.forward(store, new NDList(x), false).head().toFloatArray();
              long b = System.nanoTime();
              bf.forward(store, new NDList(x), false).head().toFloatArray();
              long c = System.nanoTime();
              if (k >= 0) { t32[k] = (b - a) / 1e6; t16[k] = (c - b) / 1e6; }
            }
          }
          Arrays.sort(t32); Arrays.sort(t16);
          System.out.printf("round %d batch %d: f32 %.2f ms  bf16 %.2f ms  ratio %.2f%n", round, batch, t32[20], t16[20], t16[20] / t32[20]);
        }
      }
    }
  }
}
