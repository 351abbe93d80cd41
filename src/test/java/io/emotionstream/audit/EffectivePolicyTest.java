package io.emotionstream.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.config.Settings;
import io.emotionstream.testing.TestCameras;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EffectivePolicyTest {

  private static String[] ids(int n) {
    String[] ids = new String[n];
    for (int i = 0; i < n; i++) {
      ids[i] = String.format("cam-%05d", i);
    }
    return ids;
  }

  @Test
  void aFewCamerasAreRecordedEach() {
    ObjectNode json = EffectivePolicy.json(Settings.defaults(), TestCameras.policies(ids(3)), "m 1");
    assertEquals(3, json.path("cameras").size());
    assertEquals(3, json.path("camerasAnalysed").asInt());
    assertTrue(json.path("camerasOmitted").isMissingNode());
  }

  /** 20,000 cameras used to make a 2.9 MB start record that the audit topic refused: no start. */
  @Test
  void twentyThousandCamerasFitOneAuditRecord() {
    ObjectNode json = EffectivePolicy.json(Settings.defaults(), TestCameras.policies(ids(20_000)), "m 1");
    int bytes = json.toString().getBytes(StandardCharsets.UTF_8).length;
    assertTrue(bytes < 900 * 1024, bytes + " bytes");
    assertEquals(20_000, json.path("camerasAnalysed").asInt());
    assertEquals(20_000, json.path("cameras").size() + json.path("camerasOmitted").asInt());
    assertTrue(json.path("camerasOmitted").asInt() > 0);
    assertTrue(json.path("cameraFileSha256").asText().length() == 64, "the file that lists them all");
  }
}
