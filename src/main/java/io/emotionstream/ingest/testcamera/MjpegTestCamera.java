package io.emotionstream.ingest.testcamera;

import io.emotionstream.frame.ImageCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.global.opencv_imgproc;

/**
 * An HTTP camera for tests and trials: {@code GET /video} streams {@code multipart/x-mixed-replace}
 * JPEG parts (MJPEG, as IP cameras serve it), {@code GET /snapshot.jpg} answers the newest frame.
 * Frames come at a fixed rate, each with its number drawn in ({@link FrameNumberBand}) on a
 * picture or grey; the moment each frame was made is kept, so a test can tell how old a frame was
 * when it was sent. Optional Basic authentication. The camera can be stalled (connections stay
 * open, nothing more is sent), killed (every connection and the port closed) and restarted on the
 * same port. A plain {@link ServerSocket}: a camera writes its stream without chunked encoding and
 * closes it when it dies, which the JDK's HTTP server does not let one control.
 */
public final class MjpegTestCamera implements AutoCloseable {

  /**
   * @param port 0 = a free port
   * @param bindAddress e.g. 127.0.0.1, or 0.0.0.0 for other machines
   * @param picture BGR image the frames show (copied, scaled to width x height), or null for grey
   * @param user with {@code password}: Basic authentication required; null = none
   * @param contentLength whether each part carries a Content-Length header (many cameras do)
   * @param cycle frames encoded once and repeated (numbers modulo cycle); 0 = each frame encoded afresh
   */
  public record Options(int port, String bindAddress, int width, int height, double fps, Mat picture, String user,
      String password, boolean contentLength, int cycle, int jpegQuality) {

    public static Options of(int width, int height, double fps) {
      return new Options(0, "127.0.0.1", width, height, fps, null, null, null, true, 0, 85);
    }

    public Options withPicture(Mat bgr) {
      return new Options(port, bindAddress, width, height, fps, bgr, user, password, contentLength, cycle, jpegQuality);
    }

    public Options withCredentials(String newUser, String newPassword) {
      return new Options(port, bindAddress, width, height, fps, picture, newUser, newPassword, contentLength, cycle,
          jpegQuality);
    }

    public Options withContentLength(boolean on) {
      return new Options(port, bindAddress, width, height, fps, picture, user, password, on, cycle, jpegQuality);
    }

    public Options withCycle(int frames) {
      return new Options(port, bindAddress, width, height, fps, picture, user, password, contentLength, frames,
          jpegQuality);
    }

    public Options withPort(int newPort, String address) {
      return new Options(newPort, address, width, height, fps, picture, user, password, contentLength, cycle,
          jpegQuality);
    }
  }

  /** A frame made by the camera. */
  private record Made(long number, byte[] jpeg, long madeAtMillis) {}

  private static final String BOUNDARY = "testcameraframe";
  private static final int KEEP_TIMES = 100_000;

  private final Options options;
  private final Mat base;
  private final Map<Long, Long> madeAt = new ConcurrentHashMap<>();
  private final Map<Integer, byte[]> cached = new ConcurrentHashMap<>();
  private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
  private final Object newFrame = new Object();
  private final Thread maker;
  private final int port;
  private volatile ServerSocket server;
  private volatile Made latest;
  private volatile boolean stalled;
  private volatile boolean closed;
  private volatile long connectionsServed;

  private MjpegTestCamera(Options options) throws IOException {
    this.options = options;
    this.base = new Mat(options.height(), options.width(), opencv_core.CV_8UC3, new Scalar(128, 128, 128, 0));
    if (options.picture() != null) {
      try (Size size = new Size(options.width(), options.height())) {
        opencv_imgproc.resize(options.picture(), base, size, 0, 0, opencv_imgproc.INTER_AREA);
      }
    }
    this.server = listen(options.port());
    this.port = server.getLocalPort();
    this.maker = new Thread(this::makeFrames, "test-camera-" + port);
    maker.setDaemon(true);
  }

  /** Starts making frames and accepting connections. */
  public static MjpegTestCamera start(Options options) throws IOException {
    MjpegTestCamera camera = new MjpegTestCamera(options);
    camera.maker.start();
    camera.accept(camera.server);
    return camera;
  }

