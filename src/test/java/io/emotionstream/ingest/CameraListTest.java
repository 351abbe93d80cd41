package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CameraListTest {

  private static final IngestDefaults DEFAULTS = IngestDefaults.from(Settings.defaults());
  private static final Path FILE = Path.of("/etc/cameras.yaml");

  private static CameraList parse(String yaml) {
    return CameraList.parse(yaml, FILE, DEFAULTS);
  }

  private static String error(String yaml) {
    return assertThrows(CameraListException.class, () -> parse(yaml)).getMessage();
  }

  @Test
  void theShapeOfTheIssueWorksAsWritten() {
    CameraList list = parse("""
        cameras:
          - id: entrance
            url: rtsp://10.0.0.5:554/stream1
            fps: 2
            site: store-12
            zone: entrance
        """);
    CameraConfig c = list.cameras().get(0);
    assertEquals("entrance", c.id());
    assertEquals(2.0, c.fps());
    assertEquals("store-12", c.site());
    assertEquals(Map.of("zone", "entrance"), c.frameTags());
    assertTrue(c.enabled());
    assertNull(c.hours());
    assertEquals(CameraConfig.Source.AUTO, c.source());
    assertEquals(DEFAULTS.readTimeout(), c.readTimeout());
    assertEquals("tcp", c.rtspTransport());
  }

  @Test
  void theBundledExampleIsValid() throws Exception {
    CameraList list = CameraList.read(Path.of("config", "cameras.example.yaml"), DEFAULTS);
    assertTrue(list.cameras().size() >= 5);
    CameraConfig entrance = list.cameras().get(0);
    assertEquals("entrance", entrance.id());
    assertEquals("store-12", entrance.site(), "from defaults");
    assertEquals("ENTRANCE_CAMERA_PASSWORD", entrance.passwordEnv());
    assertEquals(ZoneId.of("Europe/Berlin"), entrance.hours().zone());
    assertTrue(list.cameras().stream().anyMatch(c -> !c.enabled()));
    assertTrue(list.cameras().stream().anyMatch(c -> c.url().startsWith("/dev/video")));
  }

  @Test
  void policyKeysAreAcceptedAndLeftAlone() {
    CameraList list = parse("""
        cameras:
          - id: a
            url: rtsp://cam/1
            emotion: false
            context: retail
            purpose: footfall
            exemption: staff-room
            masks: [[0, 0, 10, 10]]
            zones: {queue: [[1, 2], [3, 4]]}
        """);
    assertEquals("a", list.cameras().get(0).id());
    assertEquals(Map.of(), list.cameras().get(0).frameTags());
    assertEquals(java.util.Set.of("emotion", "context", "purpose", "exemption", "masks", "zones"), CameraList.POLICY_KEYS);
  }

  @Test
  void anUnknownKeyIsAnErrorNamingTheKeyTheCameraAndTheFile() {
    String e = error("""
        cameras:
          - id: entrance
            url: rtsp://cam/1
            fsp: 2
        """);
    assertTrue(e.contains("'fsp'") && e.contains("entrance") && e.contains("/etc/cameras.yaml"), e);
    assertTrue(e.contains("did you mean 'fps'"), e);
    String fromDefaults = error("""
        defaults: {zoen: x}
        cameras:
          - {id: a, url: "rtsp://cam/1"}
        """);
    assertTrue(fromDefaults.contains("'zoen'") && fromDefaults.contains("from 'defaults'"), fromDefaults);
    assertTrue(error("cameraz: []").contains("'cameraz'"));
  }

  @Test
  void missingOrWrongValuesAreErrorsNamingTheCamera() {
    assertTrue(error("cameras:\n  - url: rtsp://cam/1\n").contains("camera #1: 'id' is missing"));
    assertTrue(error("cameras:\n  - id: a\n").contains("camera 'a': 'url' is missing"));
    assertTrue(error("cameras:\n  - {id: a, url: 'rtsp://x/1'}\n  - {id: a, url: 'rtsp://x/2'}\n").contains("'a' is used twice"));
    assertTrue(error("cameras:\n  - {id: a, url: 'rtsp://x/1', fps: 0}\n").contains("'fps'"));
    assertTrue(error("cameras:\n  - {id: a, url: 'rtsp://x/1', fps: fast}\n").contains("'fps' must be a number"));
    assertTrue(error("cameras:\n  - {id: a, url: 'rtsp://x/1', enabled: maybe}\n").contains("'enabled' must be true or false"));
    assertTrue(error("cameras:\n  - {id: 'a b', url: 'rtsp://x/1'}\n").contains("id 'a b'"));
    assertTrue(error("cameras:\n  - {id: a, url: 'rtsp://x/1', zone: z, tags: {zone: y}}\n").contains("'zone' is given twice"));
    assertTrue(error("cameras:\n  - {id: a, url: 'rtsp://x/1', hours: 'weekdays 8-20'}\n").contains("'hours'"));
    assertTrue(error("cameras:\n  - {id: a, url: 'rtsp://x/1', source: mjpeg}\n").contains("needs an http"));
    assertTrue(error("cameras:\n  - {id: a, url: 'rtsp://x/1', read-timeout-ms: 10}\n").contains("'read-timeout-ms'"));
    assertTrue(error("cameras:\n  - {id: a, url: 'rtsp:///path'}\n").contains("no host"));
    assertTrue(error("cameras: [\n").contains("not valid YAML"));
    assertTrue(error("cameras:\n  - {id: a, url: 'rtsp://x/1'}\n  - {id: b, url: 'rtsp://x/1', id: c}\n").contains("not valid YAML"),
        "duplicate keys are refused");
    assertTrue(error("").contains("is empty"));
  }

  @Test
  void credentialsAreByReferenceAndAPasswordInTheUrlNeverShows() {
    CameraList list = parse("""
        cameras:
          - {id: env, url: 'rtsp://cam/1', username: viewer, password-env: CAM_PASSWORD}
          - {id: file, url: 'http://cam/video', username: viewer, password-file: /run/secrets/cam}
          - {id: inline, url: 'rtsp://admin:Inline-Secret-93@cam:554/s1'}
        """);
    assertEquals("CAM_PASSWORD", list.cameras().get(0).passwordEnv());
    assertEquals(Path.of("/run/secrets/cam"), list.cameras().get(1).passwordFile());
    CameraConfig inline = list.cameras().get(2);
    assertEquals("rtsp://admin:***@cam:554/s1", inline.redactedUrl());
    assertFalse(inline.toString().contains("Inline-Secret-93"), inline.toString());
    assertEquals("error near *** in the url", Redaction.redact("error near Inline-Secret-93 in the url"),
        "a password read from the list is masked wherever it shows up");
    assertTrue(error("cameras:\n  - {id: a, url: 'rtsp://cam/1', password-env: X}\n").contains("'username' is missing"));
    assertTrue(error("cameras:\n  - {id: a, url: 'rtsp://u:p@cam/1', username: v}\n").contains("use one"));
    assertTrue(error("cameras:\n  - {id: a, url: 'rtsp://cam/1', username: v, password-env: X, password-file: /f}\n")
        .contains("use one"));
    assertTrue(error("cameras:\n  - {id: a, url: 'rtsp://cam/1', username: v, password-env: 'not a name'}\n")
        .contains("'password-env'"));
  }

  @Test
  void credentialsResolveAtConnectionTimeFromTheVariableOrTheFile(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), "From-File-771\n");
    CameraList list = parse("""
        cameras:
          - {id: env, url: 'rtsp://cam/1', username: viewer, password-env: CAM_PASSWORD}
          - {id: file, url: 'http://cam/video', username: viewer, password-file: '%s'}
          - {id: missing, url: 'http://cam/video', username: viewer, password-file: '%s'}
        """.formatted(secret, dir.resolve("absent")));
    CameraConfig env = list.cameras().get(0);
    Credentials c = Credentials.resolve(env, CameraUrl.parse(env.url()), Map.of("CAM_PASSWORD", "From-Env-552")::get);
    assertEquals(new Credentials("viewer", "From-Env-552"), c);
    assertEquals("rtsp://viewer:From-Env-552@cam/1", CameraUrl.parse(env.url()).withCredentials(c.user(), c.password()));
    CameraException unset = assertThrows(CameraException.class,
        () -> Credentials.resolve(env, CameraUrl.parse(env.url()), Map.<String, String>of()::get));
    assertTrue(unset.lasting() && unset.getMessage().contains("CAM_PASSWORD") && unset.getMessage().contains("not set"),
        unset.getMessage());
    CameraConfig file = list.cameras().get(1);
    assertEquals("From-File-771", Credentials.resolve(file, CameraUrl.parse(file.url()), k -> null).password());
    assertFalse(c.toString().contains("From-Env-552"));
    assertEquals("*** and ***", Redaction.redact("From-Env-552 and From-File-771"));
    CameraConfig missing = list.cameras().get(2);
    CameraException absent = assertThrows(CameraException.class,
        () -> Credentials.resolve(missing, CameraUrl.parse(missing.url()), k -> null));
    assertTrue(absent.lasting() && absent.getMessage().contains("does not exist"), absent.getMessage());
  }

  @Test
  void defaultsAndPerCameraSettingsFillEveryField() {
    CameraList list = parse("""
        defaults: {site: s1, fps: 5, max-side: 1280}
        cameras:
          - {id: a, url: 'http://cam/a', jpeg-quality: 70, keyframes-only: true, read-timeout-ms: 3000,
             connect-timeout-ms: 1500, rtsp-transport: udp, source: snapshot, ffmpeg-options: {probesize: 32}}
          - {id: b, url: /dev/video0, site: s2, fps: 0.5}
        """);
    CameraConfig a = list.cameras().get(0);
    assertEquals("s1", a.site());
    assertEquals(5, a.fps());
    assertEquals(1280, a.maxSide());
    assertEquals(70, a.jpegQuality());
    assertTrue(a.keyframesOnly());
    assertEquals(Duration.ofMillis(3000), a.readTimeout());
    assertEquals(Duration.ofMillis(1500), a.connectTimeout());
    assertEquals("udp", a.rtspTransport());
    assertEquals(CameraConfig.Source.SNAPSHOT, a.source());
    assertEquals(Map.of("probesize", "32"), a.ffmpegOptions());
    CameraConfig b = list.cameras().get(1);
    assertEquals("s2", b.site());
    assertEquals(0.5, b.fps());
    assertEquals(CameraUrl.Kind.DEVICE, CameraUrl.parse(b.url()).kind());
  }

  @Test
  void unchangedCamerasCompareEqualSoThatAReloadLeavesThemAlone() {
    String yaml = """
        cameras:
          - {id: a, url: 'rtsp://cam/1', hours: 'mon-fri 08:00-20:00', tags: {x: y}}
        """;
    assertEquals(parse(yaml).cameras().get(0), parse(yaml).cameras().get(0));
    assertFalse(parse(yaml).cameras().get(0).equals(parse(yaml.replace("20:00", "21:00")).cameras().get(0)));
  }

  @Test
  void ingestSettingsAreCheckedWithTheirSource() {
    Settings bad = Settings.defaults().with(Map.of("ingest.jpeg-quality", "0"), "--set ingest.jpeg-quality");
    String e = assertThrows(IllegalArgumentException.class, () -> IngestDefaults.from(bad)).getMessage();
    assertTrue(e.contains("ingest.jpeg-quality") && e.contains("--set"), e);
    Settings zone = Settings.defaults().with(Map.of("ingest.time-zone", "Mars/Olympus"), "test");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> IngestDefaults.from(zone)).getMessage()
        .contains("ingest.time-zone"));
  }
}
