package io.emotionstream.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real Apicurio Registry server (in-memory storage) in a child JVM, from the distribution the
 * build unpacks into {@code target/apicurio} (system property {@code apicurio.dir}). Serves the
 * Confluent-compatible API at {@link #ccompatUrl()}.
 */
public final class SchemaRegistryServer implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path log;

  private SchemaRegistryServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Path of the runner jar, or {@code null} when the distribution is not unpacked. */
  public static Path runnerJar() {
    Path dir = Path.of(System.getProperty("apicurio.dir", "target/apicurio"));
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst().orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  public static SchemaRegistryServer start() throws Exception {
    Path jar = runnerJar();
    if (jar == null) {
      throw new IllegalStateException("Apicurio Registry distribution not found under "
          + System.getProperty("apicurio.dir", "target/apicurio") + ": run the tests with 'mvn verify'");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = Files.createTempFile("apicurio", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(List.of(java, "-Xmx512m", "-Dquarkus.http.port=" + port,
        "-Dquarkus.http.host=127.0.0.1", "-jar", jar.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    SchemaRegistryServer server = new SchemaRegistryServer(process, port, log);
    server.awaitReady(Duration.ofSeconds(120));
    return server;
  }

  private void awaitReady(Duration timeout) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("schema registry exited: " + Files.readString(log));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    close();
    throw new IllegalStateException("schema registry not ready after " + timeout + ": " + Files.readString(log));
  }

  /** The Confluent-compatible API root. */
  public String ccompatUrl() {
    return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
