package io.emotionstream.ops;

import io.emotionstream.config.Settings;
import io.emotionstream.stream.EventJson;
import io.emotionstream.stream.EventReader;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the events topic (all partitions, no consumer group, so every instance's events) and
 * hands each event as a JSON line to the dashboard's live subscribers; keeps the latest ones for
 * pages that open later.
 */
public final class EventFeed implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);
  private static final int RECENT = 300;

  private final Settings settings;
  private final Deque<String> recent = new ArrayDeque<>();
  private final List<Consumer<String>> subscribers = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  public EventFeed(Settings settings) {
    this.settings = settings;
    this.thread = new Thread(this::run, "dashboard-feed");
    thread.setDaemon(true);
  }

  public EventFeed start() {
    thread.start();
    return this;
  }

  private void run() {
    while (running) {
      try (EventReader reader = new EventReader(settings, false)) {
        while (running) {
          for (var record : reader.poll(Duration.ofMillis(250))) {
            publish(EventJson.line(record.value()));
          }
        }
      } catch (RuntimeException e) {
        if (running) {
          LOG.warn("dashboard feed cannot read {}: {}; retrying", settings.string("topic.events"), e.getMessage());
          sleep();
        }
      }
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void publish(String json) {
    synchronized (recent) {
      recent.addLast(json);
      if (recent.size() > RECENT) {
        recent.removeFirst();
      }
    }
    for (Consumer<String> s : subscribers) {
      s.accept(json);
    }
  }

  /** The latest events, oldest first. */
  public List<String> recent() {
    synchronized (recent) {
      return new ArrayList<>(recent);
    }
  }

  public void subscribe(Consumer<String> subscriber) {
    subscribers.add(subscriber);
  }

  public void unsubscribe(Consumer<String> subscriber) {
    subscribers.remove(subscriber);
  }

  @Override
  public void close() {
    running = false; // the poll loop ends within one poll timeout
  }
}
