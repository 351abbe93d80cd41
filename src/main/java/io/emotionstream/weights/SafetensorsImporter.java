package io.emotionstream.weights;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads safetensors files (as written by PyTorch/timm/Hugging Face) into our blocks, matching
 * tensors by their state-dict names; also writes them. DJL's {@link NDList} does the encoding;
 * it returns safetensors tensors in another order than the file's, so everything goes by name.
 */
public final class SafetensorsImporter {

  private SafetensorsImporter() {}

  /** Every tensor of the file, named, in {@code manager}. */
  public static NDList read(NDManager manager, Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new WeightsException("cannot read safetensors file " + file + ": " + e.getMessage(), e);
    }
    try {
      return NDList.decode(manager, bytes);
    } catch (RuntimeException e) {
      throw new WeightsException("cannot decode safetensors file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Loads the file into the initialised block by state-dict name ({@link StateDict#load}).
   *
   * @throws WeightsException naming the file and the tensors that do not fit
   */
  public static void importInto(Block block, Path file, NDManager manager) {
    try (NDManager scratch = manager.newSubManager()) {
      StateDict.load(block, read(scratch, file), file.toString());
    }
  }

  /** Writes named tensors (each {@link ai.djl.ndarray.NDArray#getName()} set) as safetensors. */
  public static void write(NDList tensors, Path file) {
    try (OutputStream out = Files.newOutputStream(file)) {
      tensors.encode(out, NDList.Encoding.SAFETENSORS);
    } catch (IOException e) {
      throw new WeightsException("cannot write safetensors file " + file + ": " + e.getMessage(), e);
    }
  }
}
