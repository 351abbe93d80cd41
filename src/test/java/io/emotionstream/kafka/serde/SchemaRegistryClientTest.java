package io.emotionstream.kafka.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.emotionstream.config.Settings;
import io.emotionstream.schema.FaceEmotion;
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's credentials and trust settings against a registry stand-in (a JDK HTTP server in
 * this test that records the Authorization header and answers the register call), and the
 * redaction of credentials from every message.
 */
class SchemaRegistryClientTest {

  private final List<String> authorizations = new ArrayList<>();
  private HttpServer server;

  private String start(HttpServer http, String requiredAuthorization) {
    server = http;
    http.createContext("/", exchange -> answer(exchange, requiredAuthorization));
    http.start();
    return (http instanceof HttpsServer ? "https" : "http") + "://localhost:" + http.getAddress().getPort() + "/apis/ccompat/v7";
  }

  private void answer(HttpExchange exchange, String required) throws java.io.IOException {
    try (exchange) {
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      synchronized (authorizations) {
        authorizations.add(String.valueOf(auth));
      }
      boolean ok = required == null || required.equals(auth);
      byte[] body = (ok ? "{\"id\":7}" : "{\"error_code\":401,\"message\":\"Unauthorized\"}").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(ok ? 200 : 401, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static Settings settings(Map<String, String> values) {
    return Settings.defaults().with(values, "test");
  }

  private static String basic(String userInfo) {
    return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void sendsBasicCredentialsFromUserInfoOrFromTheUrl() throws Exception {
    String url = start(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), basic("reg-user:pa:ss"));
    SchemaRegistryClient fromUserInfo = SchemaRegistryClient.from(settings(Map.of("schema.registry.url", url,
        "schema.registry.basic.auth.credentials.source", "USER_INFO",
        "schema.registry.basic.auth.user.info", "reg-user:pa:ss")));
    assertEquals(7, fromUserInfo.register("t-value", FaceEmotion.getClassSchema()));

    String withCredentials = url.replace("://", "://reg-user:pa%3Ass@");
    SchemaRegistryClient fromUrl = SchemaRegistryClient.from(settings(Map.of("schema.registry.url", withCredentials,
        "schema.registry.basic.auth.credentials.source", "URL")));
    assertEquals(7, fromUrl.register("t-value", FaceEmotion.getClassSchema()));
    assertEquals(List.of(basic("reg-user:pa:ss"), basic("reg-user:pa:ss")), authorizations);
    assertFalse(fromUrl.baseUrl().contains("reg-user"), fromUrl.baseUrl());
  }

  @Test
  void sendsABearerTokenAndRefusalsNameNoCredentials() throws Exception {
    String url = start(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), "Bearer tok-123");
    SchemaRegistryClient bearer = SchemaRegistryClient.from(settings(Map.of("schema.registry.url", url,
        "schema.registry.bearer.auth.token", "tok-123")));
    assertEquals(7, bearer.register("t-value", FaceEmotion.getClassSchema()));

    SchemaRegistryClient wrong = SchemaRegistryClient.from(settings(Map.of(
        "schema.registry.url", url.replace("://", "://someone:hunter2@"),
        "schema.registry.basic.auth.credentials.source", "URL")));
    SchemaRegistryClient.RegistryException e = assertThrows(SchemaRegistryClient.RegistryException.class,
        () -> wrong.register("t-value", FaceEmotion.getClassSchema()));
    assertEquals(401, e.status());
    assertFalse(e.getMessage().contains("hunter2") || e.getMessage().contains("someone"), e.getMessage());
    // without credentials nothing is sent
    authorizations.clear();
    assertThrows(SchemaRegistryClient.RegistryException.class,
        () -> new SchemaRegistryClient(url).register("t-value", FaceEmotion.getClassSchema()));
    assertEquals(List.of("null"), authorizations);
  }

  @Test
  void trustsARegistryCertificateFromTheTrustStore(@TempDir Path tmp) throws Exception {
    Path keys = tmp.resolve("server.p12");
    Path cert = tmp.resolve("server.crt");
    Path trust = tmp.resolve("trust.p12");
    keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-dname", "CN=localhost",
        "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", keys.toString(),
        "-storetype", "PKCS12", "-storepass", "changeit");
    keytool("-exportcert", "-alias", "registry", "-keystore", keys.toString(), "-storepass", "changeit",
        "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-alias", "registry", "-file", cert.toString(), "-keystore", trust.toString(),
        "-storetype", "PKCS12", "-storepass", "trustpw");

    KeyStore store = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(keys.toFile())) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    km.init(store, "changeit".toCharArray());
    SSLContext serverSsl = SSLContext.getInstance("TLS");
    serverSsl.init(km.getKeyManagers(), null, null);
    HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(serverSsl));
    String url = start(https, null);

    SchemaRegistryClient.RegistryException untrusted = assertThrows(SchemaRegistryClient.RegistryException.class,
        () -> SchemaRegistryClient.from(settings(Map.of("schema.registry.url", url)))
            .register("t-value", FaceEmotion.getClassSchema()));
    assertEquals(-1, untrusted.status(), "the JVM's default trust store does not know this certificate");
    SchemaRegistryClient trusted = SchemaRegistryClient.from(settings(Map.of("schema.registry.url", url,
        "schema.registry.ssl.truststore.location", trust.toString(),
        "schema.registry.ssl.truststore.password", "trustpw")));
    assertEquals(7, trusted.register("t-value", FaceEmotion.getClassSchema()));
  }

  @Test
  void urlsArePrintedWithoutUserInfo() {
    assertEquals("https://***@registry:8443/apis/ccompat/v7",
        SchemaRegistryClient.redact("https://user:s3cret@registry:8443/apis/ccompat/v7"));
    assertEquals("http://registry:8080/x", SchemaRegistryClient.redact("http://registry:8080/x"));
    assertNull(SchemaRegistryClient.redact(null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SchemaRegistryClient.from(
        settings(Map.of("schema.registry.url", "http://registry/", "schema.registry.basic.auth.credentials.source",
            "USER_INFO", "schema.registry.basic.auth.user.info", "no-colon-s3cret"))));
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool " + args[0] + ": " + out);
  }
}
