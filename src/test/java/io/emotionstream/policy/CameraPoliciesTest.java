package io.emotionstream.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CameraPoliciesTest {

  private static CameraPolicies parse(String cameras) {
    return CameraFile.parse("cameras:\n" + cameras, "cameras.yaml");
  }

  @Test
  void everyChangeThatMattersIsReportedOnce() {
    CameraPolicies before = parse("""
          - {id: a, emotion: false}
          - {id: b, emotion: true, context: customer-area, purpose: p}
          - {id: c, emotion: true, context: customer-area, purpose: p, masks: [[[0, 0], [1, 0], [1, 1]]]}
          - {id: d, emotion: true, context: customer-area, purpose: p}
          - {id: gone}
        """);
    CameraPolicies after = parse("""
          - {id: a, emotion: true, context: customer-area, purpose: p}
          - {id: b, emotion: true, context: workplace, purpose: p}
          - {id: c, emotion: true, context: customer-area, purpose: p}
          - {id: d, emotion: true, context: customer-area, purpose: p, zones: {till: [[0, 0], [1, 0], [1, 1]]}, url: x}
          - {id: new, emotion: false}
        """);
    List<PolicyChange> changes = after.changesSince(before);
    assertEquals(List.of("a:camera-enabled", "b:camera-policy-changed", "c:camera-masks-changed",
        "d:camera-zones-changed", "new:camera-added", "gone:camera-removed"),
        changes.stream().map(c -> c.camera() + ":" + c.kind().action()).toList());
    PolicyChange b = changes.get(1);
    assertTrue(b.detail().contains("context customer-area -> workplace"), b.detail());
    assertTrue(b.detail().contains("not analysed"), b.detail());
    assertTrue(b.before().contains("\"context\":\"customer-area\""), b.before());
    assertTrue(b.after().contains("\"refusal\":\"prohibited-context\""), b.after());
    assertNull(changes.get(4).before());
    assertNull(changes.get(5).after());
  }

  @Test
  void switchingEmotionOffIsADisabling() {
    CameraPolicies on = parse("  - {id: a, emotion: true, context: customer-area, purpose: p}\n");
    CameraPolicies off = parse("  - {id: a, emotion: false, context: customer-area, purpose: p}\n");
    List<PolicyChange> changes = off.changesSince(on);
    assertEquals(1, changes.size());
    assertEquals(PolicyChange.Kind.CAMERA_DISABLED, changes.get(0).kind());
  }

  @Test
  void commentsAndIngestKeysChangeNothingThatMatters() {
    CameraPolicies one = parse("  - {id: a, emotion: true, context: customer-area, purpose: p, fps: 2}\n");
    CameraPolicies two = parse("  # the lobby\n  - {id: a, emotion: true, context: customer-area, purpose: p, fps: 5}\n");
    assertTrue(two.changesSince(one).isEmpty());
    assertTrue(!one.sha256().equals(two.sha256()), "but it is another version of the file");
  }
}
