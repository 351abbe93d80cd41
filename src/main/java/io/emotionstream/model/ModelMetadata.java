package io.emotionstream.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.emotionstream.frame.CropSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The contents of a model artifact's {@code metadata.json}.
 *
 * <p>Input preparation: a face crop (cut per {@link #crop()}) is resized to {@code inputWidth x
 * inputHeight}, converted to {@link #colour()}, and each channel {@code c} of pixel values in
 * [0, 255] becomes {@code (v - mean[c]) / std[c]}. {@code channels} is what the network consumes:
 * 3 for RGB, 1 for grey (the network may replicate it to 3 itself); {@code mean}/{@code std} hold
 * one value per colour channel (3 for RGB, 1 for grey).
 *
 * @param formatVersion version of this file format (currently 1)
 * @param name model name, e.g. {@code faceapi-expression}
 * @param version model version, e.g. {@code 1.7.15} or a training run id
 * @param architecture registered architecture name ({@link Architectures}), e.g. {@code resnet18}
 * @param labels class labels in the network's output order
 * @param inputWidth network input width in pixels
 * @param inputHeight network input height in pixels
 * @param channels channels the network consumes (1 or 3)
 * @param colour colour of the input
 * @param mean per-channel mean subtracted from pixel values in [0, 255]
 * @param std per-channel divisor applied after subtracting the mean
 * @param crop how faces must be cut from frames for this model
 * @param createdAt ISO-8601 instant the artifact was written
 * @param metrics evaluation metrics (e.g. {@code val_accuracy}); may be empty
 * @param weightsFile weights file name, relative to the artifact directory
 * @param weightsSha256 lower-case hex SHA-256 of the weights file
 * @param parentVersion version this one was derived from (fine-tuned or converted), or null
 */
@JsonPropertyOrder({"formatVersion", "name", "version", "architecture", "labels", "inputWidth",
    "inputHeight", "channels", "colour", "mean", "std", "crop", "createdAt", "metrics",
    "weightsFile", "weightsSha256", "parentVersion"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ModelMetadata(
    int formatVersion,
    String name,
    String version,
    String architecture,
    List<String> labels,
    int inputWidth,
    int inputHeight,
    int channels,
    Colour colour,
    double[] mean,
    double[] std,
    CropSpec crop,
    String createdAt,
    Map<String, Double> metrics,
    String weightsFile,
    String weightsSha256,
    String parentVersion) {

  public static final int FORMAT_VERSION = 1;

  /** The same metadata with the weights file and its checksum set. */
  public ModelMetadata withWeights(String file, String sha256) {
    return new ModelMetadata(formatVersion, name, version, architecture, labels, inputWidth,
        inputHeight, channels, colour, mean, std, crop, createdAt, metrics, file, sha256, parentVersion);
  }

  /** Problems with the fields themselves, each naming the field; empty when consistent. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (formatVersion != FORMAT_VERSION) {
      p.add("formatVersion is " + formatVersion + ", this build reads " + FORMAT_VERSION);
    }
    requireText(p, "name", name);
    requireText(p, "version", version);
    requireText(p, "architecture", architecture);
    requireText(p, "weightsFile", weightsFile);
    requireText(p, "weightsSha256", weightsSha256);
    if (labels == null || labels.isEmpty()) {
      p.add("labels is missing or empty");
    }
    if (inputWidth <= 0 || inputHeight <= 0) {
      p.add("inputWidth/inputHeight must be positive: " + inputWidth + "x" + inputHeight);
    }
    if (channels != 1 && channels != 3) {
      p.add("channels must be 1 or 3: " + channels);
    }
    if (colour == null) {
      p.add("colour is missing (GREY or RGB)");
    }
    int colourChannels = colour == Colour.GREY ? 1 : 3;
    if (colour == Colour.RGB && channels != 3) {
      p.add("colour RGB needs channels 3, not " + channels);
    }
    if (mean == null || mean.length != colourChannels) {
      p.add("mean must hold " + colourChannels + " values for colour " + colour);
    }
    if (std == null || std.length != colourChannels) {
      p.add("std must hold " + colourChannels + " values for colour " + colour);
    } else {
      for (double s : std) {
        if (!(s > 0)) {
          p.add("std values must be positive");
          break;
        }
      }
    }
    if (crop == null) {
      p.add("crop is missing");
    } else if (crop.width() != inputWidth || crop.height() != inputHeight) {
      p.add("crop size " + crop.width() + "x" + crop.height() + " differs from input size "
          + inputWidth + "x" + inputHeight);
    }
    return p;
  }

  private static void requireText(List<String> p, String field, String value) {
    if (value == null || value.isBlank()) {
      p.add(field + " is missing");
    }
  }
}
