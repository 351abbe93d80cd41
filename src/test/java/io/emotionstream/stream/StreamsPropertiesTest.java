package io.emotionstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsPropertiesTest {

  @Test
  void theStateDirectoryIsTheSettingSoARestartFindsItsState(@TempDir Path tmp) {
    Settings settings = Settings.defaults().with(Map.of("stream.state-dir", tmp.resolve("state").toString()), "test");
    Object first = StreamsProperties.from(settings, new FrameStats()).get(StreamsConfig.STATE_DIR_CONFIG);
    Object again = StreamsProperties.from(settings, new FrameStats()).get(StreamsConfig.STATE_DIR_CONFIG);
    assertEquals(tmp.resolve("state").toAbsolutePath().toString(), first);
    assertEquals(first, again);
    assertTrue(Files.isDirectory(tmp.resolve("state")));
  }

  @Test
  void anUnusableStateDirectoryNamesTheSetting(@TempDir Path tmp) throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Settings settings = Settings.defaults().with(Map.of("stream.state-dir", file.resolve("state").toString()), "--set");
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> StreamsProperties.from(settings, new FrameStats()));
    assertTrue(e.getMessage().contains("stream.state-dir") && e.getMessage().contains("--set"), e.getMessage());
  }
}
