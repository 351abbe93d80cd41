package io.emotionstream.cli;

import io.emotionstream.config.Settings;
import io.emotionstream.detect.FaceDetector;
import io.emotionstream.emotion.EmotionClassifier;
import io.emotionstream.frame.FaceCropping;
import io.emotionstream.stream.FrameAnalyzer;
import io.emotionstream.stream.FrameLimits;
import java.time.Clock;

/** The real detector, cropper and classifier, wired from the settings into a {@link FrameAnalyzer}. */
public final class Pipeline implements AutoCloseable {

  private final FaceDetector detector;
  private final EmotionClassifier classifier;
  private final FrameAnalyzer analyzer;

  Pipeline(FaceDetector detector, FaceCropping cropping, EmotionClassifier classifier, FrameLimits limits) {
    this.detector = detector;
    this.classifier = classifier;
    this.analyzer = new FrameAnalyzer(detector, cropping, classifier, limits, Clock.systemUTC());
  }

  public static Pipeline open(Settings settings) {
    return open(settings, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  public static Pipeline open(Settings settings, io.micrometer.core.instrument.MeterRegistry registry) {
    throw new UnsupportedOperationException("wired when the detector and classifier land");
  }

  /** Name and version of the model in service. */
  public String modelInService() {
    return null;
  }

  public FrameAnalyzer analyzer() {
    return analyzer;
  }

  @Override
  public void close() {
    try (detector; classifier) {
      // both closed, even if one fails
    }
  }
}
