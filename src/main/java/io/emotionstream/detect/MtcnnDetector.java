package io.emotionstream.detect;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import io.emotionstream.torch.AllocatorArenas;
import io.emotionstream.torch.FusedPrelu;
import io.emotionstream.torch.NativeTorch;
import io.emotionstream.torch.OneDnnTensors;
import io.emotionstream.torch.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * shared, frozen weights is re-entrant).
 *
 * <p>Parallelism: MTCNN's networks are small, and PyTorch's intra-op threads scale poorly on them
 * (two threads made a 640x480 frame only about 1.3 times faster, and the Java work between the ops
 * stays on one thread). The detector therefore splits each frame into independent pieces (the
 * P-Net pyramid levels, the R-Net and O-Net batches in contiguous chunks) and runs them on its own
 * workers, each with one intra-op thread. The processor has one worker per core
 * ({@code detect.workers=auto}); the one-argument constructor has as many as PyTorch had intra-op
 * threads on the constructing thread ({@code -Dai.djl.pytorch.num_threads}, set before the engine
 * starts). With one, everything runs on the calling thread.
 */
public final class MtcnnDetector implements FaceDetector {

  private static final Logger LOG = LoggerFactory.getLogger(MtcnnDetector.class);

  private final MtcnnConfig config;
  private final NDManager manager;
  private final MtcnnNetworks.Network pnet;
  private final MtcnnNetworks.Network rnet;
  private final MtcnnNetworks.Network onet;
  private final float pnetLogit;
  /**
   * Whether R-Net's and O-Net's convolutional layers run on tensors in oneDNN's layout
   * ({@link OneDnnTensors}): their max poolings of a few hundred crops are where that pays. P-Net
   * stays on ordinary tensors: with its 2x2 pooling and one conversion there and back per pyramid
   * level it gained at 20 px and lost at 40 px (network time per frame, one thread, medians of three
   * rounds: 15.5 -> 15.0 ms and 35.0 -> 32.0 ms at 20 px, 5.3 -> 6.0 ms and 10.1 -> 10.9 ms at 40 px,
   * 640x480 and 1280x720).
   */
  private final boolean oneDnnLayout;
  /**
   * R-Net's and O-Net's convolution weights and biases and PReLU slopes in bfloat16 in oneDNN's
   * layout, by layer, when they run in bfloat16 ({@link Precision}); empty otherwise.
   * Measured alone (one thread, AMD EPYC with {@code avx512_bf16}, random weights of the networks'
   * shapes): R-Net's convolutional layers on 423 crops 20.5-27.8 -> 10.9 ms, O-Net's on 33 crops
   * 11.4-13.1 -> 5.8-6.9 ms against float32 in the same layout.
   */
  private final Map<Block, NDArray[]> bfloat16Weights;
  /** Workers with one PyTorch intra-op thread each; null when everything runs on the caller. */
  private final ThreadPoolExecutor workers;
  private final int parallelism;

  /**
   * The largest difference, relative to {@code 1 + |value|}, between an R-Net or O-Net output in
   * bfloat16 and in float32 on the check batch that bfloat16 may show. Its 8 significant bits move
   * each weight and activation by up to 2^-8 of itself; through the layers that adds up to what the
   * detector logs when it starts; a wrong result (another layer's weights, a misread layout) would
   * be off by the outputs' own size.
   */
  private static final float BFLOAT16_CHECK_TOLERANCE = 0.05f;

