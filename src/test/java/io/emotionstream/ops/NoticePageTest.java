package io.emotionstream.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.policy.CameraFile;
import io.emotionstream.policy.CameraPolicies;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NoticePageTest {

  private static final CameraPolicies CAMERAS = CameraFile.parse("""
      cameras:
        - {id: entrance, site: store-12, zone: front door, emotion: true, context: customer-area,
           purpose: "mood at the entrance per hour, to staff the <greeting> desk",
           masks: [[[0, 0], [0.2, 0], [0.2, 1]]]}
        - {id: pharmacy, site: store-12, emotion: true, context: workplace, purpose: distress at the night counter,
           exemption: {reason: safety, justification: lone night work}}
        - {id: back-office, site: store-12, emotion: true, context: staff-area, purpose: p}
        - {id: stock, site: store-12}
        - {id: lobby, site: store-7, emotion: true, context: customer-area, purpose: queue mood}
      """, "cameras.yaml");

  private static NoticePage page(Map<String, String> settings) {
    return new NoticePage(Settings.defaults().with(settings, "test"), () -> CAMERAS,
        () -> List.of("angry", "happy", "neutral"));
  }

  @Test
  void aSitesNoticeSaysWhereWhyWhatAndForHowLongFromThePolicyInForce() {
    String html = page(Map.of("notice.controller", "Example Retail Ltd", "notice.contact", "privacy@example.com",
        "notice.contact.store-7", "dpo-store7@example.com")).html("store-12");
    assertTrue(html.contains("entrance") && html.contains("front door (customer-area)"), html);
    assertTrue(html.contains("to staff the &lt;greeting&gt; desk"), "text is escaped: " + html);
    assertTrue(html.contains("safety exemption: lone night work"), html);
    assertFalse(html.contains("back-office"), "a refused camera is not presented as in use");
    assertTrue(html.contains("2 other cameras here are not used"), html);
    assertTrue(html.contains("one masked area"), html);
    assertTrue(html.contains("angry, happy, neutral"), html);
    assertTrue(html.contains("below 40% the answer is \"unknown\""), html);
    assertTrue(html.contains("not how a person feels"), html);
    assertTrue(html.contains("Camera pictures: deleted after 1 hour"), html);
    assertTrue(html.contains("fewer than 5 people shows no counts"), html);
    assertTrue(html.contains("Example Retail Ltd") && html.contains("privacy@example.com"), html);
    assertTrue(html.contains("Art. 50(3)"), html);
  }

  @Test
  void perSiteTextOverridesTheGeneralTextAndMissingContactsAreSaidToBeMissing() {
    NoticePage page = page(Map.of("notice.contact.store-7", "dpo-store7@example.com"));
    String store7 = page.html("store-7");
    assertTrue(store7.contains("dpo-store7@example.com"), store7);
    assertTrue(store7.contains("not configured yet"), "no controller configured: " + store7);
    assertFalse(store7.contains("entrance"), "another site's cameras");
    assertNull(page.html("store-99"));
    String index = page.html(null);
    assertTrue(index.contains("/notice?site=store-12") && index.contains("/notice?site=store-7"), index);
  }

  @Test
  void withoutAnyAnalysedCameraTheNoticeSaysSo() {
    NoticePage none = new NoticePage(Settings.defaults(), CameraPolicies::none, List::of);
    assertTrue(none.html(null).contains("No camera is used to recognise emotions"), none.html(null));
  }
}
