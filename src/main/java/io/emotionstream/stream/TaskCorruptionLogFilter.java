package io.emotionstream.stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Map;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.slf4j.Marker;

/**
 * Keeps Kafka Streams' routine recovery of a task without a checkpoint out of the ERROR log. Under
 * exactly-once every restart after a crash finds stores without a checkpoint: Kafka's
 * {@code TaskManager} logs the resulting {@link TaskCorruptedException}s at ERROR ("Get exceptions
 * for the following tasks: ...") and then handles them itself, re-creating the stores from their
 * changelogs, which it reports at WARN ("Encounter corrupted task", "Detected the states of tasks
 * ... are corrupted"). That ERROR line came with every {@code kill -9} restart and is dropped here
 * when every exception it lists is such a corruption; any other task exception stays at ERROR.
 * Registered in {@code logback.xml}.
 */
public final class TaskCorruptionLogFilter extends TurboFilter {

  static final String LOGGER = "org.apache.kafka.streams.processor.internals.TaskManager";
  static final String MESSAGE = "Get exceptions for the following tasks";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level != Level.ERROR || format == null || !format.startsWith(MESSAGE) || !LOGGER.equals(logger.getName())
        || params == null || params.length != 1 || !(params[0] instanceof Map<?, ?> exceptions)
        || exceptions.isEmpty()) {
      return FilterReply.NEUTRAL;
    }
    for (Object e : exceptions.values()) {
      if (!(e instanceof TaskCorruptedException)) {
        return FilterReply.NEUTRAL;
      }
    }
    return FilterReply.DENY;
  }
}
