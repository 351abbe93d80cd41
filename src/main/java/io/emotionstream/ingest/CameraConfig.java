package io.emotionstream.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One camera of the camera list, with the defaults of the {@code ingest.*} settings filled in.
 * Two cameras are the same configuration when every field is equal: a reload restarts only the
 * cameras whose configuration changed.
 *
 * @param id the camera id: the Kafka key of its frames and the {@code camera} label of its metrics
 * @param url as written in the list; may carry {@code user:password@}: show only {@link #redactedUrl()}
 * @param fps frames per second sent at most (the newest frame each time)
 * @param site put into each frame's {@code siteId}, or null
 * @param zone put into each frame's tags under {@code zone}, or null
 * @param tags more tags for each frame
 * @param enabled false: the camera is listed but never connected
 * @param hours when the camera may be read, or null for always
 * @param username user name for the camera, or null (it may also be in the URL)
 * @param passwordEnv environment variable holding the password, or null
 * @param passwordFile file holding the password (read at every connection), or null
 * @param source how to read it: auto (from the URL and, for HTTP, the answer's content type),
 *     ffmpeg, mjpeg or snapshot
 * @param rtspTransport tcp or udp
 * @param connectTimeout longest wait for a connection and its first answer
 * @param readTimeout longest wait for the next frame before the connection is given up
 * @param maxSide frames with a longer side are scaled down to it; 0 = never
 * @param jpegQuality quality of the JPEGs ingest encodes (decoded streams, scaled frames)
 * @param keyframesOnly decode only key frames of a compressed video stream (less CPU, older frames)
 * @param ffmpegOptions passed to FFmpeg when it opens the source (e.g. {@code input_format} for V4L2)
 */
public record CameraConfig(String id, String url, double fps, String site, String zone, Map<String, String> tags,
    boolean enabled, OpeningHours hours, String username, String passwordEnv, Path passwordFile, Source source,
    String rtspTransport, Duration connectTimeout, Duration readTimeout, int maxSide, int jpegQuality,
    boolean keyframesOnly, Map<String, String> ffmpegOptions) {

  /** How a camera's address is read. */
  public enum Source {
    /** RTSP, files, devices and other protocols through FFmpeg; HTTP by its content type. */
    AUTO,
    /** Always through FFmpeg (e.g. an HTTP camera that wants Digest authentication). */
    FFMPEG,
    /** An HTTP {@code multipart/x-mixed-replace} stream of JPEGs. */
    MJPEG,
    /** An HTTP URL answering one JPEG per request, fetched at the camera's rate. */
    SNAPSHOT
  }

  public CameraConfig {
    tags = Map.copyOf(tags);
    ffmpegOptions = Map.copyOf(ffmpegOptions);
  }

  /** The URL with its password (if any) masked. */
  public String redactedUrl() {
    return CameraUrl.parse(url).redacted();
  }

  /** The tags every frame of this camera carries: {@link #tags()} plus {@code zone}. */
  public Map<String, String> frameTags() {
    Map<String, String> out = new LinkedHashMap<>(tags);
    if (zone != null) {
      out.put("zone", zone);
    }
    return out;
  }

  /** Whether credentials are configured, in the URL or by reference. */
  public boolean hasCredentials() {
    return username != null || CameraUrl.parse(url).user() != null;
  }

  @Override
  public String toString() {
    return "camera " + id + " (" + redactedUrl() + ", " + fps + " fps" + (enabled ? "" : ", disabled") + ")";
  }
}
