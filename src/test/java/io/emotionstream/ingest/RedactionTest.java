package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RedactionTest {

  @Test
  void userInfoInAnyUrlIsMasked() {
    assertEquals("cannot open rtsp://admin:***@10.0.0.5:554/s1: refused",
        Redaction.redact("cannot open rtsp://admin:hunter2x@10.0.0.5:554/s1: refused"));
    assertEquals("http://u:***@h/a and https://v:***@k/b", Redaction.redact("http://u:p1@h/a and https://v:p2@k/b"));
    assertEquals("rtsp://10.0.0.5/s1", Redaction.redact("rtsp://10.0.0.5/s1"));
  }

  @Test
  void rememberedSecretsAreMaskedInEveryForm() {
    Redaction.remember("p@ss w/rd!");
    String text = "got p@ss w/rd! then p%40ss%20w%2Frd%21 then p%40ss+w%2Frd%21";
    assertEquals("got *** then *** then ***", Redaction.redact(text));
    assertFalse(Redaction.describe(new RuntimeException("x", new IllegalStateException("p@ss w/rd! leaked")))
        .contains("p@ss"));
  }

  @Test
  void urlsAreSplitAndRebuiltWithoutLosingTheirPasswordsOrShowingThem() {
    CameraUrl u = CameraUrl.parse("rtsp://admin:p@ss@cam.local:554/Streaming/101?transport=tcp");
    assertEquals("admin", u.user());
    assertEquals("p@ss", u.password(), "the last '@' before the path ends the user info");
    assertEquals("rtsp://cam.local:554/Streaming/101?transport=tcp", u.withoutCredentials());
    assertEquals("rtsp://admin:***@cam.local:554/Streaming/101?transport=tcp", u.redacted());
    assertEquals("rtsp://viewer:a%3Ab%2Fc%40d@cam.local:554/Streaming/101?transport=tcp",
        u.withCredentials("viewer", "a:b/c@d"));
    assertEquals("cam.local:554", u.where());
    assertEquals(CameraUrl.Kind.RTSP, u.kind());
    assertEquals(CameraUrl.Kind.HTTP, CameraUrl.parse("https://cam/snap.jpg").kind());
    assertEquals(CameraUrl.Kind.FILE, CameraUrl.parse("/data/video.mp4").kind());
    assertEquals(CameraUrl.Kind.DEVICE, CameraUrl.parse("/dev/video2").kind());
    assertEquals(CameraUrl.Kind.OTHER_URL, CameraUrl.parse("srt://cam:9000").kind());
    assertEquals("s%C3%A9cret", CameraUrl.encodeUserInfo("sécret"));
    assertThrows(IllegalArgumentException.class, () -> CameraUrl.parse(" "));
  }
}
