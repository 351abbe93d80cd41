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
 * A real Apicurio Registry server in a child JVM, from the distribution the build unpacks into
 * {@code target/apicurio} (system property {@code apicurio.dir}). Serves the Confluent-compatible
 * API at {@link #ccompatUrl()}. In memory by default; {@link #start(Path)} keeps its schemas in an H2
 * database file, so that it can be {@link #stop() stopped} and {@link #restart() started again} on
 * the same port with the same schemas and ids, as a registry with its own storage is after an outage.
 */
public final class SchemaRegistryServer implements AutoCloseable {

  private Process process;
  private final int port;
  private final Path log;
  private final Path storage;

  private SchemaRegistryServer(int port, Path log, Path storage) {
    this.port = port;
    this.log = log;
    this.storage = storage;
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

  /** A registry keeping its schemas in memory. */
  public static SchemaRegistryServer start() throws Exception {
    return start(null);
  }

  /** @param storage a directory for its database file, or null to keep the schemas in memory */
  public static SchemaRegistryServer start(Path storage) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    SchemaRegistryServer server = new SchemaRegistryServer(port, Files.createTempFile("apicurio", ".log"), storage);
    server.launch();
    return server;
  }

  private void launch() throws Exception {
    Path jar = runnerJar();
    if (jar == null) {
      throw new IllegalStateException("Apicurio Registry distribution not found under "
          + System.getProperty("apicurio.dir", "target/apicurio") + ": run the tests with 'mvn verify'");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx512m", "-Dquarkus.http.port=" + port,
        "-Dquarkus.http.host=127.0.0.1"));
    if (storage != null) {
      command.add("-DREGISTRY_DATASOURCE_URL=jdbc:h2:file:" + storage.toAbsolutePath().resolve("registry_db"));
    }
    command.addAll(List.of("-jar", jar.toString()));
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    awaitReady(Duration.ofSeconds(120));
  }

  /** Stops the server (its port stops answering); {@link #restart()} starts it again. */
  public void stop() {
    close();
  }

  /** Starts the stopped server again on the same port, with the schemas of its storage. */
  public void restart() throws Exception {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("the schema registry is running");
    }
    launch();
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
    if (process == null) {
      return;
    }
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
