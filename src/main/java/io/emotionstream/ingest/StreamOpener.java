package io.emotionstream.ingest;

/**
 * Opens a camera by its address and {@code source} key: RTSP, files, devices and other protocols
 * through FFmpeg; HTTP by what the camera answers (a {@code multipart/x-mixed-replace} stream is
 * read as MJPEG, an {@code image/jpeg} as snapshots, anything else, e.g. an HLS playlist or an MP4,
 * through FFmpeg).
 */
final class StreamOpener {

  private final int maxImageBytes;

  /** @param maxImageBytes the largest JPEG accepted from an MJPEG or snapshot camera */
  StreamOpener(int maxImageBytes) {
    this.maxImageBytes = maxImageBytes;
  }

  CameraStream open(CameraConfig camera) throws CameraException {
    CameraUrl url = CameraUrl.parse(camera.url());
    Credentials credentials = Credentials.resolve(camera, url);
    if (url.kind() != CameraUrl.Kind.HTTP || camera.source() == CameraConfig.Source.FFMPEG) {
      return FfmpegCameraStream.open(camera, url, credentials);
    }
    String shown = url.redacted();
    String address = url.withoutCredentials();
    HttpCamera.Response response = HttpCamera.get(address, shown, credentials, camera.connectTimeout(), camera.readTimeout());
    String type = response.contentType();
    boolean mjpeg = MjpegHttpStream.isMjpeg(type);
    boolean jpeg = SnapshotHttpStream.isJpeg(type);
    switch (camera.source()) {
      case MJPEG -> {
        if (!mjpeg) {
          response.close();
          throw CameraException.lasting(shown + " serves " + type + ", not an MJPEG stream (multipart/x-mixed-replace)");
        }
      }
      case SNAPSHOT -> {
        if (!jpeg) {
          response.close();
          throw CameraException.lasting(shown + " serves " + type + ", not a JPEG snapshot (image/jpeg)");
        }
      }
      default -> {
        if (!mjpeg && !jpeg) {
          response.close();
          return FfmpegCameraStream.open(camera, url, credentials);
        }
      }
    }
    if (mjpeg) {
      return new MjpegHttpStream(response, shown, maxImageBytes, camera.readTimeout());
    }
    return new SnapshotHttpStream(response, address, shown, credentials, camera.connectTimeout(),
        camera.readTimeout(), maxImageBytes);
  }
}
