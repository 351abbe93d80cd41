package io.emotionstream.analysis;

import io.emotionstream.detect.DetectedFace;
import io.emotionstream.detect.FaceDetector;
import io.emotionstream.detect.FaceRegion;
import io.emotionstream.emotion.EmotionClassifier;
import io.emotionstream.emotion.EmotionPrediction;
import io.emotionstream.frame.FaceCropping;
import io.emotionstream.frame.ImageDecoding;
import io.emotionstream.frame.ImageHeader;
import io.emotionstream.policy.CameraIds;
import io.emotionstream.policy.CameraPolicy;
import io.emotionstream.schema.Box;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.LabelScore;
import io.emotionstream.schema.Point;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One frame in, one {@link FaceEmotion} per face out: check limits, decode, detect, drop the faces
 * inside the camera's privacy masks, crop, classify. Thread-safe when its detector and classifier
 * are. Face pixels never leave this class.
 *
 * <p>An event's {@code label} is {@link #ABSTAIN} when the model's highest probability is below
 * {@code emotion.min-confidence}: the expression is too uncertain to name; its scores are kept.
 */
public final class FrameAnalyzer {

  /**
   * The frame tag naming the zone of its site the camera watches (set by the ingest service); events
   * carry it as {@code zone}, beside all the frame's tags.
   */
  public static final String ZONE_TAG = "zone";

  /** The label of an event whose most probable label is less probable than the minimum confidence. */
  public static final String ABSTAIN = "unknown";

  private final FaceDetector detector;
  private final FaceCropping cropping;
  private final EmotionClassifier classifier;
  private final FrameLimits limits;
  private final Clock clock;
  private final double minConfidence;

  /** Always names the most probable label (no abstention). */
  public FrameAnalyzer(FaceDetector detector, FaceCropping cropping, EmotionClassifier classifier,
      FrameLimits limits, Clock clock) {
    this(detector, cropping, classifier, limits, clock, 0);
  }

  /** @param minConfidence below this highest probability an event's label is {@link #ABSTAIN} */
  public FrameAnalyzer(FaceDetector detector, FaceCropping cropping, EmotionClassifier classifier,
      FrameLimits limits, Clock clock, double minConfidence) {
    if (!(minConfidence >= 0 && minConfidence <= 1)) {
      throw new IllegalArgumentException("emotion.min-confidence must lie between 0 and 1, got " + minConfidence);
    }
    this.detector = detector;
    this.cropping = cropping;
    this.classifier = classifier;
    this.limits = limits;
    this.clock = clock;
    this.minConfidence = minConfidence;
  }

  /** The highest probability below which an event's label is {@link #ABSTAIN}. */
  public double minConfidence() {
    return minConfidence;
  }

  /**
   * Analyses the frame with a full face search; latency is measured from its capture time.
   *
   * @throws FrameRejectedException when the frame is over the limits, inconsistent or undecodable
   */
  public FrameResult analyze(CameraFrame frame) {
    return analyze(frame, frame.getCaptureTime(), null);
  }

  /** Analyses the frame with a full face search, latency measured from {@code since}. */
  public FrameResult analyze(CameraFrame frame, Instant since) {
    return analyze(frame, since, null);
  }

  /**
   * Analyses the frame, searching for faces only around {@code expected} when it is given (tracked
   * detection: the faces a tracker follows, {@link FaceDetector#detectAround}), else everywhere.
   *
   * @param since where the events' latency is measured from: the capture time, or the record's
   *     timestamp when the camera's clock is not to be trusted; events keep the frame's capture time
   * @param expected where the camera's known faces should be, or null (or empty: nothing to follow)
   *     for a full search
   * @throws FrameRejectedException when the frame is over the limits, inconsistent or undecodable
   */
  public FrameResult analyze(CameraFrame frame, Instant since, List<FaceRegion> expected) {
    return analyze(frame, since, expected, null);
  }

