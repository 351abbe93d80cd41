package io.emotionstream.cli;

import io.emotionstream.Assets;
import io.emotionstream.frame.ImageDecoding;
import io.emotionstream.ingest.testcamera.MjpegTestCamera;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code test-camera}: an HTTP camera (MJPEG and snapshots) to try {@code ingest} without one. */
@Command(name = "test-camera", mixinStandardHelpOptions = true,
    description = {"Serve a test camera over HTTP until Ctrl-C: MJPEG at /video, JPEG snapshots",
        "at /snapshot.jpg; a photo with each frame's number drawn along its bottom",
        "edge, at a fixed rate. To try ingest without a camera."})
public final class TestCameraCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "8081", description = "TCP port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1",
      description = "Interface to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 in a container).")
  String bind;

  @Option(names = "--fps", defaultValue = "10", description = "Frames per second the camera makes (default ${DEFAULT-VALUE}).")
  double fps;

  @Option(names = "--size", defaultValue = "1280x720", description = "Frame size WIDTHxHEIGHT (default ${DEFAULT-VALUE}).")
  String size;

  @Option(names = "--photo", paramLabel = "FILE", description = "Picture to show (default: a sample photo of the build, else grey).")
  Path photo;

  @Option(names = "--user", paramLabel = "NAME",
      description = "Require HTTP Basic authentication with this user and the password in the variable TEST_CAMERA_PASSWORD.")
  String user;

  @Option(names = "--jpeg-quality", defaultValue = "85")
  int jpegQuality;

  @Option(names = "--cycle", defaultValue = "250",
      description = "Frames encoded once and then repeated, numbers modulo this (default ${DEFAULT-VALUE}; 0 = encode every frame).")
  int cycle;

  @Override
  public Integer call() throws Exception {
    String[] wh = size.toLowerCase(java.util.Locale.ROOT).split("x");
    if (wh.length != 2) {
      throw new IllegalArgumentException("--size must be WIDTHxHEIGHT, not " + size);
    }
    String password = null;
    if (user != null) {
      password = System.getenv("TEST_CAMERA_PASSWORD");
      if (password == null || password.isEmpty()) {
        throw new IllegalArgumentException("--user needs the password in the environment variable TEST_CAMERA_PASSWORD");
      }
    }
    Path picture = photo != null ? photo : defaultPhoto();
    try (Mat image = picture == null ? null : ImageDecoding.readBgr(picture)) {
      MjpegTestCamera.Options options = new MjpegTestCamera.Options(port, bind, Integer.parseInt(wh[0].trim()),
          Integer.parseInt(wh[1].trim()), fps, image, user, password, true, cycle, jpegQuality);
      try (MjpegTestCamera camera = MjpegTestCamera.start(options)) {
        System.err.printf("test camera: MJPEG at http://%s:%d/video, snapshots at /snapshot.jpg, %s at %.1f fps%s%n", bind,
            camera.port(), size, fps, picture == null ? "" : " showing " + picture);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "shutdown"));
        while (!stop.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
          System.err.printf("test camera: frame %d, %d connections so far%n", camera.newestFrame(), camera.connectionsServed());
        }
      }
    }
    return 0;
  }

  private static Path defaultPhoto() {
    Path sample = Assets.dir().resolve("npm").resolve("vladmandic_face-api-1.7.15").resolve("demo").resolve("sample1.jpg");
    return Files.isRegularFile(sample) ? sample : null;
  }
}
