package io.emotionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bench inference --profile}: one libtorch trace per model and batch size, of the calls asked for. */
class BenchInferenceProfileTest {

  @Test
  void writesOneTracePerBatchSizeHoldingEachProfiledCall(@TempDir Path dir) throws Exception {
    PrintStream stdout = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
      exit = new CommandLine(new BenchInferenceCommand()).execute("--models", "resnet18-48", "--batch-sizes", "1,2",
          "--batcher-models", "", "--seconds", "0.05", "--repeats", "1", "--profile", dir.resolve("p").toString(),
          "--profile-calls", "3");
    } finally {
      System.setOut(stdout);
    }
    String out = buffer.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, out);
    JsonNode row = new ObjectMapper().readTree(out).path("classifier_images_per_second").path("resnet18-48");
    assertEquals(2, row.path("profiles").size(), out);
    for (int size : new int[] {1, 2}) {
      Path trace = dir.resolve("p-resnet18-48-b" + size + ".json");
      assertEquals(trace.toString(), row.path("profiles").get(size - 1).asText());
      int lastLayers = 0;
      for (JsonNode e : new ObjectMapper().readTree(trace.toFile())) {
        if ("aten::addmm".equals(e.path("name").asText())) {
          lastLayers++;
          assertEquals(size, e.path("shape").get(1).get(0).asInt(), "batch of the last layer in " + trace);
        }
      }
      // the network's last (linear) layer runs once per call
      assertTrue(lastLayers == 3, lastLayers + " last layers in " + trace);
    }
  }
}
