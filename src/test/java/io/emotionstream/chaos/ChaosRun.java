package io.emotionstream.chaos;

import io.emotionstream.kafka.EmbeddedKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One chaos run for one processing guarantee: cameras stream frames at a steady rate while the
 * processor ({@code process}, its own JVM) is killed with SIGKILL and restarted, the broker is
 * stopped and started again, and a second instance joins and one of the two is killed so that its
 * partitions move to the other. Then the cameras stop, the last instance finishes the backlog and
 * stops, and the committed events are audited. Delays are drawn from a seeded random.
 */
final class ChaosRun {

  private static final int PARTITIONS = 4;
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(4);

  private final EmbeddedKafka broker;
  private final ChaosOptions options;
  private final List<FrameStreamer.Photo> photos;
  private final String guarantee;
  private final long seed;
  private final Random random;
  private final String name;
  private final Path dir;
  private final List<ProcessorProcess> started = new ArrayList<>();
  private long t0;
  private int kills;
  private int brokerRestarts;
  private int handovers;

  ChaosRun(EmbeddedKafka broker, ChaosOptions options, List<FrameStreamer.Photo> photos, String guarantee, long seed) {
    this.broker = broker;
    this.options = options;
    this.photos = photos;
    this.guarantee = guarantee;
    this.seed = seed;
    this.random = new Random(seed);
    this.name = "chaos-" + guarantee.replace('_', '-') + "-" + Long.toUnsignedString(seed, 36);
    this.dir = Path.of("target", "chaos", name).toAbsolutePath();
  }

  ChaosReport run() throws Exception {
    t0 = System.nanoTime();
    Files.createDirectories(dir);
    String frames = name + "-frames";
    String events = name + "-events";
    String deadLetter = name + "-dlq";
    List<String> cameras = IntStream.range(0, options.cameras()).mapToObj(i -> "camera-" + (i + 1)).toList();
    say("%s, seed %d, %d cameras at %.2f fps each, logs in %s", guarantee, seed, cameras.size(), options.fps(), dir);
    try (Admin admin = broker.admin()) {
      admin.createTopics(List.of(new NewTopic(frames, PARTITIONS, (short) 1), new NewTopic(events, PARTITIONS, (short) 1)))
          .all().get();
      GroupProbe probe = new GroupProbe(admin, name, frames, events, PARTITIONS);
      List<String> settings = List.of(
          "application.id=" + name,
          "topic.frames=" + frames,
          "topic.events=" + events,
          "topic.dead-letter=" + deadLetter,
          "topic.stats=" + name + "-stats",
          "topics.partitions=" + PARTITIONS,
          "topics.replication-factor=1",
          "processing.guarantee=" + guarantee,
          "ops.port=0",
          // a killed instance leaves its partitions after the session timeout: keep it at the broker's minimum
          "kafka.session.timeout.ms=6000",
          "kafka.heartbeat.interval.ms=1500",
          "kafka.replication.factor=1",
          "cameras.file=" + io.emotionstream.testing.TestCameras.optedIn(cameras.toArray(String[]::new)));
      FrameStreamer streamer = new FrameStreamer(broker.bootstrapServers(), frames, PARTITIONS, cameras, photos,
          options.fps());
      try {
        streamer.start();
        ProcessorProcess current = launch(settings);
        long chaosEnd = System.nanoTime() + options.duration().toNanos();
        do {
          for (int k = 0; k < options.kills(); k++) {
            awaitProgress(probe, List.of(current));
            pause(0, 4000);
            say("kill -9 %s (pid %d)", current.name(), current.pid());
            current.kill();
            kills++;
            current = launch(settings);
          }
          awaitProgress(probe, List.of(current));
          pause(0, 4000);
          say("broker: stop");
          broker.stop();
          pause(1000, 5000);
          broker.restart(Duration.ofSeconds(60));
          brokerRestarts++;
          say("broker: started again");
          awaitProgress(probe, List.of(current));

          ProcessorProcess second = launch(settings);
          List<ProcessorProcess> both = List.of(current, second);
          awaitOwners(probe, both, 2);
          pause(0, 4000);
          ProcessorProcess victim = both.get(random.nextInt(2));
          ProcessorProcess survivor = victim == current ? second : current;
          say("owners %s; kill -9 %s (pid %d)", probe.owners(), victim.name(), victim.pid());
          victim.kill();
          kills++;
          awaitOwners(probe, List.of(survivor), 1);
          handovers++;
          say("every partition moved to %s: %s", survivor.name(), probe.owners());
          awaitProgress(probe, List.of(survivor));
          current = survivor;
        } while (System.nanoTime() < chaosEnd);

        streamer.stop();
        say("cameras stopped: %d frames acknowledged, %d failed; waiting for the backlog",
            streamer.acknowledged().size(), streamer.failed().size());
        ProcessorProcess last = current;
        await("every frame committed as processed", List.of(last), () -> probe.framesBehind() == 0);
        int exit = last.stop(60);
        say("%s stopped (exit %d)", last.name(), exit);
        await("no open transaction on the events topic", List.of(), probe::eventsStable);
        EventAudit.Result audit = EventAudit.audit(broker.bootstrapServers(), events, streamer.acknowledged(),
            streamer.failed(), Duration.ofMinutes(2));
        int deadLettered = EventAudit.records(broker.bootstrapServers(), deadLetter, "read_committed");
        int aborted = EventAudit.records(broker.bootstrapServers(), events, "read_uncommitted") - audit.events();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        say("audit: %s", audit);
        return new ChaosReport(guarantee, seed, streamer.acknowledged().size(), streamer.failed().size(), audit,
            deadLettered, aborted, kills, brokerRestarts, handovers, elapsed, started.stream().map(p -> p.log().toString()).toList());
      } finally {
        streamer.close();
        for (ProcessorProcess p : started) {
          p.close();
        }
        deleteStateDirectories();
      }
    }
  }