  private ServerSocket listen(int onPort) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getByName(options.bindAddress()), onPort), 50);
    return s;
  }

  public int port() {
    return port;
  }

  /** The MJPEG stream's URL on the loopback interface. */
  public String mjpegUrl() {
    return "http://127.0.0.1:" + port + "/video";
  }

  /** The snapshot URL on the loopback interface. */
  public String snapshotUrl() {
    return "http://127.0.0.1:" + port + "/snapshot.jpg";
  }

  /** Number of the newest frame made, -1 before the first. */
  public long newestFrame() {
    Made m = latest;
    return m == null ? -1 : m.number();
  }

  /** When frame {@code number} was made (epoch milliseconds), or -1 when unknown (too old or never). */
  public long madeAtMillis(long number) {
    return madeAt.getOrDefault(number, -1L);
  }

  /** The newest frame number made at or before {@code epochMillis}, or -1. */
  public long newestAt(long epochMillis) {
    long best = -1;
    for (Map.Entry<Long, Long> e : madeAt.entrySet()) {
      if (e.getValue() <= epochMillis && e.getKey() > best) {
        best = e.getKey();
      }
    }
    return best;
  }

  /** Connections accepted so far. */
  public long connectionsServed() {
    return connectionsServed;
  }

  /** Stops making frames: open connections stay open and receive nothing (a hung camera). */
  public void stall() {
    stalled = true;
  }

  public void resume() {
    stalled = false;
  }

  /** Closes the port and every connection, as a camera losing power. */
  public void kill() {
    ServerSocket s = server;
    server = null;
    closeQuietly(s);
    clients.forEach(MjpegTestCamera::closeQuietly);
    clients.clear();
  }

  /** Listens again on the same port after {@link #kill()}. */
  public void restart() throws IOException {
    if (server != null) {
      return;
    }
    ServerSocket s = listen(port);
    server = s;
    accept(s);
  }

  private void makeFrames() {
    long start = System.nanoTime();
    long n = 0;
    long interval = (long) (1e9 / options.fps());
    while (!closed) {
      long due = start + n * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      }
      if (stalled) {
        n++;
        continue; // the camera's clock runs on; it just sends nothing
      }
      byte[] jpeg = options.cycle() > 0 ? cached.computeIfAbsent((int) (n % options.cycle()), this::encode) : encode(n);
      Made made = new Made(n, jpeg, System.currentTimeMillis());
      madeAt.put(n, made.madeAtMillis());
      madeAt.remove(n - KEEP_TIMES);
      latest = made;
      synchronized (newFrame) {
        newFrame.notifyAll();
      }
      n++;
    }
  }

  private byte[] encode(long number) {
    try (Mat frame = base.clone()) {
      FrameNumberBand.draw(frame, number);
      return ImageCodec.encode(frame, ".jpg", options.jpegQuality());
    }
  }

  private void accept(ServerSocket s) {
    Thread t = new Thread(() -> {
      while (!s.isClosed()) {
        try {
          Socket client = s.accept();
          connectionsServed++;
          clients.add(client);
          Thread c = new Thread(() -> serve(client), "test-camera-client-" + port);
          c.setDaemon(true);
          c.start();
        } catch (IOException e) {
          return; // closed
        }
      }
    }, "test-camera-accept-" + port);
    t.setDaemon(true);
    t.start();
  }

  private void serve(Socket client) {
    try (client) {
      client.setTcpNoDelay(true);
      BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
      String request = in.readLine();
      String authorization = null;
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        if (line.toLowerCase(Locale.ROOT).startsWith("authorization:")) {
          authorization = line.substring("authorization:".length()).trim();
        }
      }
      OutputStream out = client.getOutputStream();
      if (request == null) {
        return;
      }
      String path = request.split(" ").length > 1 ? request.split(" ")[1] : "/";
      if (options.user() != null && !authorised(authorization)) {
        write(out, "HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"test-camera\"\r\n"
            + "Content-Length: 0\r\nConnection: close\r\n\r\n");
        return;
      }
      if (path.startsWith("/snapshot")) {
        Made m = awaitFrame(-1);
        write(out, "HTTP/1.0 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: " + m.jpeg().length
            + "\r\nConnection: close\r\n\r\n");
        out.write(m.jpeg());
        out.flush();
        return;
      }
      if (!path.startsWith("/video")) {
        write(out, "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
      }
      write(out, "HTTP/1.0 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=" + BOUNDARY
          + "\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n");
      long sent = -1;
      while (!closed && !client.isClosed()) {
        Made m = awaitFrame(sent);
        if (m == null) {
          return;
        }
        String head = "--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\n"
            + (options.contentLength() ? "Content-Length: " + m.jpeg().length + "\r\n" : "") + "\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(m.jpeg());
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        sent = m.number();
      }
    } catch (SocketException e) {
      // the client left or the camera was killed
    } catch (IOException | InterruptedException e) {
      // same
    } finally {
      clients.remove(client);
    }
  }

  /** The newest frame after {@code after}, waiting for it; null when the camera closed. */
  private Made awaitFrame(long after) throws InterruptedException {
    synchronized (newFrame) {
      while (!closed) {
        Made m = latest;
        if (m != null && m.number() > after) {
          return m;
        }
        newFrame.wait(200);
      }
    }
    return null;
  }

  private boolean authorised(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    String expected = options.user() + ":" + options.password();
    try {
      return new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8).equals(expected);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    kill();
    maker.interrupt();
    synchronized (newFrame) {
      newFrame.notifyAll();
    }
    base.close();
  }
}
