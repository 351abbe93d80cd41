package io.emotionstream.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server from Debian's {@code postgresql} package for one test: its own data
 * directory in a temporary folder, a free port on 127.0.0.1, trust authentication for the user
 * {@code emotion}; stopped ({@code pg_ctl stop -m fast}) and deleted on {@link #close()}. PostgreSQL
 * refuses to run as root: as root, it runs as the package's {@code postgres} user.
 */
public final class PostgresServer implements AutoCloseable {

  public static final String USER = "emotion";
  public static final String DATABASE = "emotions";

  private final Path bin;
  private final Path dir;
  private final int port;
  private final Process server;

  private PostgresServer(Path bin, Path dir, int port, Process server) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.server = server;
  }

  /** The newest {@code /usr/lib/postgresql/<version>/bin} holding initdb, or null. */
  public static Path binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb"))
              && Files.isExecutable(b.resolve("postgres")) && Files.isExecutable(b.resolve("psql")))
          .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  public static PostgresServer start() throws Exception {
    Path bin = binaries();
    if (bin == null) {
      throw new IllegalStateException("PostgreSQL is not installed (apt-get install postgresql)");
    }
    Path dir = Files.createTempDirectory("emotion-stream-pg");
    if (root()) {
      exec(List.of("chown", "postgres:postgres", dir.toString()), Duration.ofSeconds(30));
    }
    exec(asOwner(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER,
        "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")), Duration.ofMinutes(2));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process server = new ProcessBuilder(asOwner(List.of(bin.resolve("postgres").toString(), "-D",
        dir.resolve("data").toString(), "-p", Integer.toString(port), "-k", dir.toString(),
        "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off")))
        .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
    PostgresServer pg = new PostgresServer(bin, dir, port, server);
    try {
      pg.awaitReady(Duration.ofSeconds(60));
      pg.psql("postgres", "CREATE DATABASE " + DATABASE);
    } catch (Exception e) {
      pg.close();
      throw e;
    }
    return pg;
  }

  private static List<String> asOwner(List<String> command) {
    if (!root()) {
      return command;
    }
    List<String> out = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    out.addAll(command);
    return out;
  }

  private void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!server.isAlive()) {
        throw new IllegalStateException("postgres exited: " + Files.readString(dir.resolve("server.log")));
      }
      String[] r = run(List.of(bin.resolve("pg_isready").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port)),
          Duration.ofSeconds(10), Map.of());
      if (r[0].equals("0")) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("postgres not ready after " + timeout + ": " + Files.readString(dir.resolve("server.log")));
      }
      Thread.sleep(200);
    }
  }

  public int port() {
    return port;
  }

  /** libpq connection string of the test database. */
  public String dsn() {
    return "host=127.0.0.1 port=" + port + " dbname=" + DATABASE + " user=" + USER;
  }

  /** Runs SQL with {@code psql} (unaligned, tuples only, fields separated by '|', UTC); returns its output. */
  public String psql(String database, String sql) throws Exception {
    return psqlWith(database, List.of("-c", sql));
  }

  /** Runs a SQL file with {@code psql}, as {@link #psql}. */
  public String psqlFile(Path file) throws Exception {
    return psqlWith(DATABASE, List.of("-f", file.toAbsolutePath().toString()));
  }

  private String psqlWith(String database, List<String> what) throws Exception {
    List<String> command = new ArrayList<>(List.of(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p",
        Integer.toString(port), "-U", USER, "-d", database, "-v", "ON_ERROR_STOP=1", "-A", "-t", "-F", "|", "-X", "-q"));
    command.addAll(what);
    String[] r = run(command, Duration.ofMinutes(1), Map.of("PGTZ", "UTC"));
    if (!r[0].equals("0")) {
      throw new IllegalStateException("psql " + what + " failed: " + r[2]);
    }
    return r[1];
  }

  private static void exec(List<String> command, Duration timeout) throws Exception {
    String[] r = run(command, timeout, Map.of());
    if (!r[0].equals("0")) {
      throw new IllegalStateException(command + " failed (" + r[0] + "): " + r[1] + r[2]);
    }
  }

  /** Exit code, stdout, stderr. */
  private static String[] run(List<String> command, Duration timeout, Map<String, String> env) throws Exception {
    Path out = Files.createTempFile("pg-out", ".txt");
    Path err = Files.createTempFile("pg-err", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        throw new IllegalStateException(command + " did not finish within " + timeout);
      }
      return new String[] {Integer.toString(p.exitValue()), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8)};
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Stops the server (fast shutdown) and deletes its data. */
  @Override
  public void close() {
    try {
      if (server.isAlive()) {
        run(asOwner(List.of(bin.resolve("pg_ctl").toString(), "stop", "-D", dir.resolve("data").toString(), "-m", "fast",
            "-w")), Duration.ofSeconds(60), Map.of());
      }
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    } catch (Exception e) {
      server.destroyForcibly();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary folder
    }
  }
}
