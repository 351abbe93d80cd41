package io.emotionstream.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocalClusterTest {

  @Test
  void aGivenClusterIsUsedAndTheStateDirectoryIsDeletedOnClose() throws Exception {
    Path state;
    try (LocalCluster cluster = LocalCluster.start("test", "broker-a:9092,broker-b:9092")) {
      assertFalse(cluster.embedded(), "no broker is started when one is given");
      Settings settings = cluster.settings(Settings.defaults(), "test");
      assertEquals("broker-a:9092,broker-b:9092", settings.string("bootstrap.servers"));
      state = Path.of(settings.string("stream.state-dir"));
      assertEquals(cluster.stateDir(), state);
      Files.createDirectories(state.resolve("app/0_0"));
      Files.writeString(state.resolve("app/0_0/checkpoint"), "x");
    }
    assertFalse(Files.exists(state), "the state directory is deleted with its contents");
  }

  @Test
  void aBlankAddressMeansNoneGiven() throws Exception {
    try (LocalCluster cluster = LocalCluster.start("test", " ")) {
      assertTrue(cluster.embedded());
      assertTrue(cluster.bootstrapServers().contains(":"), cluster.bootstrapServers());
    }
  }
}
