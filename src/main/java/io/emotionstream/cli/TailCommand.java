package io.emotionstream.cli;

import io.emotionstream.stream.EventJson;
import io.emotionstream.stream.EventReader;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tail}: print face events as JSON lines. */
@Command(name = "tail", mixinStandardHelpOptions = true,
    description = "Print face events from the events topic as JSON lines, one per face.")
public final class TailCommand implements Callable<Integer> {

  @Mixin
  SettingsOptions options;

  @Option(names = "--from-beginning", description = "Start at the oldest event instead of new ones.")
  boolean fromBeginning;

  @Option(names = "--max", defaultValue = "0", description = "Exit after this many events (0 = never).")
  long max;

  @Option(names = "--idle-timeout", defaultValue = "0",
      description = "Exit after this many seconds without an event (0 = never).")
  long idleTimeout;

  @Override
  public Integer call() {
    long printed = 0;
    long lastEvent = System.nanoTime();
    try (EventReader reader = new EventReader(options.settings(), fromBeginning)) {
      while (max == 0 || printed < max) {
        var records = reader.poll(Duration.ofMillis(500));
        for (var r : records) {
          System.out.println(EventJson.line(r.value()));
          printed++;
          lastEvent = System.nanoTime();
          if (max > 0 && printed >= max) {
            break;
          }
        }
        System.out.flush();
        if (idleTimeout > 0 && System.nanoTime() - lastEvent > idleTimeout * 1_000_000_000L) {
          break;
        }
      }
    }
    return 0;
  }
}
