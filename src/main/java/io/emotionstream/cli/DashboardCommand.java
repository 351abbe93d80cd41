package io.emotionstream.cli;

import io.emotionstream.config.Settings;
import io.emotionstream.ops.Operations;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code dashboard}: the live dashboard alone, following the events topic of the whole cluster. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
    description = {"Serve the live dashboard (and /metrics) without processing frames.",
        "Follows every partition of the events topic, so it shows the events of all processor instances.",
        "Port: setting ops.port (--set ops.port=8080)."})
public final class DashboardCommand implements Callable<Integer> {

  @Mixin
  SettingsOptions options;

  @Override
  public Integer call() throws Exception {
    Settings settings = options.settings();
    CountDownLatch stop = new CountDownLatch(1);
    try (Operations ops = Operations.start(settings, true)) {
      if (ops.port() == 0) {
        System.err.println("error: ops.port is 0: the dashboard needs a port");
        return 2;
      }
      ops.status().dashboardOnly();
      ops.startFeed();
      System.err.printf("dashboard at http://localhost:%d/ following %s on %s%n", ops.port(),
          settings.string("topic.events"), settings.string("bootstrap.servers"));
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "shutdown"));
      stop.await();
    }
    return 0;
  }
}
