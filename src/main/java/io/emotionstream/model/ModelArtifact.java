package io.emotionstream.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.emotionstream.torch.Precision;
import io.emotionstream.weights.SafetensorsImporter;
import io.emotionstream.weights.StateDict;
import io.emotionstream.weights.WeightsException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A verified model artifact directory: {@code metadata.json} plus a safetensors weights file whose
 * tensors carry state-dict names ({@link StateDict}).
 *
 * <p>{@link #open(Path)} checks everything that can be checked without building the network: the
 * metadata fields, that the architecture is known, that the weights file exists and matches its
 * SHA-256, and that the network's class count (from the weights) equals the number of labels.
 *
 * <p>The weights are read once per use and those very bytes are hashed, checked and decoded
 * ({@link #verifiedWeights}): a file swapped between the check and the load is caught, and a file
 * larger than {@link #MAX_WEIGHTS_BYTES} is refused before it is read (a 2 GB file used to end the
 * reloader thread with an {@code OutOfMemoryError}). A failure after the checksum matched is
 * {@link ModelArtifactException.Reason#CORRUPT}: the same bytes will fail again.
 */
public final class ModelArtifact {

  public static final String METADATA_FILE = "metadata.json";
  public static final String DEFAULT_WEIGHTS_FILE = "weights.safetensors";
  /**
   * Largest weights file read: 512 MiB, eleven times the float32 ResNet-18 (45 MB) and within a
   * Java array and the default 4 GB heap also while one model is loaded beside the one in service.
   */
  public static final long MAX_WEIGHTS_BYTES = 512L << 20;

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path directory;
  private final ModelMetadata metadata;
  private final Architecture architecture;

  private ModelArtifact(Path directory, ModelMetadata metadata, Architecture architecture) {
    this.directory = directory;
    this.metadata = metadata;
    this.architecture = architecture;
  }

  /**
   * Opens and verifies an artifact directory.
   *
   * @throws ModelArtifactException naming the directory or file and what is wrong
   */
  public static ModelArtifact open(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new ModelArtifactException(directory, "not a directory");
    }
    Path metadataFile = directory.resolve(METADATA_FILE);
    if (!Files.isRegularFile(metadataFile)) {
      throw new ModelArtifactException(metadataFile, "missing metadata file");
    }
    ModelMetadata metadata;
    try {
      metadata = JSON.readValue(metadataFile.toFile(), ModelMetadata.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new ModelArtifactException(metadataFile, "unreadable metadata: " + e.getMessage(), e);
    }
    List<String> problems = metadata.problems();
    if (!problems.isEmpty()) {
      throw new ModelArtifactException(metadataFile, String.join("; ", problems));
    }
    Architecture architecture = Architectures.find(metadata.architecture());
    if (architecture == null) {
      throw new ModelArtifactException(metadataFile, "unknown architecture '" + metadata.architecture()
          + "' (known: " + Architectures.names() + ")");
    }
    Path weights = directory.resolve(metadata.weightsFile()).normalize();
    if (!weights.startsWith(directory.normalize())) {
      throw new ModelArtifactException(ModelArtifactException.Reason.WEIGHTS_OUTSIDE_ARTIFACT, metadataFile,
          "weightsFile '" + metadata.weightsFile() + "' points outside the artifact directory", null);
    }
    if (!Files.isRegularFile(weights)) {
      throw new ModelArtifactException(weights, "missing weights file named by " + METADATA_FILE);
    }
    try {
      if (!weights.toRealPath().startsWith(directory.toRealPath())) {
        throw new ModelArtifactException(ModelArtifactException.Reason.WEIGHTS_OUTSIDE_ARTIFACT, weights,
            "weights file is a link to " + weights.toRealPath() + ", outside the artifact directory", null);
      }
    } catch (IOException e) {
      throw new ModelArtifactException(weights, "cannot resolve: " + e, e);
    }
    byte[] bytes = verifiedWeights(weights, metadata.weightsSha256());
    try {
      SafetensorsImporter.checkLayout(weights, bytes);
    } catch (WeightsException e) {
      throw new ModelArtifactException(ModelArtifactException.Reason.CORRUPT, weights, e.getMessage(), e);
    }
    long classes = classCount(weights, bytes, architecture.classCountTensor());
    if (classes != metadata.labels().size()) {
      throw new ModelArtifactException(ModelArtifactException.Reason.CORRUPT, metadataFile, "wrong label count: "
          + metadata.labels().size()
          + " labels " + metadata.labels() + " but the network outputs " + classes + " classes ("
          + architecture.classCountTensor() + " in " + weights.getFileName() + ")", null);
    }
    return new ModelArtifact(directory, metadata, architecture);
  }

  /**
   * Writes an artifact: the block's parameters as safetensors ({@link #DEFAULT_WEIGHTS_FILE}) and
   * {@code metadata.json} with the checksum filled in; then opens (verifies) it.
   *
   * @param block an initialised block of {@code metadata.architecture()}
   */
  public static ModelArtifact write(Path directory, ModelMetadata metadata, Block block) {
    try {
      Files.createDirectories(directory);
      Path weights = directory.resolve(DEFAULT_WEIGHTS_FILE);
      try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
        SafetensorsImporter.write(StateDict.export(block, manager), weights);
      }
      ModelMetadata complete = metadata.withWeights(DEFAULT_WEIGHTS_FILE, sha256(weights));
      Path tmp = directory.resolve(METADATA_FILE + ".tmp");
      JSON.writeValue(tmp.toFile(), complete);
      Files.move(tmp, directory.resolve(METADATA_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ModelArtifactException(directory, "cannot write: " + e.getMessage(), e);
    }
    return open(directory);
  }

  /**
   * A fresh block of this architecture, initialised on {@code manager}'s device, weights loaded and
   * parameters frozen for inference (a trainer calls {@code freezeParameters(false)}).
   */
  public Block newBlock(NDManager manager) {
    Block block = architecture.newBlock(metadata);
    block.initialize(manager, DataType.FLOAT32, inputShape(1));
    Path file = weightsFile();
    byte[] bytes = verifiedWeights(file, metadata.weightsSha256());
    try (NDManager scratch = manager.newSubManager()) {
      StateDict.load(block, SafetensorsImporter.decode(scratch, bytes, file), file.toString());
    } catch (WeightsException e) {
      throw new ModelArtifactException(ModelArtifactException.Reason.CORRUPT, file, e.getMessage(), e);
    }
    block.freezeParameters(true);
    return block;
  }

  /**
   * A DJL model on {@code device} holding this artifact's network with its weights, made ready for
   * inference by its architecture ({@link Architecture#forInference}); the caller closes it.
   */
  public Model load(Device device) {
    return load(device, Precision.FLOAT32);
  }

  /** {@link #load(Device)} with the network computing in {@code precision} where its architecture supports it. */
  public Model load(Device device, Precision precision) {
    Model model = Model.newInstance(metadata.name() + "-" + metadata.version(), device);
    try {
      NDManager manager = model.getNDManager();
      model.setBlock(architecture.forInference(newBlock(manager), metadata, manager, precision));
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * What a model made by {@link #load(Device, Precision)} computes in: bfloat16 where its
   * architecture, the CPU and the network's check at load allowed it, else float32.
   */
  public Precision computesIn(Model loaded) {
    return architecture.computesIn(loaded.getBlock());
  }

  /** NCHW input shape for a batch. */
  public Shape inputShape(int batch) {
    return new Shape(batch, metadata.channels(), metadata.inputHeight(), metadata.inputWidth());
  }

  public Path directory() {
    return directory;
  }

  public ModelMetadata metadata() {
    return metadata;
  }

  public Architecture architecture() {
    return architecture;
  }

  public Path weightsFile() {
    return directory.resolve(metadata.weightsFile()).normalize();
  }

  /**
   * The bytes of a weights file, read once, at most {@link #MAX_WEIGHTS_BYTES}, and checked against
   * {@code sha256} (lower- or upper-case hex).
   *
   * @throws ModelArtifactException {@code TOO_LARGE} over the cap; {@code INVALID} when unreadable or
   *     when the checksum differs (a copy may still be under way: worth another attempt)
   */
  public static byte[] verifiedWeights(Path file, String sha256) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      long size = Files.size(file);
      if (size > MAX_WEIGHTS_BYTES) {
        throw tooLarge(file, size);
      }
      bytes = in.readNBytes((int) MAX_WEIGHTS_BYTES + 1); // the file may grow after its size was read
      if (bytes.length > MAX_WEIGHTS_BYTES) {
        throw tooLarge(file, bytes.length);
      }
    } catch (IOException e) {
      throw new ModelArtifactException(file, "cannot read: " + e.getMessage(), e);
    }
    String actual = sha256(bytes);
    if (!actual.equalsIgnoreCase(sha256)) {
      throw new ModelArtifactException(file, "checksum mismatch: SHA-256 is " + actual + " but " + METADATA_FILE
          + " says " + sha256);
    }
    return bytes;
  }

  private static ModelArtifactException tooLarge(Path file, long size) {
    return new ModelArtifactException(ModelArtifactException.Reason.TOO_LARGE, file, "weights file of " + size
        + " bytes or more is larger than the " + MAX_WEIGHTS_BYTES + " bytes a model may have; not read", null);
  }

  /** Lower-case hex SHA-256 of bytes. */
  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lower-case hex SHA-256 of a file. */
  public static String sha256(Path file) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new ModelArtifactException(file, "cannot read: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads the first dimension of one tensor from the safetensors header of {@code bytes} (from {@code weights}). */
  static long classCount(Path weights, byte[] bytes, String tensor) {
    try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
      byte[] lengthBytes = in.readNBytes(8);
      if (lengthBytes.length < 8) {
        throw new ModelArtifactException(weights, "not a safetensors file (shorter than its header)");
      }
      long length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (length <= 0 || length > 100_000_000) {
        throw new ModelArtifactException(weights, "not a safetensors file (header length " + length + ")");
      }
      JsonNode header = JSON.readTree(new String(in.readNBytes((int) length), StandardCharsets.UTF_8));
      JsonNode shape = header.path(tensor).path("shape");
      if (!shape.isArray() || shape.isEmpty()) {
        throw new ModelArtifactException(weights, "has no tensor '" + tensor + "' (the classifier output)");
      }
      return shape.get(0).asLong();
    } catch (IOException e) {
      throw new ModelArtifactException(weights, "unreadable safetensors header: " + e.getMessage(), e);
    }
  }

  /** Serialises metadata the way artifacts store it (for tools and tests). */
  public static String toJson(ModelMetadata metadata) {
    try {
      return JSON.writeValueAsString(metadata);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses metadata JSON the way {@link #open} does. */
  public static ModelMetadata parseMetadata(String json) throws IOException {
    return JSON.readValue(json, ModelMetadata.class);
  }
}
