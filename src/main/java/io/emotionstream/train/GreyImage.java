package io.emotionstream.train;

/**
 * An 8-bit grey image, row-major. Training data stays in this compact form (FER2013 is 65 MB as
 * bytes, four times that as floats) and becomes floats one batch at a time.
 */
public record GreyImage(int width, int height, byte[] pixels) {

  public GreyImage {
    if (width <= 0 || height <= 0 || pixels.length != width * height) {
      throw new IllegalArgumentException("grey image " + width + "x" + height + " needs "
          + (long) width * height + " pixels, got " + pixels.length);
    }
  }

  /** Pixel value in [0, 255]. */
  public int at(int x, int y) {
    return pixels[y * width + x] & 0xff;
  }
}
