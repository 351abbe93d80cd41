package io.emotionstream.frame;

import io.emotionstream.schema.ImageEncoding;

/**
 * An encoded image ready to be sent as a frame.
 *
 * @param bytes JPEG or PNG bytes
 * @param format JPEG or PNG
 * @param origin the file or stream it came from, for messages
 */
public record EncodedImage(byte[] bytes, ImageEncoding format, int width, int height, String origin) {}
