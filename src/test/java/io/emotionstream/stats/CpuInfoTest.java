package io.emotionstream.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CpuInfoTest {

  private static final String TWO_PROCESSORS = """
      processor\t: 0
      vendor_id\t: AuthenticAMD
      model name\t: AMD EPYC 9R14 96-Core Processor
      flags\t\t: fpu sse4_2 avx avx2 fma avx512f avx512bw avx512_bf16
      processor\t: 1
      model name\t: another name
      flags\t\t: fpu
      """;

  @Test
  void takesTheFirstProcessorsModelAndFlags() {
    CpuInfo cpu = CpuInfo.parse(TWO_PROCESSORS);
    assertEquals("AMD EPYC 9R14 96-Core Processor", cpu.model());
    assertEquals(Set.of("fpu", "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512_bf16"), cpu.flags());
  }

  @Test
  void namesTheMissingFlagsInTheAskedOrder() {
    CpuInfo cpu = CpuInfo.parse(TWO_PROCESSORS);
    assertEquals(List.of("avx512vl", "amx_tile"), cpu.missing(List.of("avx512vl", "avx2", "amx_tile", "avx512bw")));
    assertEquals(List.of(), cpu.missing(List.of("avx512f")));
  }

  @Test
  void reportsOnlyTheShownFlagsSorted() {
    CpuInfo cpu = CpuInfo.parse(TWO_PROCESSORS);
    assertEquals("avx2 avx512_bf16 fma", cpu.flagsAmong(Set.of("fma", "avx512_bf16", "avx2", "amx_tile")));
  }

  @Test
  void anUnreadableFileKnowsNothing() {
    CpuInfo cpu = CpuInfo.parse("");
    assertEquals("unknown", cpu.model());
    assertTrue(cpu.flags().isEmpty());
    assertEquals(List.of("avx2"), cpu.missing(List.of("avx2")));
  }

  @Test
  void readsThisMachineWithoutFailing() {
    CpuInfo cpu = CpuInfo.read();
    if (System.getProperty("os.name").startsWith("Linux")) {
      assertTrue(!cpu.flags().isEmpty() && !cpu.model().equals("unknown"), "Linux names its CPU: " + cpu);
    }
  }
}
