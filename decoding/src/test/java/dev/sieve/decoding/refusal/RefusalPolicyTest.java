package dev.sieve.decoding.refusal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.sampling.SplitMix64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decision rule on rows of logits whose probabilities are computed here directly, over the whole row. */
class RefusalPolicyTest {
  // ids 8 [respond], 9 [refuse:a], 10 [refuse:b] in a vocabulary of 11
  private final RefusalTokens tokens = RefusalTokens.from(Map.of(), RefusalTokensTest.vocabulary("[respond]", "[refuse:a]", "[refuse:b]"), "m");

  private static double[] softmax(float[] logits, double t) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l / t);
    }
    double sum = 0;
    double[] p = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      p[i] = Math.exp(logits[i] / t - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  private float[] row(float respond, float a, float b) {
    float[] l = {0.3f, -1f, 2f, 0.5f, -3f, 1f, 0f, 0.1f, respond, a, b};
    return l;
  }

  private RefusalDecision decide(RefusalPolicy p, float[] logits) {
    return p.decide(FirstTokenLogits.of(logits, tokens, p.temperature()));
  }

  @Test
  void probabilitiesAreTheWholeVocabularysSoftmaxAtTheTemperature() {
    SplitMix64 rnd = new SplitMix64(11);
    for (int trial = 0; trial < 50; trial++) {
      float[] l = new float[11];
      for (int i = 0; i < l.length; i++) {
        l[i] = (float) (rnd.nextDouble() * 12 - 6);
      }
      double t = 0.25 + rnd.nextDouble() * 3;
      RefusalDecision d = decide(RefusalPolicy.builder(tokens).temperature(t).build(), l);
      double[] want = softmax(l, t);
      assertEquals(want[8], d.respondProbability(), 1e-9);
      assertEquals(want[9], d.categoryProbability(0), 1e-9);
      assertEquals(want[10], d.categoryProbability(1), 1e-9);
    }
  }

  @Test
  void aThresholdEmitsTheCategoryExactlyWhenItsProbabilityReachesIt() {
    float[] l = row(3f, 2f, -2f);
    double pa = softmax(l, 1)[9];
    // a hair on either side of the probability (computed here in another summation order)
    RefusalDecision at = decide(RefusalPolicy.builder(tokens).threshold("a", pa * (1 - 1e-9)).build(), l);
    assertTrue(at.refused());
    assertEquals("a", at.category());
    assertEquals(pa, at.probability(), 1e-12);
    assertTrue(pa > 0.1 && pa < 0.5, "the row makes a likely but not the most likely token");
    RefusalDecision above = decide(RefusalPolicy.builder(tokens).threshold("a", pa * (1 + 1e-9)).build(), l);
    assertFalse(above.refused());
    assertNull(above.category());
    assertEquals(softmax(l, 1)[8], above.probability(), 1e-12);
  }

  @Test
  void withoutAThresholdACategoryIsEmittedWhenItIsTheMostLikelyToken() {
    RefusalPolicy none = RefusalPolicy.none(tokens);
    assertEquals("b", decide(none, row(1f, 0f, 4f)).category());
    assertFalse(decide(none, row(4f, 0f, 3f)).refused());
    // another ordinary token (id 2, logit 2) beats every first-response token: not a refusal
    assertFalse(decide(none, row(1f, 1.5f, 1.9f)).refused());
  }

  @Test
  void amongCategoriesPassingTheirThresholdsTheMostProbableWins() {
    float[] l = row(5f, 2f, 3f);
    RefusalPolicy both = RefusalPolicy.builder(tokens).threshold("a", 0.001).threshold("b", 0.001).build();
    assertEquals("b", decide(both, l).category());
    // a category left to the model's choice loses nothing to a thresholded one: b is not the argmax here, a passes
    RefusalPolicy onlyA = RefusalPolicy.builder(tokens).threshold("a", 0.001).build();
    assertEquals("a", decide(onlyA, l).category());
    assertEquals("b", decide(onlyA, row(1f, 2f, 6f)).category());
  }

  @Test
  void biasesShiftTheTokensLogitAndDisabledCategoriesNeverWin() {
    float[] l = row(3f, 2f, -2f);
    double base = decide(RefusalPolicy.none(tokens), l).categoryProbability(0);
    RefusalDecision biased = decide(RefusalPolicy.builder(tokens).bias("a", 1.5).build(), l);
    float[] shifted = l.clone();
    shifted[9] += 1.5f;
    assertEquals(softmax(shifted, 1)[9], biased.categoryProbability(0), 1e-6);
    assertTrue(biased.categoryProbability(0) > base);
    assertTrue(biased.refused(), "a is now the most likely token");
    RefusalDecision off = decide(RefusalPolicy.builder(tokens).disable("a").threshold("a", 0.0).build(), row(0f, 9f, 0f));
    assertFalse(off.refused());
    assertEquals(0.0, off.categoryProbability(0));
  }

  @Test
  void onlyAPolicyWithThresholdsForcesTheFirstToken() {
    assertFalse(RefusalPolicy.none(tokens).forcesFirstToken());
    assertFalse(RefusalPolicy.none(tokens).isActive());
    assertFalse(RefusalPolicy.builder(tokens).bias("a", 2).build().forcesFirstToken());
    assertTrue(RefusalPolicy.builder(tokens).bias("a", 2).build().isActive());
    assertTrue(RefusalPolicy.builder(tokens).threshold("b", 0.5).build().forcesFirstToken());
  }

  @Test
  void commandLineSettingsParseAndBadOnesSayWhatIsWrong() {
    RefusalPolicy p = RefusalPolicy.builder(tokens).thresholds(List.of("a=0.25")).biases(List.of("b=-1.5")).build();
    assertEquals(0.25, p.threshold(0));
    assertEquals(-1.5, p.bias(1));
    assertTrue(Double.isNaN(p.threshold(1)));
    var b = RefusalPolicy.builder(tokens);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.thresholds(List.of("a"))).getMessage().contains("--refusal takes CATEGORY=NUMBER"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.thresholds(List.of("a=high"))).getMessage().contains("'high' is not a number"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.thresholds(List.of("a=1.5"))).getMessage().contains("[0, 1]"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.biases(List.of("c=1"))).getMessage().contains("unknown refusal category 'c'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.temperature(0)).getMessage().contains("positive"));
  }

  @Test
  void scoresTakenAtAnotherTemperatureAreRefused() {
    FirstTokenLogits at2 = FirstTokenLogits.of(row(1, 1, 1), tokens, 2.0);
    assertThrows(IllegalArgumentException.class, () -> RefusalPolicy.none(tokens).decide(at2));
  }
}
