package dev.sieve.decoding.logits;

import static dev.sieve.decoding.logits.Logits.assertLogits;
import static dev.sieve.decoding.logits.Logits.history;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Repetition (transformers, CTRL), frequency and presence (OpenAI) penalties. */
class PenaltyProcessorsTest {
  @Test
  void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenTokens() {
    // prompt [0], generated [1, 1]: tokens 0 and 1 seen; 2 and 3 not
    float[] logits = {2f, -2f, 1f, 0.5f};
    new RepetitionPenaltyProcessor(2f).process(history(new int[] {0}, 1, 1), logits);
    assertLogits(new float[] {1f, -4f, 1f, 0.5f}, logits);
  }

  @Test
  void repetitionPenaltyAppliesOncePerDistinctToken() {
    float[] logits = {3f, 0f};
    new RepetitionPenaltyProcessor(1.5f).process(history(new int[] {0, 0, 0}, 0, 0), logits);
    assertLogits(new float[] {2f, 0f}, logits);
  }

  @Test
  void repetitionPenaltyBelowOneEncourages() {
    float[] logits = {2f, -2f};
    new RepetitionPenaltyProcessor(0.5f).process(history(new int[] {0, 1}), logits);
    assertLogits(new float[] {4f, -1f}, logits);
  }

  @Test
  void repetitionPenaltyIsRepeatableStepAfterStep() {
    // the scratch marks are cleared after each step: the next call penalizes again from fresh logits
    RepetitionPenaltyProcessor p = new RepetitionPenaltyProcessor(2f);
    TokenHistory h = history(new int[] {1});
    for (int step = 0; step < 3; step++) {
      float[] logits = {4f, 4f, 4f};
      p.process(h, logits);
      float[] expected = {4f, 2f, 4f};
      if (step >= 1) {
        expected[2] = 2f;
      }
      if (step >= 2) {
        expected[0] = 2f;
      }
      assertLogits(expected, logits);
      h.append(step == 0 ? 2 : 0);
    }
  }

  @Test
  void frequencyPenaltySubtractsCountTimesPenaltyOverGeneratedTokensOnly() {
    // prompt [2] does not count; generated 0, 0, 1
    float[] logits = {1f, 1f, 1f};
    new FrequencyPenaltyProcessor(0.5f).process(history(new int[] {2}, 0, 0, 1), logits);
    assertLogits(new float[] {0f, 0.5f, 1f}, logits);
  }

  @Test
  void frequencyPenaltyCountsAreFreshEveryStep() {
    FrequencyPenaltyProcessor p = new FrequencyPenaltyProcessor(1f);
    TokenHistory h = history(new int[0], 0);
    float[] first = {5f, 5f};
    p.process(h, first);
    assertLogits(new float[] {4f, 5f}, first);
    h.append(0);
    float[] second = {5f, 5f};
    p.process(h, second);
    assertLogits(new float[] {3f, 5f}, second);
  }

  @Test
  void presencePenaltySubtractsOnceForEveryGeneratedToken() {
    float[] logits = {1f, 1f, 1f};
    new PresencePenaltyProcessor(0.5f).process(history(new int[] {2}, 0, 0, 1), logits);
    assertLogits(new float[] {0.5f, 0.5f, 1f}, logits);
  }

  @Test
  void negativePenaltiesEncourage() {
    float[] logits = {1f, 1f};
    new FrequencyPenaltyProcessor(-1f).process(history(new int[0], 1, 1), logits);
    new PresencePenaltyProcessor(-0.5f).process(history(new int[0], 1, 1), logits);
    assertLogits(new float[] {1f, 3.5f}, logits);
  }

  @Test
  void invalidPenaltiesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new RepetitionPenaltyProcessor(0f));
    assertThrows(IllegalArgumentException.class, () -> new RepetitionPenaltyProcessor(-1f));
    assertThrows(IllegalArgumentException.class, () -> new FrequencyPenaltyProcessor(Float.NaN));
    assertThrows(IllegalArgumentException.class, () -> new PresencePenaltyProcessor(Float.POSITIVE_INFINITY));
  }
}
