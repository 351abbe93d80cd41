package io.emotionstream.frame;

import io.emotionstream.schema.ImageEncoding;

/**
 * Format and dimensions read from the first bytes of a JPEG or PNG, without decoding it. Lets the
 * processor refuse oversized images (decompression bombs) and images whose header disagrees with
 * the frame's declared size before spending any decode time. OpenCV offers no header-only probe
 * through JavaCV, hence these few lines of our own.
 *
 * @param format JPEG or PNG
 */
public record ImageHeader(ImageEncoding format, int width, int height) {

  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  /** @return the header, or {@code null} when the bytes are neither a JPEG nor a PNG with a readable size */
  public static ImageHeader read(byte[] bytes) {
    if (bytes.length >= 24 && startsWith(bytes, PNG_MAGIC)) {
      // IHDR is always the first chunk: length(4) "IHDR"(4) width(4) height(4)
      return new ImageHeader(ImageEncoding.PNG, int32(bytes, 16), int32(bytes, 20));
    }
    if (bytes.length >= 4 && (bytes[0] & 0xff) == 0xFF && (bytes[1] & 0xff) == 0xD8) {
      return readJpeg(bytes);
    }
    return null;
  }

  private static ImageHeader readJpeg(byte[] b) {
    int i = 2;
    while (i + 9 < b.length) {
      if ((b[i] & 0xff) != 0xFF) {
        return null;
      }
      int marker = b[i + 1] & 0xff;
      if (marker == 0xFF) { // fill byte
        i++;
        continue;
      }
      if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        i += 2;
        continue;
      }
      int length = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
      boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (startOfFrame) {
        int height = ((b[i + 5] & 0xff) << 8) | (b[i + 6] & 0xff);
        int width = ((b[i + 7] & 0xff) << 8) | (b[i + 8] & 0xff);
        return new ImageHeader(ImageEncoding.JPEG, width, height);
      }
      if (length < 2) {
        return null;
      }
      i += 2 + length;
    }
    return null;
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int int32(byte[] b, int at) {
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }
}
