package dev.sieve.decoding.logits;

import static dev.sieve.decoding.logits.Logits.NEG;
import static dev.sieve.decoding.logits.Logits.assertLogits;
import static dev.sieve.decoding.logits.Logits.empty;
import static dev.sieve.decoding.logits.Logits.ln;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopPProcessorTest {
  // probabilities 0.05, 0.5, 0.15, 0.3 (ids 0..3); in descending order: 0.5 (id 1), 0.3 (id 3), 0.15 (id 2), 0.05 (id 0)
  private static float[] fourTokens() {
    return new float[] {ln(0.05), ln(0.5), ln(0.15), ln(0.3)};
  }

  @Test
  void keepsTokensUntilTheMassReachesP() {
    // 0.5 < 0.7 so 0.3 stays; 0.8 >= 0.7 so 0.15 and 0.05 go
    float[] logits = fourTokens();
    new TopPProcessor(0.7).process(empty(), logits);
    assertLogits(new float[] {NEG, ln(0.5), NEG, ln(0.3)}, logits);
  }

  @Test
  void theTokenThatCrossesPStays() {
    // mass above 0.15 is 0.8 < 0.9: it stays; mass above 0.05 is 0.95: it goes
    float[] logits = fourTokens();
    new TopPProcessor(0.9).process(empty(), logits);
    assertLogits(new float[] {NEG, ln(0.5), ln(0.15), ln(0.3)}, logits);
  }

  @Test
  void smallPKeepsOnlyTheMostLikelyToken() {
    float[] logits = fourTokens();
    new TopPProcessor(0.3).process(empty(), logits);
    assertLogits(new float[] {NEG, ln(0.5), NEG, NEG}, logits);
  }

  @Test
  void minTokensToKeepOverridesTheNucleus() {
    float[] logits = fourTokens();
    new TopPProcessor(0.3, 3).process(empty(), logits);
    assertLogits(new float[] {NEG, ln(0.5), ln(0.15), ln(0.3)}, logits);
  }

  @Test
  void unnormalizedLogitsGiveTheSameCut() {
    float[] logits = fourTokens();
    for (int i = 0; i < logits.length; i++) {
      logits[i] += 7.25f;
    }
    new TopPProcessor(0.7).process(empty(), logits);
    assertLogits(new float[] {NEG, ln(0.5) + 7.25f, NEG, ln(0.3) + 7.25f}, logits);
  }

  @Test
  void pOfOneChangesNothing() {
    float[] logits = fourTokens();
    new TopPProcessor(1.0).process(empty(), logits);
    assertLogits(fourTokens(), logits);
  }

  @Test
  void removedTokensCarryNoMass() {
    // after top-k, only ids 1 and 3 remain: renormalized 0.625 and 0.375; p = 0.6 keeps only id 1
    float[] logits = {NEG, ln(0.5), NEG, ln(0.3)};
    new TopPProcessor(0.6).process(empty(), logits);
    assertLogits(new float[] {NEG, ln(0.5), NEG, NEG}, logits);
  }

  @Test
  void matchesASortingReferenceOnRandomLogits() {
    Random random = new Random(424242L);
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + random.nextInt(trial < 200 ? 200 : 20_000);
      double p = random.nextDouble();
      int minKeep = 1 + (trial % 5 == 0 ? random.nextInt(10) : 0);
      float[] logits = new float[n];
      for (int i = 0; i < n; i++) {
        logits[i] = random.nextInt(8) == 0 ? NEG : (float) (random.nextGaussian() * (1 + trial % 4));
      }
      float[] expected = reference(logits, p, minKeep);
      new TopPProcessor(p, minKeep).process(empty(), logits);
      assertArrayEquals(expected, logits, "trial " + trial + " n=" + n + " p=" + p);
    }
  }

  @Test
  void outOfRangePIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new TopPProcessor(-0.1));
    assertThrows(IllegalArgumentException.class, () -> new TopPProcessor(1.5));
    assertThrows(IllegalArgumentException.class, () -> new TopPProcessor(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new TopPProcessor(0.5, 0));
  }

  /** transformers' formulation: sort ascending, cumulative softmax, remove where cumulative <= 1 - p. */
  private static float[] reference(float[] logits, double p, int minKeep) {
    int n = logits.length;
    // ascending by logit; among ties the higher id counts as less probable
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> logits[i]).thenComparing(i -> -i));
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double total = 0;
    for (float v : logits) {
      total += v == NEG ? 0 : StrictMath.exp(v - max);
    }
    float[] out = logits.clone();
    double cumulative = 0;
    for (int r = 0; r < n; r++) {
      int id = order[r];
      double w = logits[id] == NEG ? 0 : StrictMath.exp(logits[id] - max);
      cumulative += w;
      // cumulative (ascending, this token included) <= (1 - p): the mass ranked above it reaches p
      boolean remove = (total - cumulative) >= p * total && r < n - minKeep;
      if (remove) {
        out[id] = NEG;
      }
    }
    return out;
  }
}
