package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  @Test
  void logModePrintsWholeLinesWithRateAndEta() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ProgressBar bar = new ProgressBar(out, "epoch 1/2", 128, false);
    bar.update(64, "loss 1.0");
    bar.update(96, "loss 0.9"); // within ten seconds of the last line: skipped
    bar.update(128, "loss 0.8"); // the end is always shown
    bar.finish();
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(2, lines.length, String.join("|", lines));
    assertTrue(lines[0].startsWith("epoch 1/2 [===============>") && lines[0].contains("64/128")
        && lines[0].contains("img/s ETA ") && lines[0].endsWith("loss 1.0"), lines[0]);
    assertTrue(lines[1].contains("128/128") && lines[1].contains("ETA 0m00s"), lines[1]);
  }

  @Test
  void durationsReadAsMinutesOrHours() {
    assertEquals("1m05s", ProgressBar.duration(65));
    assertEquals("2h03m", ProgressBar.duration(7380));
  }
}
