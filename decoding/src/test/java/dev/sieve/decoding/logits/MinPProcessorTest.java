package dev.sieve.decoding.logits;

import static dev.sieve.decoding.logits.Logits.NEG;
import static dev.sieve.decoding.logits.Logits.assertLogits;
import static dev.sieve.decoding.logits.Logits.empty;
import static dev.sieve.decoding.logits.Logits.ln;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MinPProcessorTest {
  // probabilities 0.1, 0.6, 0.05, 0.25
  private static float[] fourTokens() {
    return new float[] {ln(0.1), ln(0.6), ln(0.05), ln(0.25)};
  }

  @Test
  void removesTokensBelowMinPTimesTheTopProbability() {
    // 0.2 * 0.6 = 0.12: 0.25 stays, 0.1 and 0.05 go
    float[] logits = fourTokens();
    new MinPProcessor(0.2).process(empty(), logits);
    assertLogits(new float[] {NEG, ln(0.6), NEG, ln(0.25)}, logits);
  }

  @Test
  void aLowerMinPKeepsMore() {
    // 0.1 * 0.6 = 0.06: only 0.05 goes
    float[] logits = fourTokens();
    new MinPProcessor(0.1).process(empty(), logits);
    assertLogits(new float[] {ln(0.1), ln(0.6), NEG, ln(0.25)}, logits);
  }

  @Test
  void minTokensToKeepOverridesTheCut() {
    float[] logits = fourTokens();
    new MinPProcessor(0.9, 3).process(empty(), logits);
    assertLogits(new float[] {ln(0.1), ln(0.6), NEG, ln(0.25)}, logits);
  }

  @Test
  void theThresholdIsRelativeSoShiftsDoNotMatter() {
    float[] logits = fourTokens();
    for (int i = 0; i < logits.length; i++) {
      logits[i] -= 30f;
    }
    new MinPProcessor(0.2).process(empty(), logits);
    assertLogits(new float[] {NEG, ln(0.6) - 30f, NEG, ln(0.25) - 30f}, logits);
  }

  @Test
  void matchesTheProbabilityFormulationOnRandomLogits() {
    Random random = new Random(99L);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + random.nextInt(500);
      double minP = random.nextDouble() * 0.5;
      float[] logits = new float[n];
      for (int i = 0; i < n; i++) {
        logits[i] = random.nextInt(6) == 0 ? NEG : (float) (random.nextGaussian() * 3);
      }
      float max = NEG;
      for (float v : logits) {
        max = Math.max(max, v);
      }
      float[] expected = logits.clone();
      for (int i = 0; i < n; i++) {
        // probs[i] / maxProb = exp(logit - max)
        if (logits[i] != NEG && Math.exp(logits[i] - max) < minP) {
          expected[i] = NEG;
        }
      }
      new MinPProcessor(minP).process(empty(), logits);
      assertArrayEquals(expected, logits, "trial " + trial);
    }
  }

  @Test
  void outOfRangeIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new MinPProcessor(-0.1));
    assertThrows(IllegalArgumentException.class, () -> new MinPProcessor(1.1));
  }
}
