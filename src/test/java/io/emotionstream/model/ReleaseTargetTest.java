package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.schema.ModelRelease;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keys, descriptions and the choice of a canary's instances. */
class ReleaseTargetTest {

  private static ModelRelease canary(String version, double share, List<String> named) {
    return ModelRelease.newBuilder().setModelName("fer-resnet18").setVersion(version).setArtifactUri("file:/s/x")
        .setChecksum("00").setLabels(List.of("happy")).setCreatedTime(Instant.EPOCH).setMetrics(Map.of())
        .setChannel("stable").setCanaryShare(share).setCanaryInstances(named).build();
  }

  @Test
  void aChannelReleaseIsKeyedByTheChannelAndACanaryByChannelSlashCanary() {
    assertEquals("stable", ReleaseTarget.channel("stable").key());
    assertFalse(ReleaseTarget.channel("stable").canary());
    ReleaseTarget canary = new ReleaseTarget("stable", 0.25, List.of("p-1"));
    assertTrue(canary.canary());
    assertEquals("stable/canary", canary.key());
    assertEquals("a canary on channel stable (25.0% of the instances and instances p-1)", canary.describe());
    assertEquals("stable/canary", new ReleaseTarget("stable", 0, List.of("p-1")).key());
  }

  @Test
  void badChannelsAndSharesAreRefusedNamingTheFlag() {
    IllegalArgumentException slash = assertThrows(IllegalArgumentException.class,
        () -> ReleaseTarget.channel("stable/canary"));
    assertTrue(slash.getMessage().contains("--channel"), slash.getMessage());
    IllegalArgumentException share = assertThrows(IllegalArgumentException.class,
        () -> new ReleaseTarget("stable", 1.5, List.of()));
    assertTrue(share.getMessage().contains("--canary-share"), share.getMessage());
  }

  @Test
  void aShareSelectsAboutThatShareOfInstancesAndNamedOnesAlways() {
    ModelRelease quarter = canary("v9", 0.25, List.of("named"));
    int selected = 0;
    for (int i = 0; i < 2000; i++) {
      if (ReleaseTarget.selects(quarter, "pod-" + i)) {
        selected++;
      }
    }
    assertTrue(selected > 420 && selected < 580, "a quarter of 2000 instances, got " + selected);
    assertTrue(ReleaseTarget.selects(quarter, "named"));
    assertTrue(ReleaseTarget.selects(canary("v9", 0, List.of("named")), "named"));
    assertFalse(ReleaseTarget.selects(canary("v9", 0, List.of("named")), "pod-1"), "a share of 0 selects only the named");
    assertEquals(ReleaseTarget.selects(quarter, "pod-7"), ReleaseTarget.selects(canary("v9", 0.25, List.of()), "pod-7"),
        "the same canary version selects the same instances");
  }
}
