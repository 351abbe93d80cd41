package io.emotionstream.ops;

import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations port's network side: one thread with a selector accepts connections, reads each
 * request head without blocking and writes every response, so that no client, however slow, holds
 * a thread. Only complete requests reach the handlers ({@link OpsExchange}), on one of two pools:
 * probes and scrapes ({@code /health/*}, {@code /metrics}) on their own, so that no other traffic
 * can starve them, and everything else on the other.
 *
 * <p>Why not the JDK's {@code HttpServer}: it reads a request's head on a pool thread, blocking, with
 * no deadline, before any handler (and so any token check) runs: 45 connections that sent half a
 * head took its 40 threads, and {@code /health/live} and {@code /metrics} timed out for as long as
 * they were held (in Kubernetes the kubelet would restart the pod again and again).
 *
 * <p>Bounds ({@link Limits}): a request head must arrive within {@code ops.http.header-timeout-ms}
 * and fit {@code ops.http.max-header-bytes} (else 408 or 431, and the connection is closed); at most
 * {@code ops.http.max-connections} connections are open, and when a new one arrives at the limit the
 * oldest connection still sending its head is closed to make room (a probe sends its head at once,
 * so it is never the oldest for long); a response must be written within
 * {@code ops.http.response-timeout-ms}, an event stream must make progress within that time and
 * keep at most 1 MiB unread. Every response closes its connection ({@code Connection: close}).
 */
final class OpsListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OpsListener.class);
  /** Unread bytes an event stream may have waiting for a slow client before it is closed. */
  static final int MAX_STREAM_BACKLOG = 1 << 20;
  private static final long TICK_MS = 100;

  /**
   * @param maxConnections connections open at once
   * @param headerTimeout time from accepting a connection to its complete request head
   * @param responseTimeout time to write a response; an event stream's longest stall
   * @param maxHeaderBytes size of a request head (request line and headers)
   */
  record Limits(int maxConnections, Duration headerTimeout, Duration responseTimeout, int maxHeaderBytes) {
    Limits {
      if (maxConnections < 2 || headerTimeout.isNegative() || headerTimeout.isZero() || responseTimeout.isNegative()
          || responseTimeout.isZero() || maxHeaderBytes < 256) {
        throw new IllegalArgumentException("ops.http.max-connections must be at least 2, ops.http.header-timeout-ms"
            + " and ops.http.response-timeout-ms positive, ops.http.max-header-bytes at least 256: " + this);
      }
    }

    static Limits defaults() {
      return new Limits(512, Duration.ofSeconds(10), Duration.ofSeconds(30), 16 * 1024);
    }
  }

  private final ServerSocketChannel server;
  private final Selector selector;
  private final Limits limits;
  private final HttpHandler handler;
  private final ExecutorService requests;
  private final ExecutorService probes;
  private final Predicate<String> isProbe;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Connection> changed = new ConcurrentLinkedQueue<>();
  /** Open connections in the order they were accepted (the oldest first). */
  private final Set<Connection> open = new LinkedHashSet<>();
  private volatile boolean running = true;
  private long evicted;
  private long timedOut;

  private OpsListener(ServerSocketChannel server, Selector selector, Limits limits, HttpHandler handler,
      ExecutorService requests, ExecutorService probes, Predicate<String> isProbe) {
    this.server = server;
    this.selector = selector;
    this.limits = limits;
    this.handler = handler;
    this.requests = requests;
    this.probes = probes;
    this.isProbe = isProbe;
    this.thread = new Thread(this::run, "ops-io");
    thread.setDaemon(true);
  }

  /**
   * Listens on {@code address}; handlers run on {@code probes} for the paths {@code isProbe}
   * accepts, else on {@code requests}.
   */
  static OpsListener start(InetSocketAddress address, Limits limits, HttpHandler handler, ExecutorService requests,
      ExecutorService probes, Predicate<String> isProbe) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    Selector selector = Selector.open();
    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(address, 128);
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException | RuntimeException e) {
      server.close();
      selector.close();
      throw e;
    }
    OpsListener listener = new OpsListener(server, selector, limits, handler, requests, probes, isProbe);
    listener.thread.start();
    return listener;
  }

  InetSocketAddress address() {
    try {
      return (InetSocketAddress) server.getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Connections closed to make room for new ones, and closed for a missed deadline, so far. */
  synchronized long[] dropped() {
    return new long[] {evicted, timedOut};
  }

  private void run() {
    long nextTick = 0;
    while (running) {
      try {
        selector.select(TICK_MS);
        for (Connection c; (c = changed.poll()) != null; ) {
          c.updateInterest();
        }
        for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
          SelectionKey key = it.next();
          it.remove();
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            accept();
          } else {
            Connection c = (Connection) key.attachment();
            if (key.isReadable()) {
              c.read();
            }
            if (key.isValid() && key.isWritable()) {
              c.write();
            }
          }
        }
        long now = System.nanoTime();
        if (now - nextTick >= 0) {
          nextTick = now + TICK_MS * 1_000_000;
          enforceDeadlines(now);
        }
      } catch (IOException | RuntimeException e) {
        if (running) {
          LOG.warn("operations port: {}", e.toString());
        }
      }
    }
  }

  private void accept() throws IOException {
    SocketChannel channel;
    while ((channel = server.accept()) != null) {
      synchronized (this) {
        if (open.size() >= limits.maxConnections()) {
          // make room: the oldest connection still sending its head (never one being answered)
          for (Connection c : open) {
            if (c.state == State.READING) {
              evicted++;
              c.close();
              break;
            }
          }
        }
        if (open.size() >= limits.maxConnections()) {
          channel.close(); // every connection is being answered: refuse the new one
          continue;
        }
      }
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Connection c = new Connection(channel);
      c.key = channel.register(selector, SelectionKey.OP_READ, c);
      synchronized (this) {
        open.add(c);
      }
    }
  }

  private void enforceDeadlines(long now) {
    long header = limits.headerTimeout().toNanos();
    long response = limits.responseTimeout().toNanos();
    Connection[] all;
    synchronized (this) {
      all = open.toArray(new Connection[0]);
    }
    for (Connection c : all) {
      if (c.state == State.READING && now - c.accepted > header) {
        synchronized (this) {
          timedOut++;
        }
        c.answerAndClose(408, "request head not complete within " + limits.headerTimeout().toMillis() + " ms");
      } else if (c.state == State.ANSWERING && c.stalled(now, response)) {
        synchronized (this) {
          timedOut++;
        }
        c.close();
      }
    }
  }

  private void dispatch(Connection c, OpsExchange.Request request) {
    OpsExchange exchange = new OpsExchange(request, c, c.remote, address());
    Runnable task = () -> {
      try {
        handler.handle(exchange);
      } catch (IOException e) {
        LOG.debug("client went away: {}", e.toString());
      } catch (RuntimeException e) {
        LOG.warn("{} failed: {}", request.uri(), e.toString());
      } finally {
        exchange.close();
      }
    };
    try {
      (isProbe.test(request.uri().getPath()) ? probes : requests).execute(task);
    } catch (RejectedExecutionException e) {
      c.answerAndClose(503, "busy: too many requests at once");
    }
  }

  @Override
  public void close() {
    running = false;
    selector.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Connection[] all;
    synchronized (this) {
      all = open.toArray(new Connection[0]);
    }
    for (Connection c : all) {
      c.close();
    }
    try {
      server.close();
      selector.close();
    } catch (IOException e) {
      LOG.debug("closing the operations port: {}", e.toString());
    }
  }

  enum State { READING, ANSWERING, CLOSED }

  /** One client connection: its request head being read, then its response being written. */
  final class Connection implements OpsExchange.Sink {
    final SocketChannel channel;
    final InetSocketAddress remote;
    final long accepted = System.nanoTime();
    SelectionKey key;
    volatile State state = State.READING;
    private ByteBuffer head = ByteBuffer.allocate(1024);
    /** Bytes to write, filled by the handler's thread, drained by the selector thread. */
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    private long pending;
    private boolean finished;
    private boolean stream;
    private long answerStarted;
    private long lastProgress;

    Connection(SocketChannel channel) throws IOException {
      this.channel = channel;
      this.remote = (InetSocketAddress) channel.getRemoteAddress();
    }

    void read() {
      try {
        if (state != State.READING) {
          // the request is being answered: extra bytes (pipelined requests, a body) are not read
          key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
          return;
        }
        if (!head.hasRemaining()) {
          if (head.capacity() >= limits.maxHeaderBytes()) {
            answerAndClose(431, "request head larger than " + limits.maxHeaderBytes() + " bytes");
            return;
          }
          head = ByteBuffer.allocate(Math.min(head.capacity() * 4, limits.maxHeaderBytes())).put(head.flip());
        }
        int n = channel.read(head);
        if (n < 0) {
          close();
          return;
        }
        int end = OpsExchange.headEnd(head.array(), head.position());
        if (end >= 0) {
          OpsExchange.Request request;
          try {
            request = OpsExchange.parse(head.array(), end);
          } catch (IllegalArgumentException e) {
            answerAndClose(400, e.getMessage());
            return;
          }
          head = null;
          state = State.ANSWERING;
          answerStarted = System.nanoTime();
          lastProgress = answerStarted;
          key.interestOps(0);
          dispatch(this, request);
        }
      } catch (IOException e) {
        close();
      }
    }

    /** An answer of the listener itself (an error before any handler ran), then the end. */
    void answerAndClose(int status, String reason) {
      state = State.ANSWERING;
      answerStarted = System.nanoTime();
      lastProgress = answerStarted;
      byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
      String headers = "HTTP/1.1 " + status + " " + OpsExchange.reasonPhrase(status) + "\r\nContent-Type: text/plain;"
          + " charset=utf-8\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
      try {
        send(ByteBuffer.wrap(headers.getBytes(StandardCharsets.ISO_8859_1)), false, false);
        send(ByteBuffer.wrap(body), true, false);
      } catch (IOException e) {
        close();
      }
      if (Thread.currentThread() == thread) {
        updateInterest();
      }
    }

    @Override
    public void send(ByteBuffer bytes, boolean last, boolean isStream) throws IOException {
      synchronized (this) {
        if (state == State.CLOSED) {
          throw new IOException("connection closed (the client left, or missed a deadline)");
        }
        stream |= isStream;
        if (bytes.hasRemaining()) {
          out.add(bytes);
          pending += bytes.remaining();
        }
        finished |= last;
        if (stream && pending > MAX_STREAM_BACKLOG) {
          closeLater();
          throw new IOException("the client reads too slowly: " + pending + " bytes unread");
        }
      }
      if (Thread.currentThread() != thread) {
        changed.add(this);
        selector.wakeup();
      }
    }

    private void closeLater() {
      state = State.CLOSED;
      changed.add(this);
      selector.wakeup();
    }

    /** On the selector thread: write interest while bytes wait; the end once all are written. */
    void updateInterest() {
      if (state == State.CLOSED) {
        close();
        return;
      }
      boolean waiting;
      boolean done;
      synchronized (this) {
        waiting = !out.isEmpty();
        done = out.isEmpty() && finished;
      }
      if (done) {
        close();
      } else if (key.isValid()) {
        key.interestOps(waiting ? SelectionKey.OP_WRITE : 0);
        if (waiting) {
          write();
        }
      }
    }

    void write() {
      try {
        while (true) {
          ByteBuffer next;
          synchronized (this) {
            next = out.peek();
          }
          if (next == null) {
            break;
          }
          int n = channel.write(next);
          if (n > 0) {
            lastProgress = System.nanoTime();
          }
          synchronized (this) {
            pending -= n;
            if (next.hasRemaining()) {
              return; // the socket's buffer is full: OP_WRITE stays on
            }
            out.poll();
          }
        }
        boolean done;
        synchronized (this) {
          done = finished;
        }
        if (done) {
          close();
        } else if (key.isValid()) {
          key.interestOps(0);
        }
      } catch (IOException e) {
        close();
      }
    }

    /** Whether the answer missed its deadline: all of it for a response, progress for a stream. */
    boolean stalled(long now, long timeout) {
      boolean unwritten;
      boolean isStream;
      synchronized (this) {
        unwritten = !out.isEmpty() || !finished;
        isStream = stream;
      }
      if (isStream) {
        return unwritten && pending > 0 && now - lastProgress > timeout;
      }
      // a handler still rendering counts too: a response is due within the timeout
      return unwritten && now - answerStarted > timeout;
    }

    void close() {
      synchronized (this) {
        state = State.CLOSED;
        out.clear();
        pending = 0;
      }
      synchronized (OpsListener.this) {
        open.remove(this);
      }
      if (key != null) {
        key.cancel();
      }
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("closing a connection: {}", e.toString());
      }
    }
  }
}
