package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartJpegReaderTest {

  private static byte[] jpeg(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    b[0] = (byte) 0xFF;
    b[1] = (byte) 0xD8;
    b[size - 2] = (byte) 0xFF;
    b[size - 1] = (byte) 0xD9;
    return b;
  }

  private static byte[] stream(String boundary, boolean lengths, byte[]... parts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(("--" + boundary + "\r\nContent-Type: image/jpeg\r\n" + (lengths ? "Content-Length: " + p.length + "\r\n" : "")
          + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(p);
      out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
    out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
    return out.toByteArray();
  }

  /** Hands out at most 7 bytes per read: parts, headers and boundaries cross every read boundary. */
  private static InputStream trickle(byte[] bytes) {
    return new FilterInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 7));
      }
    };
  }

  @Test
  void partsComeBackByteForByteWithAndWithoutLengths() throws Exception {
    byte[][] parts = {jpeg(5000, 1), jpeg(70_000, 2), jpeg(300, 3)};
    for (boolean lengths : new boolean[] {true, false}) {
      MultipartJpegReader r = new MultipartJpegReader(trickle(stream("frame", lengths, parts)), "frame", 1 << 20, Instant::now);
      for (byte[] p : parts) {
        MultipartJpegReader.Part got = r.next();
        assertArrayEquals(p, got.body(), "lengths " + lengths);
        assertEquals("image/jpeg", got.contentType());
      }
      assertNull(r.next(), "the closing delimiter is a clean end");
    }
  }

  @Test
  void boundaryParametersAsCamerasWriteThem() throws Exception {
    assertEquals("myboundary", MultipartJpegReader.boundary("multipart/x-mixed-replace; boundary=myboundary"));
    assertEquals("--x y", MultipartJpegReader.boundary("multipart/x-mixed-replace;boundary=\"--x y\""));
    assertNull(MultipartJpegReader.boundary("multipart/x-mixed-replace"));
    // a camera that puts the dashes into the parameter and writes them once
    byte[] p = jpeg(1000, 4);
    MultipartJpegReader r = new MultipartJpegReader(new ByteArrayInputStream(stream("cam", false, p)), "--cam", 1 << 20,
        Instant::now);
    assertArrayEquals(p, r.next().body());
  }

  @Test
  void theLastPartWithoutALengthCountsOnlyOnceTheNextBoundaryArrived() throws Exception {
    byte[] p = jpeg(2000, 8);
    byte[] open = ("--f\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    byte[] bytes = java.util.Arrays.copyOf(open, open.length + p.length);
    System.arraycopy(p, 0, bytes, open.length, p.length);
    MultipartJpegReader r = new MultipartJpegReader(new ByteArrayInputStream(bytes), "f", 1 << 20, Instant::now);
    assertThrows(EOFException.class, r::next, "a camera that dies mid-stream leaves a part nobody can vouch for");
  }

  @Test
  void aPartCutOffByTheEndOfTheConnectionIsNeverReturned() throws Exception {
    byte[] whole = stream("f", true, jpeg(4000, 5), jpeg(4000, 6));
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 1000);
    MultipartJpegReader r = new MultipartJpegReader(new ByteArrayInputStream(cut), "f", 1 << 20, Instant::now);
    r.next();
    assertThrows(EOFException.class, r::next);
    byte[] noLengths = stream("f", false, jpeg(4000, 5), jpeg(4000, 6));
    MultipartJpegReader r2 = new MultipartJpegReader(new ByteArrayInputStream(java.util.Arrays.copyOf(noLengths,
        noLengths.length - 1000)), "f", 1 << 20, Instant::now);
    r2.next();
    assertThrows(EOFException.class, r2::next);
  }

  @Test
  void aPartAboveTheLimitIsAnErrorNotAnEndlessBuffer() {
    byte[] big = stream2(200_000);
    MultipartJpegReader withLength = new MultipartJpegReader(new ByteArrayInputStream(big), "f", 100_000, Instant::now);
    assertTrue(assertThrows(IOException.class, withLength::next).getMessage().contains("above the limit"));
    byte[] noLength = ("--f\r\n\r\n" + "x".repeat(300_000)).getBytes(StandardCharsets.ISO_8859_1);
    MultipartJpegReader without = new MultipartJpegReader(new ByteArrayInputStream(noLength), "f", 100_000, Instant::now);
    assertTrue(assertThrows(IOException.class, without::next).getMessage().contains("limit"));
  }

  private static byte[] stream2(int size) {
    try {
      return stream("f", true, jpeg(size, 9));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void completeJpegsAreToldFromCutOnes() {
    byte[] ok = jpeg(100, 1);
    assertTrue(JpegCheck.complete(ok));
    byte[] withCrlf = java.util.Arrays.copyOf(ok, 102);
    withCrlf[100] = '\r';
    withCrlf[101] = '\n';
    assertTrue(JpegCheck.complete(withCrlf));
    assertTrue(!JpegCheck.complete(java.util.Arrays.copyOf(ok, 60)));
    assertTrue(!JpegCheck.complete(new byte[] {1, 2, 3, 4, 5}));
  }
}
