package dev.sieve.decoding.logits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenMaskTest {
  @Test
  void applyLeavesExactlyTheAllowedLogitsAndBlocksPaddingIds() {
    Random random = new Random(7);
    for (int size : new int[] {1, 63, 64, 65, 130, 8192, 8200}) {
      for (double density : new double[] {0.0, 0.02, 0.5, 0.98, 1.0}) {
        TokenMask mask = new TokenMask(size);
        for (int id = 0; id < size; id++) {
          if (random.nextDouble() < density) {
            mask.allow(id);
          }
        }
        int padded = size + random.nextInt(3) * 17; // models may have more logits than vocabulary ids
        float[] logits = new float[padded];
        for (int i = 0; i < padded; i++) {
          logits[i] = (float) random.nextGaussian();
        }
        float[] before = logits.clone();
        mask.apply(logits);
        for (int id = 0; id < padded; id++) {
          float expected = id < size && mask.isAllowed(id) ? before[id] : Float.NEGATIVE_INFINITY;
          assertEquals(expected, logits[id], "size " + size + ", density " + density + ", id " + id);
        }
      }
    }
  }

  @Test
  void allowAllSetsOnlyIdsInsideTheVocabulary() {
    TokenMask mask = new TokenMask(70);
    mask.allowAll();
    assertEquals(70, mask.cardinality());
    mask.forbid(3);
    assertEquals(69, mask.cardinality());
    mask.clear();
    assertEquals(0, mask.cardinality());
  }
}
