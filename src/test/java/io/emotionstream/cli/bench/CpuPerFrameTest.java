package io.emotionstream.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuPerFrameTest {

  private static final Map<String, Double> CORES = Map.of(
      "detection", 1.2, "classifier", 0.3, "streamThreads", 0.1, "jitCompiler", 0.25, ThreadCpu.OTHER, 0.4);

  @Test
  void sumsOnlyTheNamedGroupsOverTheWallTimeAndDividesByTheFrames() {
    // 1.6 cores for 10 s = 16 CPU seconds over 100 frames
    double ms = CpuPerFrame.millis(CORES, List.of("detection", "classifier", "streamThreads"), 10_000_000_000L, 100);
    assertEquals(160.0, ms, 1e-9);
    assertEquals(120.0, CpuPerFrame.millis(CORES, List.of("detection"), 10_000_000_000L, 100), 1e-9);
  }

  @Test
  void isNotANumberWithoutFramesOrThreadFigures() {
    assertTrue(Double.isNaN(CpuPerFrame.millis(CORES, List.of("detection"), 10_000_000_000L, 0)));
    assertTrue(Double.isNaN(CpuPerFrame.millis(Map.of(), List.of("detection"), 10_000_000_000L, 100)));
    assertTrue(Double.isNaN(CpuPerFrame.millis(CORES, List.of("detection", "missing"), 10_000_000_000L, 100)));
  }

  @Test
  void ratiosAreEachGroupOverTheReferenceWithoutTheReferenceItself() {
    var r = CpuPerFrame.ratios(CORES, "detection", List.of("detection", "classifier", "streamThreads", "missing"));
    assertEquals(List.of("classifier", "streamThreads"), List.copyOf(r.keySet()));
    assertEquals(0.25, r.get("classifier"), 1e-12);
    assertEquals(0.1 / 1.2, r.get("streamThreads"), 1e-12);
    assertTrue(CpuPerFrame.ratios(Map.of("detection", 0.0, "classifier", 0.2), "detection", List.of("classifier")).isEmpty());
    assertTrue(CpuPerFrame.ratios(CORES, "missing", List.of("classifier")).isEmpty());
  }
}
