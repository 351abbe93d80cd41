package io.emotionstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shipped {@code logback.xml}, loaded into a context of its own, with Kafka's own log call. */
class TaskCorruptionLogFilterTest {

  private final LoggerContext context = new LoggerContext();
  private final ListAppender<ILoggingEvent> seen = new ListAppender<>();

  @BeforeEach
  void configure() throws Exception {
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(TaskCorruptionLogFilter.class.getResource("/logback.xml"));
    seen.setContext(context);
    seen.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(seen);
  }

  @AfterEach
  void stop() {
    context.stop();
  }

  /** As Kafka's TaskManager logs the exceptions of its tasks. */
  private void taskManagerLogs(Map<TaskId, RuntimeException> exceptions) {
    context.getLogger(TaskCorruptionLogFilter.LOGGER).error("Get exceptions for the following tasks: {}", exceptions);
  }

  @Test
  void corruptedTasksOfARestartAreNotAnError() {
    taskManagerLogs(Map.of(new TaskId(1, 0), new TaskCorruptedException(Set.of(new TaskId(1, 0)))));
    assertEquals(0, seen.list.size(), "the recovery Kafka reports at WARN is not logged at ERROR too");
  }

  @Test
  void anyOtherTaskExceptionStaysAnError() {
    taskManagerLogs(Map.of(new TaskId(1, 0), new TaskCorruptedException(Set.of(new TaskId(1, 0))),
        new TaskId(1, 1), new IllegalStateException("broken")));
    context.getLogger("org.apache.kafka.streams.processor.internals.StreamThread")
        .error("Get exceptions for the following tasks: {}", Map.of());
    assertEquals(2, seen.list.size());
    assertEquals(Level.ERROR, seen.list.get(0).getLevel());
  }
}
