package io.emotionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.Assets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DetectCommandTest {

  @Test
  void printsOneJsonLinePerImageAndWritesAnnotatedCopies(@TempDir Path out) throws Exception {
    Path sample = Assets.npmPackage("@vladmandic/face-api", "1.7.15").resolve("demo/sample1.jpg");
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code = new CommandLine(new DetectCommand(new PrintStream(buffer, true, StandardCharsets.UTF_8)))
        .execute("--json", "--annotate", out.toString(), sample.toString());
    assertEquals(0, code);
    String[] lines = buffer.toString(StandardCharsets.UTF_8).trim().split("\n");
    assertEquals(1, lines.length);
    JsonNode image = new ObjectMapper().readTree(lines[0]);
    assertEquals(1920, image.get("width").asInt());
    assertEquals(1280, image.get("height").asInt());
    assertEquals(3, image.get("faces").size());
    JsonNode face = image.get("faces").get(0);
    assertEquals(4, face.get("box").size());
    assertTrue(face.get("score").asDouble() > 0.99);
    assertEquals(5, face.get("landmarks").size());
    assertEquals(2, face.get("landmarks").get(0).size());
    assertTrue(Files.size(out.resolve("sample1.faces.png")) > 10_000);
  }

  @Test
  void helpWorks() {
    assertEquals(0, new CommandLine(new DetectCommand()).execute("--help"));
    assertEquals(0, new CommandLine(new BenchDetectCommand()).execute("--help"));
  }
}
