package io.emotionstream.ingest;

/** Cheap checks of JPEG bytes received from a camera, before they are forwarded undecoded. */
final class JpegCheck {

  private JpegCheck() {}

  /** Starts with SOI and ends with EOI (trailing line breaks allowed): not cut off. */
  static boolean complete(byte[] b) {
    if (b.length < 4 || (b[0] & 0xff) != 0xFF || (b[1] & 0xff) != 0xD8) {
      return false;
    }
    int end = b.length;
    while (end > 2 && (b[end - 1] == '\n' || b[end - 1] == '\r' || b[end - 1] == 0)) {
      end--;
    }
    return (b[end - 2] & 0xff) == 0xFF && (b[end - 1] & 0xff) == 0xD9;
  }
}
