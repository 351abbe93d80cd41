package io.emotionstream.emotion;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import io.emotionstream.inference.BatchWorker;
import io.emotionstream.inference.WorkerSlot;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.torch.NativeTorch;
import io.emotionstream.torch.Precision;
import java.util.List;

/** One device worker: its own copy of the model on its device and its own predictor. */
public final class ClassifierWorker implements BatchWorker<float[], float[]> {

  private final Model model;
  private final Predictor<List<float[]>, List<float[]>> predictor;
  private final Precision computesIn;

  public ClassifierWorker(ModelArtifact artifact, WorkerSlot slot) {
    this(artifact, slot, Precision.FLOAT32);
  }

  /** @param precision what the network computes in where its architecture and the CPU allow ({@code inference.precision}) */
  public ClassifierWorker(ModelArtifact artifact, WorkerSlot slot, Precision precision) {
    if (ai.djl.Device.Type.CPU.equals(slot.device().getDeviceType()) && slot.intraOpThreads() > 0) {
      // PyTorch's intra-op thread count; every CPU worker gets the same share of the cores
      NativeTorch.setIntraOpThreads(slot.intraOpThreads());
    }
    NativeTorch.disableNnpack();
    this.model = artifact.load(slot.device(), precision);
    this.computesIn = artifact.computesIn(model);
    var m = artifact.metadata();
    boolean cpu = ai.djl.Device.Type.CPU.equals(slot.device().getDeviceType());
    this.predictor = model.newPredictor(new ProbabilitiesTranslator(m.channels(), m.inputHeight(), m.inputWidth(),
        cpu ? artifact.architecture().smallestCpuBatch() : 1));
  }

  /** What this worker's network computes in: float32 or bfloat16 ({@link ModelArtifact#computesIn}). */
  public Precision computesIn() {
    return computesIn;
  }

  @Override
  public List<float[]> run(List<float[]> batch) throws Exception {
    return predictor.predict(batch);
  }

  @Override
  public void close() {
    try (model; predictor) {
      // closes the predictor, then the model
    }
  }
}
