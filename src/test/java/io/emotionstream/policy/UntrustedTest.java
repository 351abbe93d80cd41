package io.emotionstream.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The camera id policy and the printing of untrusted strings. */
class UntrustedTest {

  @Test
  void validCameraIds() {
    for (String id : new String[] {"entrance", "store-12.entrance_3", "00:1A:2B:3C:4D:5E",
        "0f8fad5b-d9cb-469f-a165-70867728950e", "a", "x".repeat(64)}) {
      assertTrue(CameraIds.valid(id), id);
      assertNull(CameraIds.problem(id), id);
    }
  }

  @Test
  void invalidCameraIdsAreNamedEscaped() {
    assertEquals("the camera id is empty", CameraIds.problem(""));
    assertEquals("the frame has no camera id", CameraIds.problem(null));
    assertTrue(CameraIds.problem("x".repeat(65)).contains("65 characters long, more than 64"));
    assertTrue(CameraIds.problem("-door").contains("does not start with a letter or digit"));
    assertEquals("camera id \"door/till\" has a character outside A-Z a-z 0-9 . _ : -", CameraIds.problem("door/till"));
    assertEquals("camera id \"a\\u000ab\" has a character outside A-Z a-z 0-9 . _ : -", CameraIds.problem("a\nb"));
    assertFalse(CameraIds.valid("caméra"));
    assertFalse(CameraIds.valid("a\u0000b"));
  }

  @Test
  void quotedStringsHaveNoLineBreaksEscapesOrInvisibleCharacters() {
    String hostile = "id\r\nERROR forged\u001b[31mred\u202eevil\u2028\"q\\";
    String quoted = Untrusted.quote(hostile);
    assertEquals("\"id\\u000d\\u000aERROR forged\\u001b[31mred\\u202eevil\\u2028\\\"q\\\\\"", quoted);
    assertTrue(quoted.chars().allMatch(c -> c >= 0x20 && c < 0x7f), quoted);
    assertEquals("(none)", Untrusted.quote(null));
    String longOne = Untrusted.quote("y".repeat(1000));
    assertTrue(longOne.endsWith("... (1000 characters)") && longOne.length() < 120, longOne);
  }

  @Test
  void printableMessagesKeepTheirTextOnOneLine() {
    assertEquals("camera a frame 1: bad\\u000anext", Untrusted.printable("camera a frame 1: bad\nnext"));
    assertEquals("null", Untrusted.printable(null));
    assertTrue(Untrusted.printable("z".repeat(5000)).endsWith("... (5000 characters)"));
  }
}
