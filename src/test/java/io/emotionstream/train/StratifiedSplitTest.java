package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StratifiedSplitTest {

  /** 100 angry, 50 happy, 10 neutral; each image's first pixel records its index. */
  static LabelledFaces unbalanced() {
    LabelledFaces all = new LabelledFaces(List.of("angry", "happy", "neutral"));
    int[] sizes = {100, 50, 10};
    int id = 0;
    for (int c = 0; c < sizes.length; c++) {
      for (int i = 0; i < sizes[c]; i++) {
        byte[] p = new byte[4];
        p[0] = (byte) id;
        p[1] = (byte) (id >> 8);
        all.add(new GreyImage(2, 2, p), c);
        id++;
      }
    }
    return all;
  }

  @Test
  void keepsClassProportionsAndPartitions() {
    LabelledFaces all = unbalanced();
    StratifiedSplit split = StratifiedSplit.of(all, 0.2, 7);
    assertArrayEquals(new int[] {20, 10, 2}, split.validation().classCounts());
    assertArrayEquals(new int[] {80, 40, 8}, split.train().classCounts());
    Set<GreyImage> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (LabelledFaces part : List.of(split.train(), split.validation())) {
      for (int i = 0; i < part.size(); i++) {
        assertTrue(seen.add(part.image(i)), "a sample is in both sets");
      }
    }
    assertEquals(all.size(), seen.size());
  }

  @Test
  void sameSeedSameSplitOtherSeedOtherSplit() {
    LabelledFaces all = unbalanced();
    assertEquals(ids(StratifiedSplit.of(all, 0.2, 7).validation()), ids(StratifiedSplit.of(all, 0.2, 7).validation()));
    assertNotEquals(ids(StratifiedSplit.of(all, 0.2, 7).validation()), ids(StratifiedSplit.of(all, 0.2, 8).validation()));
  }

  private static Set<Integer> ids(LabelledFaces faces) {
    Set<Integer> ids = new HashSet<>();
    for (int i = 0; i < faces.size(); i++) {
      byte[] p = faces.image(i).pixels();
      ids.add((p[0] & 0xff) | (p[1] & 0xff) << 8);
    }
    return ids;
  }
}
