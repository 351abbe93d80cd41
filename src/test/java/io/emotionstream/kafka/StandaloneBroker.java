package io.emotionstream.kafka;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A KRaft broker on its own, for scripts that run containers against a broker of the host
 * ({@code scripts/image-check.sh}): writes its bootstrap address to the file given as the first
 * argument and runs until the process is stopped.
 */
public final class StandaloneBroker {

  private StandaloneBroker() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: StandaloneBroker BOOTSTRAP_FILE");
      System.exit(2);
    }
    EmbeddedKafka kafka = EmbeddedKafka.start();
    Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "broker-stop"));
    Path file = Path.of(args[0]);
    Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), kafka.bootstrapServers());
    Files.move(file.resolveSibling(file.getFileName() + ".tmp"), file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Thread.currentThread().join();
  }
}