  /**
   * As {@link #analyze(CameraFrame, Instant, List)}, dropping every face whose box centre lies in
   * one of the camera's privacy masks right after detection: such a face is never cropped,
   * classified, tracked or counted, and the remaining faces are numbered without it.
   *
   * @param policy the camera's policy (its masks), or null for none
   */
  public FrameResult analyze(CameraFrame frame, Instant since, List<FaceRegion> expected, CameraPolicy policy) {
    long start = System.nanoTime();
    byte[] bytes = bytes(frame.getImage());
    ImageHeader header = check(frame, bytes);
    try (Mat image = decode(frame, bytes)) {
      long decoded = System.nanoTime();
      // the picture as shown: a JPEG's EXIF orientation applied (ImageDecoding)
      if (image.cols() != header.displayWidth() || image.rows() != header.displayHeight()) {
        throw new FrameRejectedException(RejectReason.DIMENSION_MISMATCH, describe(frame) + ": decoded image is "
            + image.cols() + "x" + image.rows() + ", its header says " + header.displayWidth() + "x"
            + header.displayHeight() + (header.orientation() == 1 ? "" : " as shown (EXIF orientation "
            + header.orientation() + ")") + ", frame declares " + frame.getWidth() + "x" + frame.getHeight());
      }
      List<DetectedFace> faces;
      boolean fullSearch;
      if (expected == null || expected.isEmpty()) {
        faces = detector.detect(image);
        fullSearch = true;
      } else {
        faces = detector.detectAround(image, expected);
        fullSearch = faces.size() < expected.size();
        if (fullSearch) {
          // not all the tracked faces were where expected (a face turned away or left, the camera
          // moved, another scene): this frame gets the full search, so that refining never loses a
          // face that a full search finds
          faces = detector.detect(image);
        }
      }
      if (policy != null && !policy.masks().isEmpty()) {
        faces = unmasked(faces, policy, image.cols(), image.rows());
      }
      long detected = System.nanoTime();
      if (faces.isEmpty()) {
        return new FrameResult(List.of(), decoded - start, detected - decoded, 0, latencyMillis(since, clock.instant()),
            fullSearch, image.cols(), image.rows());
      }
      List<EmotionPrediction> predictions = classify(image, faces);
      long classified = System.nanoTime();
      float processingMs = (classified - start) / 1e6f;
      Instant now = clock.instant();
      List<FaceEmotion> events = new ArrayList<>(faces.size());
      for (int i = 0; i < faces.size(); i++) {
        events.add(event(frame, i, faces.size(), faces.get(i), predictions.get(i), processingMs, now, since,
            minConfidence));
      }
      return new FrameResult(events, decoded - start, detected - decoded, classified - detected,
          latencyMillis(since, now), fullSearch, image.cols(), image.rows());
    }
  }

  private static List<DetectedFace> unmasked(List<DetectedFace> faces, CameraPolicy policy, int width, int height) {
    List<DetectedFace> out = new ArrayList<>(faces.size());
    for (DetectedFace face : faces) {
      if (!policy.masked((face.x1() + face.x2()) / 2.0, (face.y1() + face.y2()) / 2.0, width, height)) {
        out.add(face);
      }
    }
    return out;
  }

  private static Mat decode(CameraFrame frame, byte[] bytes) {
    try {
      return ImageDecoding.decodeBgr(bytes, describe(frame));
    } catch (ImageDecoding.UndecodableImageException e) {
      throw new FrameRejectedException(RejectReason.UNDECODABLE_IMAGE, e.getMessage(), e);
    }
  }

  private List<EmotionPrediction> classify(Mat image, List<DetectedFace> faces) {
    // the classifier frames the faces itself: crop spec and model from one snapshot (hot reload)
    List<EmotionPrediction> predictions = classifier.classify(image, faces, cropping);
    if (predictions.size() != faces.size()) {
      throw new IllegalStateException("classifier returned " + predictions.size() + " predictions for "
          + faces.size() + " faces");
    }
    return predictions;
  }

