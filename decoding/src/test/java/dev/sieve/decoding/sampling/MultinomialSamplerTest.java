package dev.sieve.decoding.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultinomialSamplerTest {
  private static final float NEG = Float.NEGATIVE_INFINITY;

  private static float[] randomLogits(long seed, int n) {
    Random random = new Random(seed);
    float[] logits = new float[n];
    for (int i = 0; i < n; i++) {
      logits[i] = (float) random.nextGaussian() * 2;
    }
    return logits;
  }

  private static int[] draw(Sampler s, float[] logits, int count) {
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = s.sample(logits);
    }
    return out;
  }

  @Test
  void theSameSeedGivesTheSameSequence() {
    float[] logits = randomLogits(3, 1000);
    assertArrayEquals(draw(new MultinomialSampler(42), logits, 500), draw(new MultinomialSampler(42), logits, 500));
  }

  @Test
  void differentSeedsGiveDifferentSequences() {
    float[] logits = randomLogits(3, 1000);
    assertFalse(Arrays.equals(draw(new MultinomialSampler(1), logits, 100), draw(new MultinomialSampler(2), logits, 100)));
  }

  @Test
  void aForkDrawsExactlyWhatTheOriginalWould() {
    float[] logits = randomLogits(5, 300);
    MultinomialSampler s = new MultinomialSampler(9);
    draw(s, logits, 17);
    Sampler fork = s.fork();
    assertArrayEquals(draw(s, logits, 200), draw(fork, logits, 200));
  }

  @Test
  void theStreamIsTheSeededSplitMix64() {
    // with two equally likely tokens, the draw is token 0 exactly when the uniform is below one half
    float[] logits = {0f, 0f};
    MultinomialSampler s = new MultinomialSampler(77);
    SplitMix64 r = new SplitMix64(77);
    for (int i = 0; i < 1000; i++) {
      assertEquals(r.nextDouble() < 0.5 ? 0 : 1, s.sample(logits));
    }
  }

  @Test
  void frequenciesMatchTheSoftmax() {
    float[] logits = {1.0f, 0.2f, -0.5f, 2.0f, NEG, 0.0f, -1.5f, 1.2f};
    double max = 2.0;
    double[] p = new double[logits.length];
    double z = 0;
    for (int i = 0; i < logits.length; i++) {
      p[i] = logits[i] == NEG ? 0 : Math.exp(logits[i] - max);
      z += p[i];
    }
    int draws = 200_000;
    int[] counts = new int[logits.length];
    MultinomialSampler s = new MultinomialSampler(2026);
    for (int i = 0; i < draws; i++) {
      counts[s.sample(logits)]++;
    }
    double chi2 = 0;
    int cells = 0;
    for (int i = 0; i < logits.length; i++) {
      if (p[i] == 0) {
        assertEquals(0, counts[i], "a removed token was drawn");
        continue;
      }
      double expected = draws * p[i] / z;
      chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
      cells++;
    }
    // 6 degrees of freedom: the 0.999 quantile of chi-square is 22.46
    assertEquals(7, cells);
    assertTrue(chi2 < 22.46, "chi-square " + chi2 + " for counts " + Arrays.toString(counts));
  }

  @Test
  void negativeInfinityIsNeverChosen() {
    Random random = new Random(11);
    MultinomialSampler s = new MultinomialSampler(11);
    for (int trial = 0; trial < 2000; trial++) {
      float[] logits = new float[50];
      for (int i = 0; i < logits.length; i++) {
        logits[i] = random.nextInt(3) == 0 ? (float) random.nextGaussian() * 5 : NEG;
      }
      logits[random.nextInt(logits.length)] = -80f; // at least one finite, possibly tiny
      int token = s.sample(logits);
      assertNotEquals(NEG, logits[token], "trial " + trial);
    }
  }

  @Test
  void onALargeVocabularyOnlyTheFewAllowedTokensAreDrawnInProportion() {
    // two allowed tokens far apart in a 200019-id vocabulary; probabilities 0.25 and 0.75
    float[] logits = new float[200_019];
    java.util.Arrays.fill(logits, NEG);
    logits[70] = 0f;
    logits[199_999] = (float) Math.log(3);
    MultinomialSampler s = new MultinomialSampler(8);
    int high = 0;
    int draws = 4_000;
    for (int i = 0; i < draws; i++) {
      int t = s.sample(logits);
      assertTrue(t == 70 || t == 199_999, "drew " + t);
      high += t == 199_999 ? 1 : 0;
    }
    // binomial standard deviation is about 61 draws; allow five
    assertEquals(0.75 * draws, high, 5 * Math.sqrt(draws * 0.75 * 0.25));
  }

  @Test
  void aNaNLogitIsAClearError() {
    float[] logits = {0f, Float.NaN, 1f};
    assertThrows(IllegalArgumentException.class, () -> new MultinomialSampler(0).sample(logits));
  }

  @Test
  void aSingleAllowedTokenIsAlwaysChosen() {
    float[] logits = {NEG, NEG, -1000f, NEG};
    MultinomialSampler s = new MultinomialSampler(0);
    for (int i = 0; i < 100; i++) {
      assertEquals(2, s.sample(logits));
    }
  }

  @Test
  void nothingAllowedIsAClearError() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new MultinomialSampler(0).sample(new float[] {NEG, NEG}));
    assertTrue(e.getMessage().contains("no token"), e.getMessage());
  }

  @Test
  void greedyPicksTheHighestAndTheLowestIdOnTies() {
    GreedySampler g = new GreedySampler();
    assertEquals(2, g.sample(new float[] {1f, 2f, 3f, NEG}));
    assertEquals(1, g.sample(new float[] {1f, 3f, 3f, NEG}));
    assertThrows(IllegalStateException.class, () -> g.sample(new float[] {NEG}));
  }
}
