package dev.sieve.decoding.logits;

import static dev.sieve.decoding.logits.Logits.NEG;
import static dev.sieve.decoding.logits.Logits.assertLogits;
import static dev.sieve.decoding.logits.Logits.empty;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TopKProcessorTest {
  @Test
  void keepsTheKHighest() {
    float[] logits = {1f, 3f, 2f, 5f, 4f};
    new TopKProcessor(2).process(empty(), logits);
    assertLogits(new float[] {NEG, NEG, NEG, 5f, 4f}, logits);
  }

  @Test
  void tokensTiedWithTheKthValueAllStay() {
    // transformers removes only scores strictly below the k-th value
    float[] logits = {3f, 1f, 3f, 2f};
    new TopKProcessor(1).process(empty(), logits);
    assertLogits(new float[] {3f, NEG, 3f, NEG}, logits);
  }

  @Test
  void minTokensToKeepRaisesK() {
    float[] logits = {1f, 3f, 2f, 5f, 4f};
    new TopKProcessor(1, 3).process(empty(), logits);
    assertLogits(new float[] {NEG, 3f, NEG, 5f, 4f}, logits);
  }

  @Test
  void kAtLeastTheVocabularyChangesNothing() {
    float[] logits = {1f, 3f, 2f};
    new TopKProcessor(3).process(empty(), logits);
    assertLogits(new float[] {1f, 3f, 2f}, logits);
    new TopKProcessor(50).process(empty(), logits);
    assertLogits(new float[] {1f, 3f, 2f}, logits);
  }

  @Test
  void alreadyRemovedTokensStayRemoved() {
    float[] logits = {NEG, 1f, NEG, 2f};
    new TopKProcessor(3).process(empty(), logits);
    assertLogits(new float[] {NEG, 1f, NEG, 2f}, logits);
  }

  @Test
  void matchesASortingReferenceOnRandomLogits() {
    Random random = new Random(20261202L);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + random.nextInt(trial < 150 ? 300 : 5000);
      int k = 1 + random.nextInt(trial % 3 == 0 ? n + 5 : Math.max(1, Math.min(n, 2000)));
      float[] logits = new float[n];
      for (int i = 0; i < n; i++) {
        // coarse values produce many ties; some tokens are already removed
        logits[i] = random.nextInt(10) == 0 ? NEG : (trial % 2 == 0 ? random.nextInt(20) : (float) random.nextGaussian() * 4);
      }
      float[] expected = reference(logits, k);
      TopKProcessor p = new TopKProcessor(k);
      p.process(empty(), logits);
      assertArrayEquals(expected, logits, "trial " + trial + " n=" + n + " k=" + k);
    }
  }

  @Test
  void largeKUsesSelectionOnACopyWithTheSameResult() {
    Random random = new Random(7);
    float[] logits = new float[20_000];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) random.nextGaussian();
    }
    float[] expected = reference(logits, 5_000);
    new TopKProcessor(5_000).process(empty(), logits);
    assertArrayEquals(expected, logits);
  }

  @Test
  void smallKOnALargeVocabularyReadsOnlyTheBlocksThatCanHoldTheAnswer() {
    Random random = new Random(50257);
    for (int k : new int[] {1, 2, 5, 50, 100, 700}) {
      for (int shape = 0; shape < 3; shape++) {
        float[] logits = new float[50_257];
        for (int i = 0; i < logits.length; i++) {
          logits[i] = switch (shape) {
            case 0 -> (float) random.nextGaussian() * 3;
            case 1 -> random.nextInt(50); // heavy ties
            default -> i % 640 < 64 ? (float) random.nextGaussian() : NEG; // whole blocks already removed
          };
        }
        float[] expected = reference(logits, k);
        new TopKProcessor(k).process(empty(), logits);
        assertArrayEquals(expected, logits, "k=" + k + " shape " + shape);
      }
    }
  }

  @Test
  void forkHasItsOwnScratch() {
    TopKProcessor p = new TopKProcessor(5);
    assertNotSame(p, p.fork());
  }

  @Test
  void nonPositiveKIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new TopKProcessor(0));
    assertThrows(IllegalArgumentException.class, () -> new TopKProcessor(-3));
  }

  private static float[] reference(float[] logits, int k) {
    float[] sorted = logits.clone();
    Arrays.sort(sorted);
    int effective = Math.min(k, logits.length);
    float threshold = sorted[logits.length - effective];
    float[] out = logits.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] < threshold) {
        out[i] = NEG;
      }
    }
    return out;
  }

  /**
   * A processor reused across steps starts its selection from a floor learned on the step before; the
   * result must be exactly that of a fresh processor, whether the next logits look like the last ones
   * (the floor fits), are shifted or rescaled (too few or too many values reach it), or hold ties at the
   * k-th value and removed tokens. Seeded, repeatable.
   */
  @Test
  void aFloorLearnedOnEarlierStepsNeverChangesTheResult() {
    Random rnd = new Random(20261206L);
    for (int k : new int[] {1, 5, 40, 200}) {
      TopKProcessor reused = new TopKProcessor(k);
      float[] base = new float[8192];
      for (int i = 0; i < base.length; i++) {
        base[i] = (float) (rnd.nextGaussian() * 3);
      }
      for (int step = 0; step < 300; step++) {
        float[] logits = base.clone();
        int kind = rnd.nextInt(6);
        for (int i = 0; i < logits.length; i++) {
          switch (kind) {
            case 0 -> logits[i] += (float) (rnd.nextGaussian() * 0.05); // much like the last step
            case 1 -> logits[i] += 7f; // shifted up: many values reach the floor
            case 2 -> logits[i] -= 7f; // shifted down: too few reach it
            case 3 -> logits[i] *= 0.01f; // squeezed: nearly all tie closely
            case 4 -> logits[i] = Math.round(logits[i]); // many exact ties, at the k-th value too
            default -> logits[i] = rnd.nextInt(10) == 0 ? Float.NEGATIVE_INFINITY : logits[i]; // removed tokens
          }
        }
        float[] expected = logits.clone();
        new TopKProcessor(k).process(null, expected);
        float[] actual = logits.clone();
        reused.process(null, actual);
        assertArrayEquals(expected, actual, "k=" + k + " step " + step + " kind " + kind);
      }
    }
  }
}