  /**
   * The frame's limits and its header's agreement with what it declares; the frame may declare its
   * size as stored or as shown (a phone's portrait JPEG: landscape pixels with EXIF orientation 6).
   */
  private ImageHeader check(CameraFrame frame, byte[] bytes) {
    if (bytes.length > limits.maxBytes()) {
      throw new FrameRejectedException(RejectReason.IMAGE_TOO_LARGE, describe(frame) + ": image is "
          + bytes.length + " bytes, frame.max-bytes is " + limits.maxBytes());
    }
    long declared = (long) frame.getWidth() * frame.getHeight();
    if (frame.getWidth() <= 0 || frame.getHeight() <= 0) {
      throw new FrameRejectedException(RejectReason.DIMENSION_MISMATCH, describe(frame) + ": declared size "
          + frame.getWidth() + "x" + frame.getHeight() + " is not positive");
    }
    ImageHeader header = ImageHeader.read(bytes);
    if (header == null) {
      throw new FrameRejectedException(RejectReason.UNDECODABLE_IMAGE, describe(frame)
          + ": image bytes are neither JPEG nor PNG with a readable size");
    }
    long actual = (long) header.width() * header.height();
    if (Math.max(declared, actual) > limits.maxPixels()) {
      throw new FrameRejectedException(RejectReason.TOO_MANY_PIXELS, describe(frame) + ": image is "
          + header.width() + "x" + header.height() + " (declared " + frame.getWidth() + "x" + frame.getHeight()
          + "), frame.max-pixels is " + limits.maxPixels());
    }
    if (header.format() != frame.getEncoding()) {
      throw new FrameRejectedException(RejectReason.ENCODING_MISMATCH, describe(frame) + ": frame declares "
          + frame.getEncoding() + " but the bytes are " + header.format());
    }
    boolean asStored = header.width() == frame.getWidth() && header.height() == frame.getHeight();
    boolean asShown = header.displayWidth() == frame.getWidth() && header.displayHeight() == frame.getHeight();
    if (!asStored && !asShown) {
      throw new FrameRejectedException(RejectReason.DIMENSION_MISMATCH, describe(frame) + ": image header says "
          + header.width() + "x" + header.height() + (header.turned() ? " (shown " + header.displayWidth() + "x"
          + header.displayHeight() + ", EXIF orientation " + header.orientation() + ")" : "") + ", frame declares "
          + frame.getWidth() + "x" + frame.getHeight());
    }
    return header;
  }

  private static FaceEmotion event(CameraFrame frame, int index, int count, DetectedFace face,
      EmotionPrediction prediction, float processingMs, Instant now, Instant since, double minConfidence) {
    List<Point> landmarks = new ArrayList<>(DetectedFace.LANDMARKS);
    for (int i = 0; i < DetectedFace.LANDMARKS; i++) {
      landmarks.add(new Point(face.landmarkX(i), face.landmarkY(i)));
    }
    float[] p = prediction.probabilities();
    List<LabelScore> scores = new ArrayList<>(p.length);
    float highest = 0;
    for (int i = 0; i < p.length; i++) {
      scores.add(new LabelScore(prediction.labels().get(i), p[i]));
      highest = Math.max(highest, p[i]);
    }
    return FaceEmotion.newBuilder()
        .setCameraId(frame.getCameraId())
        .setFrameSequence(frame.getSequence())
        .setCaptureTime(frame.getCaptureTime())
        .setFaceIndex(index)
        .setFaceCount(count)
        .setBox(new Box(face.x1(), face.y1(), face.width(), face.height()))
        .setDetectionScore(face.score())
        .setLandmarks(landmarks)
        .setLabel(highest < minConfidence ? ABSTAIN : prediction.label())
        .setScores(scores)
        .setModelName(prediction.modelName())
        .setModelVersion(prediction.modelVersion())
        .setProcessingTimeMs(processingMs)
        .setLatencyMs(FrameTiming.latencyMillis(since.toEpochMilli(), now.toEpochMilli()))
        .setSiteId(frame.getSiteId())
        .setZone(frame.getTags() == null ? null : frame.getTags().get(ZONE_TAG))
        .setTags(frame.getTags() == null ? new HashMap<>() : new HashMap<>(frame.getTags()))
        .build();
  }

  /** Never negative: a frame stamped slightly ahead of this clock has latency 0 ({@link FrameTiming}). */
  private static long latencyMillis(Instant since, Instant now) {
    return FrameTiming.latencyMillis(since.toEpochMilli(), now.toEpochMilli());
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static String describe(CameraFrame frame) {
    String camera = frame.getCameraId();
    return "camera " + (CameraIds.valid(camera) ? camera : CameraIds.quote(camera)) + " frame " + frame.getSequence();
  }
}
