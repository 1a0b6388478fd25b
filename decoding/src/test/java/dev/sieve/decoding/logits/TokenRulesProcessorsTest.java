package dev.sieve.decoding.logits;

import static dev.sieve.decoding.logits.Logits.NEG;
import static dev.sieve.decoding.logits.Logits.assertLogits;
import static dev.sieve.decoding.logits.Logits.empty;
import static dev.sieve.decoding.logits.Logits.history;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Logit bias, banned tokens and minimum new tokens. */
class TokenRulesProcessorsTest {
  @Test
  void logitBiasAddsToTheChosenTokens() {
    float[] logits = {1f, 1f, 1f};
    new LogitBiasProcessor(Map.of(0, 2.5f, 2, -1f)).process(empty(), logits);
    assertLogits(new float[] {3.5f, 1f, 0f}, logits);
  }

  @Test
  void aBiasOfNegativeInfinityBans() {
    float[] logits = {1f, 1f};
    new LogitBiasProcessor(Map.of(1, NEG)).process(empty(), logits);
    assertLogits(new float[] {1f, NEG}, logits);
  }

  @Test
  void aBiasOutsideTheVocabularyIsAClearError() {
    LogitBiasProcessor p = new LogitBiasProcessor(Map.of(7, 1f));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.process(empty(), new float[3]));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("token id 7"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new LogitBiasProcessor(Map.of(-1, 1f)));
    assertThrows(IllegalArgumentException.class, () -> new LogitBiasProcessor(Map.of(1, Float.NaN)));
  }

  @Test
  void bannedTokensBecomeNegativeInfinity() {
    float[] logits = {1f, 2f, 3f, 4f};
    new BannedTokensProcessor(3, 1, 3).process(empty(), logits);
    assertLogits(new float[] {1f, NEG, 3f, NEG}, logits);
  }

  @Test
  void endOfSequenceIsBlockedUntilEnoughNewTokens() {
    MinNewTokensProcessor p = new MinNewTokensProcessor(2, 3, 4);
    float[] none = {1f, 1f, 1f, 1f, 1f};
    p.process(history(new int[] {0, 1, 2}), none);
    assertLogits(new float[] {1f, 1f, 1f, NEG, NEG}, none);
    float[] one = {1f, 1f, 1f, 1f, 1f};
    p.process(history(new int[] {0, 1, 2}, 1), one);
    assertLogits(new float[] {1f, 1f, 1f, NEG, NEG}, one);
    float[] two = {1f, 1f, 1f, 1f, 1f};
    p.process(history(new int[] {0, 1, 2}, 1, 0), two);
    assertLogits(new float[] {1f, 1f, 1f, 1f, 1f}, two);
  }

  @Test
  void minNewTokensNeedsEndOfSequenceIds() {
    assertThrows(IllegalArgumentException.class, () -> new MinNewTokensProcessor(3));
    assertThrows(IllegalArgumentException.class, () -> new MinNewTokensProcessor(-1, 0));
  }
}
