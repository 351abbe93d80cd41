package io.emotionstream.train;

/**
 * Asks for one PyTorch intra-op thread unless the build says otherwise. On a shared two-core
 * machine, OpenMP threads spin-waiting against other processes made the training tests several
 * times slower. The engine reads the property when it starts, so every test class that may start
 * it calls {@link #use()} from a static initialiser.
 */
final class OneThreadEngine {

  private OneThreadEngine() {}

  static void use() {
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", "1");
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
  }
}
