package io.emotionstream.track;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scores tracks against known truth with the CLEAR-MOT and identity measures that tracking
 * benchmarks report: MOTA, identity switches, fragmentations, and IDF1.
 *
 * <p>Per frame, a true face and a tracked face correspond when their boxes overlap by at least
 * {@code minOverlap} (IoU); a correspondence of the previous frame is kept while it still overlaps
 * that much (CLEAR-MOT), the rest are paired greedily by overlap. IDF1 pairs true identities with
 * track ids one to one over the whole sequence, greedily by the number of frames they share:
 * greedy finds at most as many shared frames as the optimal pairing, so the IDF1 reported here is a
 * lower bound of the exact one (equal whenever the pairing is unambiguous, as in our test videos).
 */
public final class TrackingScore {

  private final double minOverlap;
  private final Map<String, String> previous = new HashMap<>();
  private final Map<String, Boolean> wasTracked = new HashMap<>();
  private final Map<String, Map<String, Integer>> shared = new HashMap<>();
  private long truths;
  private long hypotheses;
  private long misses;
  private long falsePositives;
  private long switches;
  private long fragmentations;
  private final Map<String, Integer> truthFrames = new HashMap<>();

  public TrackingScore(double minOverlap) {
    this.minOverlap = minOverlap;
  }

  /** A box with its identity: a true person's id, or a track id. */
  public record Labelled(String id, FaceBox box) {}

  /** Adds one frame: the true faces and the tracked faces. */
  public void add(List<Labelled> truth, List<Labelled> tracked) {
    add(truth, List.of(), tracked);
  }

  /**
   * Adds one frame with "don't care" regions: faces that are only partly in view (at the border,
   * half covered). A tracked face on such a region is neither a hit nor a false positive, as in the
   * MOT benchmarks' ignore regions.
   */
  public void add(List<Labelled> truth, List<FaceBox> ignored, List<Labelled> tracked) {
    tracked = tracked.stream()
        .filter(h -> ignored.stream().noneMatch(b -> b.iou(h.box()) >= minOverlap)
            || truth.stream().anyMatch(t -> t.box().iou(h.box()) >= minOverlap))
        .toList();
    truths += truth.size();
    hypotheses += tracked.size();
    truth.forEach(t -> truthFrames.merge(t.id(), 1, Integer::sum));
    Map<String, String> match = new HashMap<>();
    Set<String> usedTracks = new HashSet<>();
    // keep last frame's correspondences that still hold
    for (Labelled t : truth) {
      String before = previous.get(t.id());
      if (before == null) {
        continue;
      }
      for (Labelled h : tracked) {
        if (h.id().equals(before) && !usedTracks.contains(h.id()) && t.box().iou(h.box()) >= minOverlap) {
          match.put(t.id(), h.id());
          usedTracks.add(h.id());
          break;
        }
      }
    }
    record Pair(Labelled truth, Labelled track, double iou) {}
    List<Pair> pairs = new ArrayList<>();
    for (Labelled t : truth) {
      if (match.containsKey(t.id())) {
        continue;
      }
      for (Labelled h : tracked) {
        double iou = t.box().iou(h.box());
        if (!usedTracks.contains(h.id()) && iou >= minOverlap) {
          pairs.add(new Pair(t, h, iou));
        }
      }
    }
    pairs.sort((a, b) -> Double.compare(b.iou(), a.iou()));
    for (Pair p : pairs) {
      if (!match.containsKey(p.truth().id()) && !usedTracks.contains(p.track().id())) {
        match.put(p.truth().id(), p.track().id());
        usedTracks.add(p.track().id());
        String before = previous.get(p.truth().id());
        if (before != null && !before.equals(p.track().id())) {
          switches++;
        }
      }
    }
    for (Labelled t : truth) {
      String h = match.get(t.id());
      boolean tracked0 = h != null;
      if (tracked0) {
        previous.put(t.id(), h);
        shared.computeIfAbsent(t.id(), k -> new HashMap<>()).merge(h, 1, Integer::sum);
      } else {
        misses++;
      }
      Boolean before = wasTracked.get(t.id());
      if (Boolean.FALSE.equals(before) && tracked0 && previous.containsKey(t.id())
          && shared.get(t.id()).values().stream().mapToInt(Integer::intValue).sum() > 1) {
        fragmentations++;
      }
      wasTracked.put(t.id(), tracked0);
    }
    falsePositives += tracked.size() - usedTracks.size();
  }

  /** Multiple object tracking accuracy: 1 - (misses + false positives + switches) / true faces. */
  public double mota() {
    return truths == 0 ? 1 : 1 - (double) (misses + falsePositives + switches) / truths;
  }

  /** IDF1: the F1 of faces carrying the track id paired with their true identity. */
  public double idf1() {
    long idtp = 0;
    Set<String> usedTracks = new HashSet<>();
    Set<String> usedTruths = new HashSet<>();
    record Cell(String truth, String track, int frames) {}
    List<Cell> cells = new ArrayList<>();
    shared.forEach((t, row) -> row.forEach((h, n) -> cells.add(new Cell(t, h, n))));
    cells.sort((a, b) -> Integer.compare(b.frames(), a.frames()));
    for (Cell c : cells) {
      if (!usedTruths.contains(c.truth()) && !usedTracks.contains(c.track())) {
        usedTruths.add(c.truth());
        usedTracks.add(c.track());
        idtp += c.frames();
      }
    }
    return truths + hypotheses == 0 ? 1 : 2.0 * idtp / (truths + hypotheses);
  }

  public long identitySwitches() {
    return switches;
  }

  /** Times a true face's coverage was interrupted and resumed. */
  public long fragmentations() {
    return fragmentations;
  }

  public long misses() {
    return misses;
  }

  public long falsePositives() {
    return falsePositives;
  }

  public long trueFaces() {
    return truths;
  }

  /** Distinct track ids that covered each true identity. */
  public Map<String, Integer> tracksPerIdentity() {
    Map<String, Integer> out = new HashMap<>();
    shared.forEach((t, row) -> out.put(t, row.size()));
    truthFrames.keySet().forEach(t -> out.putIfAbsent(t, 0));
    return out;
  }

  @Override
  public String toString() {
    return String.format("MOTA %.3f, IDF1 %.3f, %d true faces, %d misses, %d false positives, %d switches, "
        + "%d fragmentations", mota(), idf1(), truths, misses, falsePositives, switches, fragmentations);
  }
}
