package io.emotionstream.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CameraFileTest {

  private static final String FILE = """
      cameras:
        - id: entrance
          site: store-12
          zone: front
          emotion: true
          context: customer-area
          purpose: mood at the entrance per hour, to staff the greeting desk
          masks:
            - [[0.0, 0.5], [0.25, 0.5], [0.25, 1.0], [0.0, 1.0]]
          zones:
            queue: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]]
          url: rtsp://10.0.0.7/stream1
          fps: 5
          tags: {lens: wide}
          enabled: true
          hours: "08:00-20:00"
          username: viewer
          password-env: CAM_PASSWORD
          password-file: /run/secrets/cam
          max-side: 1280
          jpeg-quality: 85
          keyframes-only: false
          connect-timeout-ms: 5000
          read-timeout-ms: 10000
        - id: back-office
          site: store-12
          emotion: true
          context: staff-area
          purpose: none that would be lawful
        - id: pharmacy-counter
          emotion: true
          context: workplace
          purpose: notice staff in distress at the night counter
          exemption:
            reason: safety
            justification: lone night work; signed off by the DPO on 2026-01-12
        - id: stock-room
          url: rtsp://10.0.0.9/stream1
      """;

  @Test
  void readsEveryPolicyKeyAndAcceptsTheKeysOfIngest() {
    CameraPolicies policies = CameraFile.parse(FILE, "cameras.yaml");
    assertEquals(List.of("entrance", "back-office", "pharmacy-counter", "stock-room"),
        policies.all().stream().map(CameraPolicy::id).toList());
    CameraPolicy entrance = policies.policy("entrance");
    assertEquals("store-12", entrance.site());
    assertEquals("front", entrance.zone());
    assertTrue(entrance.emotion());
    assertEquals(CameraContext.CUSTOMER_AREA, entrance.context());
    assertEquals("mood at the entrance per hour, to staff the greeting desk", entrance.purpose());
    assertEquals(1, entrance.masks().size());
    assertEquals(List.of("queue"), List.copyOf(entrance.zones().keySet()));
    assertEquals(64, policies.sha256().length());
    assertEquals("cameras.yaml", policies.source());
  }

  @Test
  void decidesPerCameraWhetherItsFramesAreAnalysed() {
    CameraPolicies policies = CameraFile.parse(FILE, "cameras.yaml");
    assertNull(policies.refusal("entrance"));
    assertEquals(Refusal.PROHIBITED_CONTEXT, policies.refusal("back-office"));
    assertNull(policies.refusal("pharmacy-counter"), "a workplace camera with a safety exemption is analysed");
    assertEquals(Exemption.Reason.SAFETY, policies.policy("pharmacy-counter").exemption().reason());
    assertEquals(Refusal.NOT_OPTED_IN, policies.refusal("stock-room"), "emotion is opt-in");
    assertEquals(Refusal.NOT_LISTED, policies.refusal("somewhere-else"));
    assertTrue(policies.policy("back-office").describe().contains("NOT analysed"), policies.policy("back-office").describe());
  }

  @Test
  void everyProhibitedContextIsRefusedWithoutAnExemption() {
    for (CameraContext context : CameraContext.values()) {
      CameraPolicies p = CameraFile.parse("cameras:\n  - {id: c, emotion: true, context: " + context.code()
          + ", purpose: p}\n", "f.yaml");
      assertEquals(context.prohibited() ? Refusal.PROHIBITED_CONTEXT : null, p.refusal("c"), context.code());
    }
    assertTrue(CameraContext.WORKPLACE.prohibited() && CameraContext.EDUCATION.prohibited()
        && CameraContext.STAFF_AREA.prohibited());
    assertFalse(CameraContext.CUSTOMER_AREA.prohibited() || CameraContext.PUBLIC_SPACE.prohibited());
  }

  @Test
  void masksAndZonesAreFractionsOfTheFrame() {
    CameraPolicy entrance = CameraFile.parse(FILE, "cameras.yaml").policy("entrance");
    // the same point of the view at two resolutions
    assertTrue(entrance.masked(100, 400, 640, 480));
    assertTrue(entrance.masked(200, 800, 1280, 960));
    assertFalse(entrance.masked(400, 400, 640, 480));
    assertFalse(entrance.masked(100, 100, 640, 480), "above the mask");
    assertEquals(List.of("queue"), entrance.zonesAt(500, 100, 640, 480));
    assertEquals(List.of(), entrance.zonesAt(100, 100, 640, 480));
  }

  @Test
  void anUnknownKeyIsAnErrorNamingTheKeyTheCameraAndTheFile() {
    CameraFileException e = assertThrows(CameraFileException.class, () -> CameraFile.parse(
        "cameras:\n  - id: entrance\n    emotions: true\n", "/etc/emotion-stream/cameras.yaml"));
    assertTrue(e.getMessage().contains("'emotions'"), e.getMessage());
    assertTrue(e.getMessage().contains("camera 'entrance'"), e.getMessage());
    assertTrue(e.getMessage().contains("/etc/emotion-stream/cameras.yaml"), e.getMessage());
  }

  @Test
  void badValuesAreErrorsNamingTheCameraAndWhatIsWrong() {
    assertError("cameras:\n  - {id: a, emotion: yes please}\n", "camera 'a'", "'emotion' must be true or false");
    assertError("cameras:\n  - {id: a, emotion: true, purpose: p}\n", "camera 'a'", "needs the camera's 'context'");
    assertError("cameras:\n  - {id: a, emotion: true, context: customer-area}\n", "camera 'a'", "'purpose'");
    assertError("cameras:\n  - {id: a, context: shop}\n", "camera 'a'", "unknown context 'shop'");
    assertError("cameras:\n  - {id: a, emotion: true, context: workplace, purpose: p, exemption: {reason: comfort,"
        + " justification: j}}\n", "camera 'a'", "neither medical nor safety");
    assertError("cameras:\n  - {id: a, exemption: {reason: medical}}\n", "camera 'a'", "written justification");
    assertError("cameras:\n  - {id: a, exemption: {reason: medical, justification: j, by: me}}\n", "camera 'a'",
        "'exemption.by'");
    assertError("cameras:\n  - {id: a, masks: [[[0, 0], [1, 0]]]}\n", "camera 'a', masks[1]", "at least 3 corners");
    assertError("cameras:\n  - {id: a, masks: [[[0, 0], [640, 0], [640, 480]]]}\n", "camera 'a', masks[1]",
        "fractions of the frame");
    assertError("cameras:\n  - {id: a, zones: {queue: [[0, 0], [1, 0], [x, 1]]}}\n", "zones.queue", "corner 3");
    assertError("cameras:\n  - {id: a, zones: {'my zone': [[0, 0], [1, 0], [1, 1]]}}\n", "camera 'a'", "zone name");
    assertError("cameras:\n  - {id: a}\n  - {id: a}\n", "camera 'a'", "listed twice");
    assertError("cameras:\n  - {site: s}\n", "entry 1", "no 'id'");
    assertError("cameras:\n  - {id: a}\n  - {id: 'door/till'}\n", "entry 2", "camera id \"door/till\"",
        "character outside A-Z a-z 0-9 . _ : -");
    assertError("camera:\n  - {id: a}\n", "f.yaml", "unknown top-level key 'camera'");
    assertError("cameras: {id: a}\n", "f.yaml", "must be a list");
    assertError("cameras:\n  - {id: a, emotion: true\n", "f.yaml", "not valid YAML");
    assertError("cameras:\n  - id: a\n    id: b\n", "f.yaml", "Duplicate");
  }

  private static void assertError(String yaml, String... parts) {
    CameraFileException e = assertThrows(CameraFileException.class, () -> CameraFile.parse(yaml, "f.yaml"), yaml);
    assertTrue(e.getMessage().contains("f.yaml"), e.getMessage());
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
    }
  }

  @Test
  void anEmptyListMeansNoCamera() {
    CameraPolicies p = CameraFile.parse("cameras:\n", "f.yaml");
    assertTrue(p.all().isEmpty());
    assertEquals(Refusal.NOT_LISTED, p.refusal("x"));
    assertEquals(Refusal.NOT_LISTED, CameraPolicies.none().refusal("x"));
  }

  @Test
  void theIngestKeysAreOnePublicList() {
    assertTrue(CameraFileKeys.INGEST_KEYS.containsAll(java.util.List.of("url", "fps", "password-file", "hours")));
    for (String key : CameraFileKeys.INGEST_KEYS) {
      assertFalse(CameraFileKeys.POLICY_KEYS.contains(key), key);
    }
  }

  @Test
  void theDefaultsApplyToEveryCameraUnlessItSetsTheKeyItself() {
    CameraPolicies p = CameraFile.parse("""
        defaults: {site: s1, context: customer-area, emotion: true, fps: 2}
        cameras:
          - {id: a, url: http://a, purpose: p}
          - {id: b, url: http://b, context: workplace, purpose: p}
        """, "f.yaml");
    assertEquals(null, p.refusal("a"));
    assertEquals("s1", p.policy("a").site());
    assertEquals(Refusal.PROHIBITED_CONTEXT, p.refusal("b"), "the camera's own context wins");
    CameraFileException e = org.junit.jupiter.api.Assertions.assertThrows(CameraFileException.class,
        () -> CameraFile.parse("defaults: {id: x}\ncameras: []\n", "g.yaml"));
    assertTrue(e.getMessage().contains("g.yaml") && e.getMessage().contains("defaults"), e.getMessage());
  }
}
