package io.emotionstream.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of this process's threads, summed by what they do: the benchmarks' answer to "where do
 * the cores go", which the process's total ({@link ResourceProbe#cpuNanos}) cannot give.
 *
 * <p>Read from {@code /proc/self/task/TID/stat} (user and system time in clock ticks), every native
 * thread included: the JIT compiler's and the garbage collector's, which no Java API lists, and an
 * embedded broker's. A thread is put in the first {@link Group} one of whose prefixes its name
 * starts with, as the kernel keeps it ({@code comm}: the Java thread name cut to 15 characters),
 * else in {@link #OTHER}. A {@link Snapshot} keeps each thread's ticks, so that the CPU time
 * between two snapshots counts only the threads alive at the second: a thread that ended in
 * between is lost (the processor's pools live as long as it does), one started in between counts
 * from zero. Empty where {@code /proc} is not there (not Linux): the figures are optional.
 *
 * <p>Measured with it, the reason it exists: in {@code bench stream} at 20 px, 60 to 120 s after the
 * start, the JIT compiler took 14% of the process's CPU time (most of it compiling the embedded
 * broker's and the Kafka clients' code), the detection workers 70%, the classifier 10%.
 */
public final class ThreadCpu {

  /** Clock ticks per second of {@code /proc}'s times ({@code USER_HZ}): 100 on every Linux the project builds for. */
  static final double TICKS_PER_SECOND = 100;

  /** The group of threads no prefix claims. */
  public static final String OTHER = "other";

  /** A name for a set of threads and the name prefixes that claim them. */
  public record Group(String name, List<String> prefixes) {}

  /** Per-thread ticks at one moment: thread id to its group and its user + system ticks. */
  public record Snapshot(Map<Integer, String> groupOf, Map<Integer, Long> ticks) {}

  private final Path tasks;
  private final List<Group> groups;

  /** The threads of this process. */
  public ThreadCpu(List<Group> groups) {
    this(Path.of("/proc/self/task"), groups);
  }

  /** The threads listed under {@code tasks} (a {@code /proc/PID/task} directory). */
  ThreadCpu(Path tasks, List<Group> groups) {
    this.tasks = tasks;
    this.groups = List.copyOf(groups);
  }

  /** Every thread's ticks now; empty where {@code /proc} is not readable. */
  public Snapshot snapshot() {
    Map<Integer, String> groupOf = new HashMap<>();
    Map<Integer, Long> ticks = new HashMap<>();
    try (Stream<Path> threads = Files.list(tasks)) {
      for (Path thread : (Iterable<Path>) threads::iterator) {
        try {
          int tid = Integer.parseInt(thread.getFileName().toString());
          String stat = Files.readString(thread.resolve("stat"));
          // "TID (comm) state ...": comm may hold spaces and parentheses, so cut at the last ')'
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          String comm = stat.substring(open + 1, close);
          String[] fields = stat.substring(close + 2).split(" ");
          // after the comm: state is field 3 of proc(5), utime 14 and stime 15
          long t = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          groupOf.put(tid, groupOf(comm));
          ticks.put(tid, t);
        } catch (IOException | RuntimeException e) {
          // the thread ended while being read: it is simply not in this snapshot
        }
      }
    } catch (IOException | RuntimeException e) {
      return new Snapshot(Map.of(), Map.of());
    }
    return new Snapshot(groupOf, ticks);
  }

  /**
   * CPU cores used by each group between two snapshots ({@code wallNanos} apart), in the groups'
   * order, then {@link #OTHER}: CPU seconds per wall second, as {@code bench stream}'s
   * {@code cpuCores}. Empty when either snapshot is.
   */
  public Map<String, Double> coresByGroup(Snapshot start, Snapshot end, long wallNanos) {
    Map<String, Double> cores = new LinkedHashMap<>();
    if (start.ticks().isEmpty() || end.ticks().isEmpty() || wallNanos <= 0) {
      return cores;
    }
    groups.forEach(g -> cores.put(g.name(), 0.0));
    cores.put(OTHER, 0.0);
    double seconds = wallNanos / 1e9;
    end.ticks().forEach((tid, ticks) -> {
      long used = ticks - start.ticks().getOrDefault(tid, 0L);
      cores.merge(end.groupOf().get(tid), used / TICKS_PER_SECOND / seconds, Double::sum);
    });
    cores.replaceAll((name, v) -> Math.round(v * 1000) / 1000.0);
    return cores;
  }

  String groupOf(String comm) {
    for (Group g : groups) {
      for (String prefix : g.prefixes()) {
        if (comm.startsWith(prefix)) {
          return g.name();
        }
      }
    }
    return OTHER;
  }
}
