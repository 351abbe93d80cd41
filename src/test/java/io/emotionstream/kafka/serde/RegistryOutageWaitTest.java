package io.emotionstream.kafka.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Waiting for an unavailable registry: how long, for which failures, and until when. */
class RegistryOutageWaitTest {

  private static SchemaRegistryClient.RegistryException status(int status) {
    return new SchemaRegistryClient.RegistryException(status, "status " + status, null);
  }

  @Test
  void anUnavailableRegistryIsTriedAgainUntilItAnswers() {
    RegistryOutageWait wait = new RegistryOutageWait(Duration.ofSeconds(30));
    AtomicInteger calls = new AtomicInteger();
    String result = wait.call("test", () -> {
      int n = calls.incrementAndGet();
      if (n == 1) {
        throw status(-1);
      }
      if (n == 2) {
        throw status(503);
      }
      return "schema";
    });
    assertEquals("schema", result);
    assertEquals(3, calls.get());
    assertEquals(1, wait.waits());
    assertEquals(0, wait.waiting());
  }

  @Test
  void notFoundIsAnAnswerAboutTheRecordAndGoesUpAtOnce() {
    RegistryOutageWait wait = new RegistryOutageWait(Duration.ofSeconds(30));
    AtomicInteger calls = new AtomicInteger();
    var e = assertThrows(SchemaRegistryClient.RegistryException.class, () -> wait.call("test", () -> {
      calls.incrementAndGet();
      throw status(404);
    }));
    assertEquals(404, e.status());
    assertEquals(1, calls.get());
    assertEquals(0, wait.waits());
  }

  @Test
  void theWaitEndsWithTheBudgetOrAtShutdown() throws Exception {
    RegistryOutageWait wait = new RegistryOutageWait(Duration.ofMillis(700));
    long start = System.nanoTime();
    assertThrows(SchemaRegistryClient.RegistryException.class, () -> wait.call("test", () -> {
      throw status(-1);
    }));
    long waited = (System.nanoTime() - start) / 1_000_000;
    assertTrue(waited >= 700 && waited < 5_000, "waited " + waited + " ms");

    RegistryOutageWait closing = new RegistryOutageWait(Duration.ofMinutes(5));
    Thread waiter = new Thread(() -> {
      try {
        closing.call("test", () -> {
          throw status(502);
        });
      } catch (SchemaRegistryClient.RegistryException expected) {
        // the last failure, once closed
      }
    });
    waiter.start();
    Thread.sleep(300);
    assertEquals(1, closing.waiting());
    closing.close();
    waiter.join(10_000);
    assertTrue(!waiter.isAlive(), "the wait ended at shutdown");
  }

  @Test
  void whichAnswersMeanTheRegistryIsUnavailable() {
    for (int s : new int[] {-1, 500, 502, 503, 504, 408, 429, 401, 403}) {
      assertTrue(status(s).unavailable(), "status " + s);
    }
    for (int s : new int[] {400, 404, 409, 422}) {
      assertTrue(!status(s).unavailable(), "status " + s);
    }
  }
}
