package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A process started with SIGHUP ignored (as under {@code nohup}) is told apart from one started
 * with the default disposition, in a child JVM started each way through coreutils' {@code env}.
 */
class HangupReloadTest {

  /** The child: prints whether it sees SIGHUP as ignored. */
  public static final class Probe {
    public static void main(String[] args) {
      System.out.print(HangupReload.hangupIgnored());
    }
  }

  @Test
  void seesWhetherSighupWasIgnoredWhenTheProcessStarted() throws Exception {
    assumeTrue(Files.exists(Path.of("/proc/self/status")), "no /proc on this platform");
    assertEquals("true", probe("--ignore-signal=HUP"));
    assertEquals("false", probe("--default-signal=HUP"));
  }

  private static String probe(String envOption) throws Exception {
    List<String> command = new ArrayList<>(List.of("env", envOption,
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Probe.class.getName()));
    String out = run(command);
    assumeTrue(out != null, "env has no " + envOption + " here (coreutils before 8.31)");
    return out;
  }

  /** Standard output of a successful run, or null when it failed. */
  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    return p.waitFor() == 0 ? out : null;
  }
}
