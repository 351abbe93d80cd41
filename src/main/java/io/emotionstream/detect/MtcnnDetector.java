package io.emotionstream.detect;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * MTCNN face detector (Zhang et al. 2016, "Joint Face Detection and Alignment using Multi-task
 * Cascaded Convolutional Networks"), following facenet-pytorch's pipeline: an image pyramid
 * scanned by P-Net, per-scale NMS 0.5 then cross-scale NMS 0.7, box regression and squaring;
 * R-Net and O-Net each on one batch of crops per frame; O-Net's landmarks; final NMS 0.7 on the
 * smaller box's area.
 *
 * <p>Thread safety: instances are safe to share. The network weights are read-only after
 * construction and every call works in its own {@link NDManager} sub-managers with its own
 * {@link ParameterStore}, so concurrent {@link #detect} calls need no lock (PyTorch inference on
 * shared, frozen weights is re-entrant). Intra-op parallelism is PyTorch's; set it with
 * {@code -Dai.djl.pytorch.num_threads} before the engine starts.
 */
public final class MtcnnDetector implements FaceDetector {

  private final MtcnnConfig config;
  private final NDManager manager;
  private final MtcnnNetworks.Network pnet;
  private final MtcnnNetworks.Network rnet;
  private final MtcnnNetworks.Network onet;
  private final float pnetLogit;

  /** Detector with {@link MtcnnConfig#defaults()}. */
  public MtcnnDetector() {
    this(MtcnnConfig.defaults());
  }

  /**
   * Builds the networks and loads the weights (converting them into the cache on first use).
   *
   * @throws IllegalStateException when the weights cannot be found or read
   */
  public MtcnnDetector(MtcnnConfig config) {
    this.config = config;
    this.manager = NDManager.newBaseManager(Device.fromName(config.device()), "PyTorch");
    try {
      this.pnet = load(MtcnnNetworks.pnet());
      this.rnet = load(MtcnnNetworks.rnet());
      this.onet = load(MtcnnNetworks.onet());
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    // a P-Net probability p >= t  <=>  logit difference >= ln(t / (1 - t)): no exp per cell
    this.pnetLogit = (float) Math.log(config.pnetThreshold() / (1 - config.pnetThreshold()));
  }

  private MtcnnNetworks.Network load(MtcnnNetworks.Network network) {
    network.block().initialize(manager, DataType.FLOAT32, network.inputShape());
    MtcnnWeights.load(network, manager);
    return network;
  }

  public MtcnnConfig config() {
    return config;
  }

  @Override
  public List<DetectedFace> detect(Mat bgr) {
    if (bgr == null || bgr.empty()) {
      throw new IllegalArgumentException("image is empty");
    }
    if (bgr.type() != CV_8UC3) {
      throw new IllegalArgumentException("expected an 8-bit 3-channel BGR image, got Mat type " + bgr.type());
    }
    List<Candidate> boxes = proposals(bgr);
    if (!boxes.isEmpty()) {
      CropSampler sampler = new CropSampler(bgr);
      boxes = refine(sampler, boxes);
      if (!boxes.isEmpty()) {
        boxes = output(sampler, boxes);
      }
    }
    List<DetectedFace> faces = new ArrayList<>(boxes.size());
    for (Candidate c : boxes) {
      faces.add(new DetectedFace(c.x1, c.y1, c.x2, c.y2, c.score, c.landmarks));
    }
    return faces;
  }

  /** Stage 1: P-Net over the pyramid. */
  private List<Candidate> proposals(Mat bgr) {
    List<Candidate> all = new ArrayList<>();
    try (Mat rgb = new Mat()) {
      cvtColor(bgr, rgb, COLOR_BGR2RGB);
      for (double scale : ImagePyramid.scales(bgr.cols(), bgr.rows(), config.minFaceSize(), config.scaleFactor())) {
        all.addAll(BoxOps.nms(scan(rgb, scale), 0.5f, BoxOps.Overlap.UNION));
      }
    }
    List<Candidate> kept = BoxOps.nms(all, 0.7f, BoxOps.Overlap.UNION);
    for (Candidate c : kept) {
      BoxOps.regressWithoutPlusOne(c);
      BoxOps.square(c);
    }
    return kept;
  }

  /** P-Net on one pyramid level: the image resized by area averaging, normalised, channels-last. */
  private List<Candidate> scan(Mat rgb, double scale) {
    int hs = ImagePyramid.scaledSize(rgb.rows(), scale);
    int ws = ImagePyramid.scaledSize(rgb.cols(), scale);
    try (NDManager m = manager.newSubManager(); Mat level = new Mat(); Mat normalised = new Mat();
        Size size = new Size(ws, hs)) {
      resize(rgb, level, size, 0, 0, INTER_AREA);
      level.convertTo(normalised, CV_32FC3, 1 / 128.0, -127.5 / 128);
      FloatBuffer pixels = new FloatPointer(normalised.data()).capacity((long) hs * ws * 3).asBuffer();
      NDArray result = forward(pnet, m, NetworkInputs.channelsLast(m, pixels, 1, hs, ws));
      long[] shape = result.getShape().getShape();
      return cells(NetworkInputs.valuesChannelsLast(result), (int) shape[2], (int) shape[3], scale);
    }
  }

  /**
   * P-Net cells whose face probability passes the threshold, as boxes in image pixels;
   * {@code out} holds each cell's six outputs together (channels-last).
   */
  private List<Candidate> cells(float[] out, int rows, int cols, double scale) {
    int plane = rows * cols;
    int n = MtcnnNetworks.PNET_OUTPUTS;
    List<Candidate> found = new ArrayList<>();
    for (int i = 0; i < plane; i++) {
      float d = out[i * n + 1] - out[i * n];
      if (d < pnetLogit) {
        continue;
      }
      int y = i / cols;
      int x = i % cols;
      // the reference's generateBoundingBox: stride 2, cell 12, 1-based like the Matlab original
      Candidate c = new Candidate(
          (float) Math.floor((2 * x + 1) / scale),
          (float) Math.floor((2 * y + 1) / scale),
          (float) Math.floor((2 * x + ImagePyramid.WINDOW) / scale),
          (float) Math.floor((2 * y + ImagePyramid.WINDOW) / scale),
          (float) (1 / (1 + Math.exp(-d))));
      System.arraycopy(out, i * n + 2, c.reg, 0, 4);
      found.add(c);
    }
    return found;
  }

  /** Stage 2: R-Net on one batch of 24x24 crops. */
  private List<Candidate> refine(CropSampler sampler, List<Candidate> boxes) {
    float[] out;
    try (NDManager m = manager.newSubManager()) {
      out = forward(rnet, m, crops(m, sampler, boxes, MtcnnNetworks.RNET_SIZE)).toFloatArray();
    }
    int n = MtcnnNetworks.PNET_OUTPUTS;
    List<Candidate> passed = new ArrayList<>();
    for (int i = 0; i < boxes.size(); i++) {
      float score = softmaxFace(out[i * n], out[i * n + 1]);
      if (score > config.rnetThreshold()) {
        Candidate c = boxes.get(i);
        c.score = score;
        System.arraycopy(out, i * n + 2, c.reg, 0, 4);
        passed.add(c);
      }
    }
    List<Candidate> kept = BoxOps.nms(passed, 0.7f, BoxOps.Overlap.UNION);
    for (Candidate c : kept) {
      BoxOps.regress(c);
      BoxOps.square(c);
    }
    return kept;
  }

  /** Stage 3: O-Net on one batch of 48x48 crops: final boxes and landmarks. */
  private List<Candidate> output(CropSampler sampler, List<Candidate> boxes) {
    float[] out;
    try (NDManager m = manager.newSubManager()) {
      out = forward(onet, m, crops(m, sampler, boxes, MtcnnNetworks.ONET_SIZE)).toFloatArray();
    }
    int n = MtcnnNetworks.ONET_OUTPUTS;
    List<Candidate> passed = new ArrayList<>();
    for (int i = 0; i < boxes.size(); i++) {
      int o = i * n;
      float score = softmaxFace(out[o], out[o + 1]);
      if (score <= config.onetThreshold()) {
        continue;
      }
      Candidate c = boxes.get(i);
      c.score = score;
      System.arraycopy(out, o + 2, c.reg, 0, 4);
      float bw = c.x2 - c.x1 + 1;
      float bh = c.y2 - c.y1 + 1;
      c.landmarks = new float[2 * DetectedFace.LANDMARKS];
      for (int k = 0; k < DetectedFace.LANDMARKS; k++) {
        c.landmarks[2 * k] = bw * out[o + 6 + k] + c.x1 - 1;
        c.landmarks[2 * k + 1] = bh * out[o + 11 + k] + c.y1 - 1;
      }
      BoxOps.regress(c);
      passed.add(c);
    }
    return BoxOps.nms(passed, 0.7f, BoxOps.Overlap.MIN);
  }

  private static NDArray crops(NDManager m, CropSampler sampler, List<Candidate> boxes, int side) {
    return NetworkInputs.channelsLast(m, sampler.batch(boxes, side), boxes.size(), side, side);
  }

  private static float softmaxFace(float notFace, float face) {
    return (float) (1 / (1 + Math.exp(notFace - face)));
  }

  /**
   * Runs the network layer by layer, closing each intermediate result as soon as the next layer
   * has consumed it: R-Net on a few hundred crops makes intermediates of tens of MB, and freeing
   * them early lets the allocator hand the same (already mapped, cache-warm) memory to the next
   * layer instead of growing the working set until the batch's manager closes.
   */
  private static NDArray forward(MtcnnNetworks.Network network, NDManager m, NDArray input) {
    ParameterStore store = new ParameterStore(m, false);
    NDList current = new NDList(input);
    for (var layer : network.block().getChildren()) {
      NDList next = layer.getValue().forward(store, current, false);
      if (current.head() != input) {
        current.close();
      }
      current = next;
    }
    return current.singletonOrThrow();
  }

  @Override
  public void close() {
    manager.close();
  }
}