  private ProcessorProcess launch(List<String> settings) throws IOException {
    int n = started.size() + 1;
    Path state = dir.resolve("state-" + n);
    List<String> all = new ArrayList<>(settings);
    // a fresh state directory, as a replaced pod without a volume has
    all.add("stream.state-dir=" + state);
    // every frame must come out exactly once (or at least once): frames that waited through a kill
    // or a broker restart must not be shed for their age
    all.add("frame.max-age-ms=0");
    // the model is not what this test is about: the same one whatever the default is
    all.add("model.dir=faceapi-expression");
    ProcessorProcess p = ProcessorProcess.launch("p" + n, broker.bootstrapServers(), all, dir.resolve("p" + n + ".log"));
    started.add(p);
    say("started %s (pid %d)", p.name(), p.pid());
    return p;
  }

  /** The instances' RocksDB stores take tens of MB each; the logs stay. Never hides the run's own failure. */
  private void deleteStateDirectories() {
    try (Stream<Path> states = Files.list(dir)) {
      for (Path state : states.filter(p -> p.getFileName().toString().startsWith("state-")).toList()) {
        try (Stream<Path> files = Files.walk(state)) {
          for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(f);
          }
        }
      }
    } catch (IOException e) {
      say("could not delete the state directories under %s: %s", dir, e);
    }
  }

  /** Waits until the events topic grows, i.e. a live instance is processing. */
  private void awaitProgress(GroupProbe probe, List<ProcessorProcess> live) throws Exception {
    long before = probe.eventsWritten();
    await("new events from " + names(live), live, () -> probe.eventsWritten() > before);
  }

  /** Waits until exactly {@code live} are in the group, each owning frames partitions, together all. */
  private void awaitOwners(GroupProbe probe, List<ProcessorProcess> live, int members) throws Exception {
    await(members + " members owning every frames partition", live, () -> {
      Map<String, Set<Integer>> owners = probe.owners();
      return owners.size() == members && owners.values().stream().noneMatch(Set::isEmpty)
          && owners.values().stream().mapToInt(Set::size).sum() == PARTITIONS;
    });
  }

  interface Check {
    boolean holds() throws Exception;
  }

  private void await(String what, List<ProcessorProcess> live, Check check) throws Exception {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    while (true) {
      for (ProcessorProcess p : live) {
        if (!p.isAlive()) {
          throw new AssertionError(guarantee + ": " + p.name() + " died while waiting for " + what + "; log "
              + p.log() + ":\n" + tail(p.log()));
        }
      }
      try {
        if (check.holds()) {
          return;
        }
      } catch (ExecutionException e) {
        // the broker may be restarting; ask again
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(guarantee + ": timed out after " + STEP_TIMEOUT + " waiting for " + what
            + (live.isEmpty() ? "" : "; last log lines of " + live.get(0).log() + ":\n" + tail(live.get(0).log())));
      }
      Thread.sleep(250);
    }
  }

  private void pause(int minMillis, int maxMillis) throws InterruptedException {
    Thread.sleep(minMillis + random.nextInt(maxMillis - minMillis + 1));
  }

  private static String names(List<ProcessorProcess> processes) {
    return String.join(", ", processes.stream().map(ProcessorProcess::name).toList());
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  private void say(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[chaos %6.1fs] %s%n", (System.nanoTime() - t0) / 1e9,
        String.format(Locale.ROOT, format, args));
  }
}