  /** R-Net/O-Net batches smaller than twice this are not split between workers. */
  private static final int MIN_CHUNK = 8;

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
    this(config, 0);
  }

  /**
   * @param workers threads that share out each frame's work; 0: as many as PyTorch's intra-op
   *     threads on the constructing thread
   */
  public MtcnnDetector(MtcnnConfig config, int workers) {
    if (workers < 0) {
      throw new IllegalArgumentException("workers must be >= 0, got " + workers);
    }
    this.config = config;
    this.manager = NDManager.newBaseManager(Device.fromName(config.device()), "PyTorch");
    NativeTorch.disableNnpack(); // no NNPACK warnings per convolution
    try {
      this.pnet = load(MtcnnNetworks.pnet());
      this.rnet = load(MtcnnNetworks.rnet());
      this.onet = load(MtcnnNetworks.onet());
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    this.oneDnnLayout = manager.getDevice().equals(Device.cpu()) && OneDnnTensors.available() && sameOnBothLayouts();
    this.bfloat16Weights = config.precision().wantsBfloat16() ? bfloat16Weights() : Map.of();
    // a P-Net probability p >= t  <=>  logit difference >= ln(t / (1 - t)): no exp per cell
    this.pnetLogit = (float) Math.log(config.pnetThreshold() / (1 - config.pnetThreshold()));
    this.parallelism = workers > 0 ? workers : Math.max(1, NativeTorch.intraOpThreads());
    this.workers = parallelism > 1 ? singleThreadedWorkers(parallelism) : null;
  }

  /**
   * A fixed pool of {@code n} threads whose PyTorch intra-op parallelism is 1.
   *
   * <p>PyTorch keeps that setting per thread (OpenMP's and MKL's thread counts are per-thread
   * variables), but its setter also stores the value as the process-wide default that each thread
   * adopts on its first parallel op. So each worker sets 1 and adopts it at once (reading the
   * count does that), and once all have, the constructing thread puts the default back; other
   * threads of the process keep theirs.
   */
  private static ThreadPoolExecutor singleThreadedWorkers(int n) {
    int processDefault = NativeTorch.intraOpThreads();
    CountDownLatch ready = new CountDownLatch(n);
    AtomicInteger next = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(n, n, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
      Thread t = new Thread(() -> {
        NativeTorch.setIntraOpThreads(1);
        NativeTorch.intraOpThreads();
        AllocatorArenas.leaveArenaZero();
        ready.countDown();
        task.run();
      }, "mtcnn-worker-" + next.getAndIncrement());
      t.setDaemon(true);
      return t;
    });
    pool.prestartAllCoreThreads();
    try {
      ready.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.shutdownNow();
      throw new IllegalStateException("interrupted while starting the detector's workers", e);
    } finally {
      NativeTorch.setIntraOpThreads(processDefault);
    }
    return pool;
  }

  /** A made-up batch of five crops for {@code network}, the same from the same {@code random}: the one-time checks' input. */
  private static NDArray checkBatch(NDManager m, java.util.Random random, MtcnnNetworks.Network network) {
    int side = (int) network.inputShape().get(2);
    int n = 5;
    float[] pixels = new float[n * side * side * 3];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextGaussian();
    }
    return NetworkInputs.channelsLast(m, pixels, n, side, side);
  }

  /** Whether R-Net and O-Net run in bfloat16 ({@link Precision}); for tests and benchmarks. */
  public boolean bfloat16() {
    return !bfloat16Weights.isEmpty();
  }

  /** Whether R-Net and O-Net run in oneDNN's layout ({@link OneDnnTensors}); for tests and benchmarks. */
  public boolean oneDnnLayout() {
    return oneDnnLayout;
  }

  /**
   * Whether R-Net and O-Net give the same outputs in oneDNN's layout as on ordinary tensors, up to
   * float rounding, on a fixed made-up batch of crops: oneDNN picks its kernels per machine, so this
   * is checked where the detector runs, once per detector.
   */
  private boolean sameOnBothLayouts() {
    java.util.Random random = new java.util.Random(11);
    for (MtcnnNetworks.Network network : List.of(rnet, onet)) {
      try (NDManager m = manager.newSubManager()) {
        NDArray input = checkBatch(m, random, network);
        float[] plain = forwardLayers(network, m, input, false, null).toFloatArray();
        float[] oneDnn = forwardLayers(network, m, input, true, null).toFloatArray();
        for (int i = 0; i < plain.length; i++) {
          if (!(Math.abs(plain[i] - oneDnn[i]) <= 1e-4f * (1 + Math.abs(plain[i])))) {
            LOG.warn("MTCNN's {} gives {} in oneDNN's layout where ordinary tensors give {} (output {}); "
                + "the detector keeps ordinary tensors", network.name(), oneDnn[i], plain[i], i);
            return false;
          }
        }
      } catch (RuntimeException e) {
        LOG.warn("MTCNN's {} failed in oneDNN's layout ({}); the detector keeps ordinary tensors", network.name(),
            e.toString());
        return false;
      }
    }
    return true;
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
    StageClock clock = stageClock;
    long t0 = System.nanoTime();
    CropSampler sampler = new CropSampler(bgr);
    long t1 = System.nanoTime();
    List<Candidate> proposed = proposals(sampler, bgr.cols(), bgr.rows());
    long t2 = System.nanoTime();
    List<DetectedFace> faces = laterStages(sampler, proposed);
    if (clock != null) {
      clock.add("summed-area table", t1 - t0);
      clock.add("P-Net pyramid (sampling, network, NMS)", t2 - t1);
      clock.add("R-Net and O-Net (crops, networks, NMS)", System.nanoTime() - t2);
      clock.count("P-Net candidates after NMS", proposed.size());
      clock.count("full searches", 1);
    }
    return faces;
  }

  /**
   * Where a frame's detection time goes, summed over frames (for {@code bench detect --stages});
   * null, the default, times nothing.
   */
  public void profileStages(StageClock clock) {
    this.stageClock = clock;
  }

  private volatile StageClock stageClock;

  /** Stages 2 and 3 on the candidates: the faces, in the order of the final non-maximum suppression. */
  private List<DetectedFace> laterStages(CropSampler sampler, List<Candidate> boxes) {
    if (!boxes.isEmpty()) {
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

  /**
   * Tracked detection: instead of P-Net over the whole pyramid, each expected box seeds a few
   * candidates (the box and slightly larger, at its place and shifted by a tenth of its size each
   * way, so a face that moved or grew since the prediction is still covered) that go through R-Net
   * and O-Net as P-Net's proposals would. R-Net's box regression pulls each candidate onto the face;
   * the usual non-maximum suppression merges the candidates of one face. The thresholds are the
   * detector's own, so a refined face is held to the same standard as a detected one.
   */
  @Override
  public List<DetectedFace> detectAround(Mat bgr, List<FaceRegion> expected) {
    if (bgr == null || bgr.empty()) {
      throw new IllegalArgumentException("image is empty");
    }
    if (expected.isEmpty()) {
      return List.of();
    }
    StageClock clock = stageClock;
    long t0 = System.nanoTime();
    CropSampler sampler = new CropSampler(bgr);
    List<Candidate> boxes = new ArrayList<>();
    for (FaceRegion r : expected) {
      float cx = (r.x1() + r.x2()) / 2;
      float cy = (r.y1() + r.y2()) / 2;
      float side = Math.max(r.x2() - r.x1(), r.y2() - r.y1());
      for (float grow : TRACKED_SCALES) {
        float half = side * grow / 2;
        for (float dy : TRACKED_SHIFTS) {
          for (float dx : TRACKED_SHIFTS) {
            float x = cx + dx * side;
            float y = cy + dy * side;
            boxes.add(new Candidate(x - half, y - half, x + half, y + half, 1f));
          }
        }
      }
    }
    List<DetectedFace> faces = new ArrayList<>(laterStages(sampler, boxes));
    faces.sort((a, b) -> Float.compare(b.score(), a.score()));
    if (clock != null) {
      clock.add("refinements around tracked faces", System.nanoTime() - t0);
      clock.count("refinements", 1);
    }
    return faces;
  }

  /** Sizes of the candidates around an expected face, relative to its box. */
  private static final float[] TRACKED_SCALES = {1.0f, 1.25f};
  /** Shifts of the candidates around an expected face, in units of its size. */
  private static final float[] TRACKED_SHIFTS = {-0.1f, 0f, 0.1f};

  /** Stage 1: P-Net over the pyramid of the {@code width x height} frame. */
  private List<Candidate> proposals(CropSampler sampler, int width, int height) {
    // one task per level, largest first, so that the workers finish at about the same time
    List<Callable<List<Candidate>>> levels = new ArrayList<>();
    for (double scale : ImagePyramid.scales(width, height, config.minFaceSize(), config.scaleFactor())) {
      int ws = ImagePyramid.scaledSize(width, scale);
      int hs = ImagePyramid.scaledSize(height, scale);
      levels.add(() -> scanLevel(sampler, ws, hs, scale));
    }
    List<Candidate> all = new ArrayList<>();
    for (List<Candidate> level : runAll(levels)) {
      all.addAll(level);
    }
    List<Candidate> kept = BoxOps.nms(all, 0.7f, BoxOps.Overlap.UNION);
    for (Candidate c : kept) {
      BoxOps.regressWithoutPlusOne(c);
      BoxOps.square(c);
    }
    return kept;
  }

  /**
   * One pyramid level of stage 1: the frame sampled at {@code ws x hs}, P-Net over it, and the
   * level's own NMS, timed per step when a stage clock is attached.
   */
  private List<Candidate> scanLevel(CropSampler sampler, int ws, int hs, double scale) {
    StageClock clock = stageClock;
    long t0 = clock == null ? 0 : System.nanoTime();
    ScratchBuffers scratch = ScratchBuffers.local();
    sampler.resized(ws, hs, scratch.values(ws * hs * 3));
    long t1 = clock == null ? 0 : System.nanoTime();
    List<Candidate> cells = scan(scratch, ws, hs, scale);
    long t2 = clock == null ? 0 : System.nanoTime();
    List<Candidate> kept = BoxOps.nms(cells, 0.5f, BoxOps.Overlap.UNION);
    if (clock != null) {
      clock.add("P-Net level sampling", t1 - t0);
      clock.add("P-Net level scan (input, network, cells)", t2 - t1);
      clock.add("P-Net level NMS", System.nanoTime() - t2);
    }
    return kept;
  }

  /**
   * P-Net on one pyramid level: the frame area-averaged to {@code ws x hs} (from the summed-area
   * table, which is far cheaper than OpenCV's area resize at these fractional scales), normalised,
   * channels-last.
   */
  private List<Candidate> scan(ScratchBuffers scratch, int ws, int hs, double scale) {
    try (NDManager m = manager.newSubManager()) {
      NDArray result = forward(pnet, m, scratch.input(m, 1, hs, ws));
      long[] shape = result.getShape().getShape();
      return cells(scratch.outputs(result), (int) shape[2], (int) shape[3], scale);
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
    float[] out = forwardCrops(rnet, sampler, boxes, MtcnnNetworks.RNET_SIZE);
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
    float[] out = forwardCrops(onet, sampler, boxes, MtcnnNetworks.ONET_SIZE);
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

  /**
   * The network's outputs for the crops of {@code boxes}, box after box: the batch is cut into one
   * contiguous chunk per worker (each sample's outputs do not depend on the rest of its batch).
   */
  private float[] forwardCrops(MtcnnNetworks.Network network, CropSampler sampler, List<Candidate> boxes, int side) {
    int chunks = Math.max(1, Math.min(parallelism, boxes.size() / MIN_CHUNK));
    List<Callable<float[]>> tasks = new ArrayList<>(chunks);
    for (int k = 0; k < chunks; k++) {
      List<Candidate> chunk = boxes.subList(boxes.size() * k / chunks, boxes.size() * (k + 1) / chunks);
      tasks.add(() -> {
        try (NDManager m = manager.newSubManager()) {
          ScratchBuffers scratch = ScratchBuffers.local();
          sampler.batch(chunk, side, scratch.values(chunk.size() * side * side * 3));
          return forward(network, m, scratch.input(m, chunk.size(), side, side)).toFloatArray();
        }
      });
    }
    List<float[]> parts = runAll(tasks);
    if (parts.size() == 1) {
      return parts.get(0);
    }
    float[] out = new float[parts.stream().mapToInt(p -> p.length).sum()];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /** Runs the tasks on the workers (or here, without workers); results in task order. */
  private <T> List<T> runAll(List<Callable<T>> tasks) {
    List<T> results = new ArrayList<>(tasks.size());
    try {
      if (workers == null) {
        for (Callable<T> task : tasks) {
          results.add(task.call());
        }
      } else {
        for (Future<T> f : workers.invokeAll(tasks)) {
          results.add(f.get());
        }
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while detecting faces", e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return results;
  }

  /**
   * The face probability of a two-way softmax, in float32 as the reference's softmax computes it
   * (max subtracted, then exp and a division): near 1 the probability saturates to the same float
   * for different boxes, and the final NMS breaks such ties by order, so the ties must be the same.
   */
  static float softmaxFace(float notFace, float face) {
    if (face >= notFace) {
      return 1f / (1f + (float) Math.exp(notFace - face));
    }
    float e = (float) Math.exp(face - notFace);
    return e / (1f + e);
  }

  /**
   * Runs the network layer by layer, closing each intermediate result as soon as the next layer
   * has consumed it: R-Net on a few hundred crops makes intermediates of tens of MB, and freeing
   * them early lets the allocator hand the same (already mapped, cache-warm) memory to the next
   * layer instead of growing the working set until the batch's manager closes.
   */
  private NDArray forward(MtcnnNetworks.Network network, NDManager m, NDArray input) {
    StageClock clock = stageClock;
    long t0 = clock == null ? 0 : System.nanoTime();
    boolean oneDnn = oneDnnLayout && network != pnet;
    NDArray out = forwardLayers(network, m, input, oneDnn, oneDnn && !bfloat16Weights.isEmpty() ? bfloat16Weights : null);
    if (clock != null) {
      clock.add(network.name() + " network calls (libtorch, incl. JNI)", System.nanoTime() - t0);
      clock.count(network.name() + " calls", 1);
    }
    return out;
  }

  /**
   * @param oneDnn run the convolutional layers on a tensor in oneDNN's layout, converted back to an
   *     ordinary one before the flattening (or at the end); see {@link OneDnnTensors} for the gain
   * @param bfloat16 with {@code oneDnn}: the layers' bfloat16 weights ({@link #bfloat16Weights}), or
   *     null for float32
   */
  private static NDArray forwardLayers(MtcnnNetworks.Network network, NDManager m, NDArray input, boolean oneDnn,
      Map<Block, NDArray[]> bfloat16) {
    ParameterStore store = new ParameterStore(m, false);
    NDList current = new NDList(!oneDnn ? input
        : bfloat16 != null ? OneDnnTensors.toOneDnnBfloat16(input) : OneDnnTensors.toOneDnn(input));
    int index = 0;
    for (var layer : network.block().getChildren()) {
      if (oneDnn && index == network.convolutionalLayers()) {
        current = replace(current, input, new NDList(OneDnnTensors.toDense(current.head())));
      }
      NDArray[] weights = bfloat16 == null ? null : bfloat16.get(layer.getValue());
      current = replace(current, input, weights == null ? layer.getValue().forward(store, current, false)
          : bfloat16Layer(layer.getValue(), current.head(), weights));
      index++;
    }
    if (oneDnn && index == network.convolutionalLayers()) {
      current = replace(current, input, new NDList(OneDnnTensors.toDense(current.head())));
    }
    return current.singletonOrThrow();
  }

  /** One convolution or PReLU on a bfloat16 oneDNN tensor, with the layer's bfloat16 weights. */
  private static NDList bfloat16Layer(Block layer, NDArray x, NDArray[] weights) {
    if (layer instanceof Conv2d conv) {
      return Conv2d.conv2d(x, weights[0], weights[1], conv.getStride(), conv.getPadding(), conv.getDilation(),
          conv.getGroups());
    }
    return new NDList(FusedPrelu.applyBfloat16OneDnn(x, weights[0]));
  }

  /**
   * R-Net's and O-Net's convolutional layers' weights in bfloat16 ({@link #bfloat16Weights}), or an
   * empty map (logged) where they cannot run so: no oneDNN layout, a CPU without native bfloat16, or
   * outputs on the fixed check batch of {@link #sameOnBothLayouts} further from float32's than
   * bfloat16's rounding explains.
   */
  private Map<Block, NDArray[]> bfloat16Weights() {
    if (!oneDnnLayout || !FusedPrelu.available() || !OneDnnTensors.bfloat16Available()) {
      LOG.info("detect.precision={}: not available here (bfloat16 needs oneDNN's layout, libtorch's prelu and a CPU "
          + "with avx512_bf16); R-Net and O-Net stay float32", config.precision().settingName());
      return Map.of();
    }
    Map<Block, NDArray[]> weights = new java.util.IdentityHashMap<>();
    for (MtcnnNetworks.Network network : List.of(rnet, onet)) {
      int index = 0;
      for (var layer : network.block().getChildren()) {
        if (index++ == network.convolutionalLayers()) {
          break;
        }
        Block block = layer.getValue();
        if (block instanceof Conv2d || block instanceof PerChannelPrelu) {
          List<NDArray> arrays = new ArrayList<>();
          for (var parameter : block.getParameters()) {
            arrays.add(OneDnnTensors.toOneDnnBfloat16(parameter.getValue().getArray()));
          }
          weights.put(block, arrays.toArray(new NDArray[0]));
        }
      }
    }
    float worst = 0;
    java.util.Random random = new java.util.Random(11);
    for (MtcnnNetworks.Network network : List.of(rnet, onet)) {
      try (NDManager m = manager.newSubManager()) {
        NDArray input = checkBatch(m, random, network);
        float[] single = forwardLayers(network, m, input, true, null).toFloatArray();
        float[] half = forwardLayers(network, m, input, true, weights).toFloatArray();
        for (int i = 0; i < single.length; i++) {
          float off = Math.abs(single[i] - half[i]) / (1 + Math.abs(single[i]));
          worst = Math.max(worst, off);
          if (!(off <= BFLOAT16_CHECK_TOLERANCE)) {
            LOG.warn("MTCNN's {} gives {} in bfloat16 where float32 gives {} (output {}); R-Net and O-Net stay float32",
                network.name(), half[i], single[i], i);
            weights.values().forEach(a -> java.util.Arrays.stream(a).forEach(NDArray::close));
            return Map.of();
          }
        }
      } catch (RuntimeException e) {
        LOG.warn("MTCNN's {} failed in bfloat16 ({}); R-Net and O-Net stay float32", network.name(), e.toString());
        weights.values().forEach(a -> java.util.Arrays.stream(a).forEach(NDArray::close));
        return Map.of();
      }
    }
    LOG.info("R-Net and O-Net run in bfloat16 (detect.precision); outputs on the check batch within {} of float32's",
        String.format(java.util.Locale.ROOT, "%.4f", worst));
    return weights;
  }

  /** {@code next}, closing {@code current} unless it is the caller's input. */
  private static NDList replace(NDList current, NDArray input, NDList next) {
    if (current.head() != input) {
      current.close();
    }
    return next;
  }

  @Override
  public void close() {
    if (workers != null) {
      workers.shutdown();
    }
    manager.close();
  }
}
