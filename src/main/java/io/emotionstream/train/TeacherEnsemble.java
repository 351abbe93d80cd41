package io.emotionstream.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Trained models whose averaged predictions a new network learns from (knowledge distillation,
 * Hinton et al., 2015): for each augmented training batch, every teacher's softmax at the
 * temperature, averaged over the teachers, in the student's class order. The teachers run their
 * inference networks (batch norm folded) on the batch the student sees, re-normalised to each
 * teacher's own mean and standard deviation.
 */
final class TeacherEnsemble implements AutoCloseable {

  private final NDManager manager;
  private final List<Teacher> teachers;
  private final float temperature;
  private final int classes;

  /** One loaded teacher: its network, normalisation and, per student class, its output index. */
  private record Teacher(String name, Block block, ParameterStore store, double mean, double std, int[] outputOf) {}

  private TeacherEnsemble(NDManager manager, List<Teacher> teachers, float temperature, int classes) {
    this.manager = manager;
    this.teachers = teachers;
    this.temperature = temperature;
    this.classes = classes;
  }

  /**
   * Loads the teachers.
   *
   * @param paths training run directories (their {@code model/}) or model artifact directories
   * @param labels the student's classes, in output order: every teacher must know each of them
   * @param inputSize the student's input side: each teacher must take the same
   * @throws IllegalArgumentException naming the teacher that does not fit
   */
  static TeacherEnsemble load(List<Path> paths, List<String> labels, int inputSize, float temperature) {
    NDManager manager = NDManager.newBaseManager(Device.cpu());
    List<Teacher> teachers = new ArrayList<>();
    try {
      for (Path path : paths) {
        Path dir = Files.isDirectory(path.resolve(TrainingRun.MODEL_DIRECTORY)) ? path.resolve(TrainingRun.MODEL_DIRECTORY)
            : path;
        ModelArtifact artifact = ModelArtifact.open(dir);
        ModelMetadata m = artifact.metadata();
        if (m.inputWidth() != inputSize || m.inputHeight() != inputSize || m.channels() != 1) {
          throw new IllegalArgumentException("--teacher " + path + " takes " + m.inputWidth() + "x" + m.inputHeight()
              + " with " + m.channels() + " channel(s); the student takes " + inputSize + "x" + inputSize + " grey");
        }
        int[] outputOf = ModelEvaluation.outputsFor(labels, m.labels(), dir);
        teachers.add(new Teacher(m.name() + " " + m.version(), artifact.newBlock(manager),
            new ParameterStore(manager, false), m.mean()[0], m.std()[0], outputOf));
      }
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    return new TeacherEnsemble(manager, List.copyOf(teachers), temperature, labels.size());
  }

  /** The teachers' names and versions, for the log and the report. */
  List<String> names() {
    return teachers.stream().map(Teacher::name).toList();
  }

  /**
   * @param inputs the student's batch, {@code batch x 1 x side x side}, normalised with {@code student}
   * @return {@code batch x classes} averaged teacher probabilities at the temperature
   */
  float[] probabilities(float[] inputs, Shape shape, Normalisation student) {
    int batch = (int) shape.get(0);
    float[] sum = new float[batch * classes];
    for (Teacher t : teachers) {
      // student-normalised value v = (p - ms) / ss; the teacher wants (p - mt) / st
      float scale = (float) (student.std() / t.std());
      float shift = (float) ((student.mean() - t.mean()) / t.std());
      float[] x = new float[inputs.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = inputs[i] * scale + shift;
      }
      try (NDManager step = manager.newSubManager()) {
        NDArray logits = t.block().forward(t.store(), new NDList(step.create(x, shape)), false).singletonOrThrow();
        float[] flat = logits.toFloatArray();
        int outputs = (int) logits.getShape().get(1);
        for (int i = 0; i < batch; i++) {
          double max = Double.NEGATIVE_INFINITY;
          for (int c = 0; c < classes; c++) {
            max = Math.max(max, flat[i * outputs + t.outputOf()[c]] / temperature);
          }
          double total = 0;
          double[] e = new double[classes];
          for (int c = 0; c < classes; c++) {
            e[c] = Math.exp(flat[i * outputs + t.outputOf()[c]] / temperature - max);
            total += e[c];
          }
          for (int c = 0; c < classes; c++) {
            sum[i * classes + c] += (float) (e[c] / total / teachers.size());
          }
        }
      }
    }
    return sum;
  }

  @Override
  public void close() {
    manager.close();
  }
}
