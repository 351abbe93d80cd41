package io.emotionstream.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CameraFileWatcherTest {

  @TempDir
  Path dir;

  private final List<String> heard = new CopyOnWriteArrayList<>();

  private CameraFileWatcher.Listener recorder() {
    return new CameraFileWatcher.Listener() {
      @Override
      public void changed(CameraPolicies before, CameraPolicies after, List<PolicyChange> changes) {
        changes.forEach(c -> heard.add(c.kind().action() + ":" + c.camera()));
      }

      @Override
      public void rejected(String file, String reason) {
        heard.add("rejected:" + reason);
      }
    };
  }

  @Test
  void aChangedFileTakesEffectAndABadOneLeavesThePreviousPolicyInForce() throws Exception {
    Path file = dir.resolve("cameras.yaml");
    Files.writeString(file, "cameras:\n  - {id: a, emotion: true, context: customer-area, purpose: p}\n");
    try (CameraFileWatcher watcher = new CameraFileWatcher(file, Duration.ofSeconds(60)).addListener(recorder())) {
      assertNull(watcher.get().refusal("a"));
      assertFalse(watcher.poll(), "unchanged");

      Files.writeString(file, "cameras:\n  - {id: a, emotion: false}\n");
      assertTrue(watcher.poll());
      assertEquals(Refusal.NOT_OPTED_IN, watcher.get().refusal("a"));
      assertEquals(List.of("camera-disabled:a"), heard);

      Files.writeString(file, "cameras:\n  - {id: a, emotion: true}\n"); // no context, no purpose
      assertFalse(watcher.poll());
      assertFalse(watcher.poll(), "the same bad version is reported once");
      assertEquals(Refusal.NOT_OPTED_IN, watcher.get().refusal("a"), "the last good version stays in force");
      assertEquals(2, heard.size());
      assertTrue(heard.get(1).startsWith("rejected:") && heard.get(1).contains("camera 'a'"), heard.get(1));

      Files.delete(file);
      assertFalse(watcher.poll());
      assertTrue(heard.get(2).contains("cannot read camera file"), heard.get(2));
    }
  }

  @Test
  void pollingFindsTheChangeWithoutBeingAsked() throws Exception {
    Path file = dir.resolve("cameras.yaml");
    Files.writeString(file, "cameras:\n");
    try (CameraFileWatcher watcher = new CameraFileWatcher(file, Duration.ofMillis(100)).addListener(recorder()).start()) {
      Files.writeString(file, "cameras:\n  - {id: b, emotion: true, context: customer-area, purpose: p}\n");
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      // the new version is in force a moment before its listeners hear of it: wait for both
      while ((watcher.get().refusal("b") != null || heard.isEmpty()) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertNull(watcher.get().refusal("b"));
      assertEquals(List.of("camera-added:b"), heard);
    }
  }

  @Test
  void withoutACameraFileNoCameraIsAnalysed() {
    Settings settings = Settings.defaults();
    assertEquals("", settings.string("cameras.file"), "no camera file by default: analysis is opt-in");
    try (CameraFileWatcher watcher = CameraFileWatcher.from(settings)) {
      assertEquals(Refusal.NOT_LISTED, watcher.get().refusal("any"));
    }
  }

  @Test
  void aMissingOrBadFileAtStartIsAnErrorNamingTheFileAndTheSetting() throws Exception {
    Settings missing = Settings.defaults().with(Map.of("cameras.file", dir.resolve("nope.yaml").toString()), "test");
    CameraFileException e = assertThrows(CameraFileException.class, () -> CameraFileWatcher.from(missing));
    assertTrue(e.getMessage().contains("nope.yaml") && e.getMessage().contains("'cameras.file' from test"), e.getMessage());
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "cameras:\n  - {id: x, colour: red}\n");
    e = assertThrows(CameraFileException.class, () -> CameraFileWatcher.from(
        Settings.defaults().with(Map.of("cameras.file", bad.toString()), "test")));
    assertTrue(e.getMessage().contains("'colour'") && e.getMessage().contains("bad.yaml"), e.getMessage());
  }

  @Test
  void aRelativeFileIsLookedUpInTheWorkingDirectoryThenTheInstallation() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    Path home = Files.createDirectories(dir.resolve("home/config"));
    Files.writeString(home.resolve("c.yaml"), "cameras:\n");
    assertEquals(dir.resolve("home/config/c.yaml"), CameraFileWatcher.locate(Path.of("config/c.yaml"), work, dir.resolve("home")));
    Files.createDirectories(work.resolve("config"));
    Files.writeString(work.resolve("config/c.yaml"), "cameras:\n");
    assertEquals(work.resolve("config/c.yaml"), CameraFileWatcher.locate(Path.of("config/c.yaml"), work, dir.resolve("home")));
  }
}
