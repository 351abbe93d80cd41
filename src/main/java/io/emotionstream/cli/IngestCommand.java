package io.emotionstream.cli;

import io.emotionstream.config.Settings;
import io.emotionstream.ingest.CameraConfig;
import io.emotionstream.ingest.CameraList;
import io.emotionstream.ingest.CameraListException;
import io.emotionstream.ingest.HangupReload;
import io.emotionstream.ingest.IngestDefaults;
import io.emotionstream.ingest.IngestService;
import io.emotionstream.ops.Operations;
import io.emotionstream.ops.ServiceHealth;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ingest}: keep every camera of a camera list connected and send their newest frames. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = {"Keep every camera of a camera list connected (RTSP, HTTP MJPEG or snapshots,",
        "USB, video files) and send each camera's newest frame at its rate to the",
        "frames topic, until SIGTERM / Ctrl-C. The list is read again when the file",
        "changes or on SIGHUP. Status: /api/cameras, /metrics, /health/ready."})
public final class IngestCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(IngestCommand.class);

  @Mixin
  SettingsOptions options;

  @Option(names = "--cameras", paramLabel = "FILE",
      description = "The camera list (YAML, see config/cameras.example.yaml); default: the setting ingest.cameras.")
  Path cameras;

  @Option(names = "--check", description = "Only read and check the camera list, print its cameras and exit (0 = valid).")
  boolean check;

  @Option(names = "--stats-interval", paramLabel = "SECONDS", defaultValue = "30",
      description = "How often to log each camera's state and counters (default ${DEFAULT-VALUE} s; 0 = never).")
  int statsInterval;

  @Override
  public Integer call() throws Exception {
    Settings settings = options.settings();
    Path file = cameras != null ? cameras : settingPath(settings);
    if (check) {
      CameraList list = CameraList.read(file, IngestDefaults.from(settings));
      for (CameraConfig c : list.cameras()) {
        System.out.println(c);
      }
      System.err.printf("%s: %d camera(s), valid%n", file, list.cameras().size());
      return 0;
    }
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ingest-stats");
      t.setDaemon(true);
      return t;
    });
    CountDownLatch stopped = new CountDownLatch(1);
    try (Operations ops = Operations.start(settings, false)) {
      ops.status().service(() -> new ServiceHealth(true, false, "starting: reading the camera list"));
      run(settings, file, ops, ticker, stopped);
    } finally {
      ticker.shutdownNow();
    }
    return 0;
  }

  private void run(Settings settings, Path file, Operations ops, ScheduledExecutorService ticker, CountDownLatch stopped)
      throws InterruptedException {
    try (IngestService service = IngestService.start(settings, file, ops.registry())) {
      service.attach(ops);
      HangupReload.install(service);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        service.close();
        stopped.countDown();
      }, "shutdown"));
      if (statsInterval > 0) {
        ticker.scheduleAtFixedRate(() -> service.progressLines().forEach(line -> LOG.info("{}", line)), statsInterval,
            statsInterval, TimeUnit.SECONDS);
      }
      stopped.await();
    }
  }

  private static Path settingPath(Settings settings) {
    String value = settings.string("ingest.cameras", "");
    if (value.isBlank()) {
      throw new CameraListException("no camera list: give --cameras FILE or set ingest.cameras");
    }
    return Path.of(value);
  }
}
