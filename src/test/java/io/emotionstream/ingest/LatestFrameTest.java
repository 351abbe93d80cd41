package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LatestFrameTest {

  private static CapturedFrame frame(long n) {
    return CapturedFrame.jpeg(new byte[] {(byte) n}, Instant.now(), n);
  }

  @Test
  void theSenderGetsTheNewestFrameAndTheReplacedOnesAreCountedAsSkipped() throws Exception {
    CameraCounters counters = new CameraCounters(System::currentTimeMillis);
    LatestFrame slot = new LatestFrame(counters);
    for (int n = 0; n < 10; n++) {
      slot.put(frame(n));
    }
    CapturedFrame taken = slot.take(0);
    assertEquals(9, taken.number());
    assertEquals(9, counters.skipped());
    assertNull(slot.take(10), "nothing is queued behind the newest");
  }

  @Test
  void wantingAFrameIsClearedByTheNextFrameAndAPokeWakesTheSender() throws Exception {
    LatestFrame slot = new LatestFrame(new CameraCounters(System::currentTimeMillis));
    assertFalse(slot.wanted());
    slot.want();
    assertTrue(slot.wanted());
    assertTrue(slot.awaitWanted(0));
    CapturedFrame f = frame(1);
    Thread reader = new Thread(() -> {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      slot.put(f);
    });
    reader.start();
    assertSame(f, slot.take(5000), "take waits for the reader");
    assertFalse(slot.wanted());
    long t0 = System.nanoTime();
    Thread poker = new Thread(() -> {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      slot.poke();
    });
    poker.start();
    assertNull(slot.take(5000));
    assertTrue(System.nanoTime() - t0 < 4_000_000_000L, "a poke ends the wait");
  }
}
