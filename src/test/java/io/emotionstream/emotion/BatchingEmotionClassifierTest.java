package io.emotionstream.emotion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.inference.InferenceConfig;
import io.emotionstream.inference.WorkerSlot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The classifier over a pool of two CPU workers, many callers at once, and the model swap seam (on face-api's network, 112 px crops). */
class BatchingEmotionClassifierTest {

  static final InferenceConfig TWO_CPU_WORKERS = InferenceConfig.defaults()
      .withDevices("cpu").withCpuWorkers(2).withCpuThreads(2).withMaxBatchSize(8).withMaxWait(Duration.ofMillis(2));

  @Test
  void concurrentCallersGetTheirOwnResultsFromBothWorkers() throws Exception {
    List<Mat> crops = SampleFaces.crops(SampleFaces.FACES.subList(0, 8), 112);
    try (BatchingEmotionClassifier classifier = EmotionClassifiers.open(SampleFaces.faceApiArtifactOrSkip(), TWO_CPU_WORKERS)) {
      List<WorkerSlot> slots = classifier.runtime().pool().slots();
      assertEquals(2, slots.size());
      assertTrue(slots.stream().allMatch(s -> s.intraOpThreads() == 1), slots.toString());
      List<EmotionPrediction> reference = classifier.classify(crops);

      ExecutorService callers = Executors.newFixedThreadPool(crops.size());
      List<Future<Integer>> mismatches = new ArrayList<>();
      for (int c = 0; c < crops.size(); c++) {
        int face = c;
        mismatches.add(callers.submit(() -> {
          int bad = 0;
          for (int i = 0; i < 25; i++) {
            float[] p = classifier.classify(List.of(crops.get(face))).get(0).probabilities();
            if (!close(p, reference.get(face).probabilities())) {
              bad++;
            }
          }
          return bad;
        }));
      }
      for (Future<Integer> f : mismatches) {
        assertEquals(0, f.get(120, TimeUnit.SECONDS));
      }
      callers.shutdown();
      assertTrue(classifier.runtime().pool().batchesPerWorker().stream().allMatch(n -> n > 0),
          "both workers should run batches: " + classifier.runtime().pool().batchesPerWorker());
      assertTrue(classifier.runtime().batcher().stats().largestBatch() > 1, classifier.runtime().batcher().stats().toString());
    }
  }

  @Test
  void swapServesNewRequestsFromTheNewModelWhileCallersKeepGoing() throws Exception {
    List<Mat> crops = SampleFaces.crops(SampleFaces.FACES.subList(0, 2), 112);
    InferenceConfig one = InferenceConfig.defaults().withDevices("cpu");
    try (BatchingEmotionClassifier classifier = EmotionClassifiers.open(SampleFaces.faceApiArtifactOrSkip(), one)) {
      ModelRuntime first = classifier.runtime();
      ExecutorService callers = Executors.newFixedThreadPool(2);
      List<Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < 2; c++) {
        done.add(callers.submit(() -> {
          int n = 0;
          for (int i = 0; i < 60; i++) {
            n += classifier.classify(crops).size();
          }
          return n;
        }));
      }
      Thread.sleep(200);
      classifier.swap(ModelRuntime.start(EmotionClassifiers.faceApiArtifact(), one));
      for (Future<Integer> f : done) {
        assertEquals(120, f.get(120, TimeUnit.SECONDS));
      }
      callers.shutdown();
      assertNotSame(first, classifier.runtime());
      assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> first.batcher().submit(new float[0]));
    }
  }

  private static boolean close(float[] a, float[] b) {
    for (int i = 0; i < a.length; i++) {
      if (Math.abs(a[i] - b[i]) > 1e-4) {
        return false;
      }
    }
    return true;
  }
}
