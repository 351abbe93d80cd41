package io.emotionstream.frame;

import io.emotionstream.schema.ImageEncoding;

/**
 * Format, dimensions and EXIF orientation read from the first bytes of a JPEG or PNG, without
 * decoding it. Lets the processor refuse oversized images (decompression bombs) and images whose
 * header disagrees with the frame's declared size before spending any decode time. OpenCV offers no
 * header-only probe through JavaCV, hence these few lines of our own.
 *
 * <p>Phones and many cameras store a portrait picture as landscape pixels with an EXIF orientation
 * saying how to turn it for display (6: a quarter turn clockwise). {@link #width()} and
 * {@link #height()} are the stored pixels (the JPEG frame header); {@link #displayWidth()} and
 * {@link #displayHeight()} the picture as shown, which is how {@link ImageDecoding} decodes it.
 *
 * @param format JPEG or PNG
 * @param orientation the EXIF orientation (1 to 8) of a JPEG; 1 (as stored) when it has none and for PNG
 */
public record ImageHeader(ImageEncoding format, int width, int height, int orientation) {

  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final int APP1 = 0xE1;
  private static final int ORIENTATION_TAG = 0x0112;

  public ImageHeader {
    if (orientation < 1 || orientation > 8) {
      orientation = 1; // 0 or out of range: as stored, as EXIF readers treat it
    }
  }

  /** An image stored as it is shown (no EXIF orientation). */
  public ImageHeader(ImageEncoding format, int width, int height) {
    this(format, width, height, 1);
  }

  /** Whether the picture is shown a quarter turn from its stored pixels (orientations 5 to 8). */
  public boolean turned() {
    return orientation >= 5;
  }

  /** Width of the picture as shown (after the EXIF orientation). */
  public int displayWidth() {
    return turned() ? height : width;
  }

  /** Height of the picture as shown (after the EXIF orientation). */
  public int displayHeight() {
    return turned() ? width : height;
  }

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
    int orientation = 1;
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
        return new ImageHeader(ImageEncoding.JPEG, width, height, orientation);
      }
      if (length < 2) {
        return null;
      }
      if (marker == APP1 && orientation == 1) {
        orientation = exifOrientation(b, i + 4, Math.min(b.length, i + 2 + length));
      }
      i += 2 + length;
    }
    return null;
  }

  /**
   * The orientation tag of IFD0 in an APP1 segment's body ({@code Exif\0\0}, then a TIFF header),
   * or 1 when the segment is not EXIF or has none. Reads only within {@code [from, to)}.
   */
  static int exifOrientation(byte[] b, int from, int to) {
    if (to - from < 14 || b[from] != 'E' || b[from + 1] != 'x' || b[from + 2] != 'i' || b[from + 3] != 'f'
        || b[from + 4] != 0 || b[from + 5] != 0) {
      return 1;
    }
    int tiff = from + 6;
    boolean little;
    if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
      little = true;
    } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
      little = false;
    } else {
      return 1;
    }
    if (u16(b, tiff + 2, little) != 42) {
      return 1;
    }
    long ifd = tiff + u32(b, tiff + 4, little);
    if (ifd < tiff || ifd + 2 > to) {
      return 1;
    }
    int entries = u16(b, (int) ifd, little);
    for (int e = 0; e < entries; e++) {
      long at = ifd + 2 + 12L * e;
      if (at + 12 > to) {
        return 1;
      }
      if (u16(b, (int) at, little) == ORIENTATION_TAG) {
        int type = u16(b, (int) at + 2, little);
        int value = type == 3 ? u16(b, (int) at + 8, little) : type == 4 ? (int) u32(b, (int) at + 8, little) : 1;
        return value >= 1 && value <= 8 ? value : 1;
      }
    }
    return 1;
  }

  private static int u16(byte[] b, int at, boolean little) {
    return little ? (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 : (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
  }

  private static long u32(byte[] b, int at, boolean little) {
    long v = little
        ? (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24
        : (b[at] & 0xffL) << 24 | (b[at + 1] & 0xffL) << 16 | (b[at + 2] & 0xffL) << 8 | (b[at + 3] & 0xffL);
    return v;
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
