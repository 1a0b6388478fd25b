package dev.sieve.decoding.logits;

import static dev.sieve.decoding.logits.Logits.NEG;
import static dev.sieve.decoding.logits.Logits.assertLogits;
import static dev.sieve.decoding.logits.Logits.history;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogitsProcessorsTest {
  private static List<Class<?>> kinds(LogitsProcessorChain chain) {
    return chain.processors().stream().<Class<?>>map(Object::getClass).toList();
  }

  @Test
  void defaultsGiveAnEmptyChain() {
    assertTrue(LogitsProcessors.defaultChain(SamplingSettings.DEFAULTS, 0).isEmpty());
  }

  @Test
  void penaltiesComeBeforeWarpersInTransformersOrder() {
    SamplingSettings s = SamplingSettings.DEFAULTS
        .withMinP(0.05).withTopP(0.95).withTopK(50).withTemperature(0.7)
        .withRepetitionPenalty(1.1).withFrequencyPenalty(0.2).withPresencePenalty(0.3)
        .withLogitBias(Map.of(1, 1f)).withBannedTokens(List.of(2)).withMinNewTokens(3);
    assertEquals(
        List.of(RepetitionPenaltyProcessor.class, FrequencyPenaltyProcessor.class, PresencePenaltyProcessor.class,
            LogitBiasProcessor.class, BannedTokensProcessor.class, MinNewTokensProcessor.class,
            TemperatureProcessor.class, TopKProcessor.class, TopPProcessor.class, MinPProcessor.class),
        kinds(LogitsProcessors.defaultChain(s, 0)));
  }

  @Test
  void greedyLeavesOutTheWarpers() {
    SamplingSettings s = SamplingSettings.DEFAULTS.withTemperature(0).withTopK(5).withTopP(0.5).withRepetitionPenalty(1.3);
    assertEquals(List.of(RepetitionPenaltyProcessor.class), kinds(LogitsProcessors.defaultChain(s, 0)));
  }

  @Test
  void theDefaultChainComputesWhatItsPartsDo() {
    // repetition 2 on seen token 0: 4 -> 2; temperature 0.5 doubles; top-k 2 keeps the two highest
    SamplingSettings s = SamplingSettings.DEFAULTS.withRepetitionPenalty(2).withTemperature(0.5).withTopK(2);
    float[] logits = {4f, 3f, 1f, 2.5f};
    LogitsProcessors.defaultChain(s).process(history(new int[] {0}), logits);
    assertLogits(new float[] {NEG, 6f, NEG, 5f}, logits);
  }

  @Test
  void invalidSettingsAreRejectedWithTheirName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SamplingSettings.DEFAULTS.withTopP(0));
    assertTrue(e.getMessage().contains("top-p"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SamplingSettings.DEFAULTS.withTemperature(-1));
    assertThrows(IllegalArgumentException.class, () -> SamplingSettings.DEFAULTS.withTopK(-1));
    assertThrows(IllegalArgumentException.class, () -> SamplingSettings.DEFAULTS.withMinP(2));
    assertThrows(IllegalArgumentException.class, () -> SamplingSettings.DEFAULTS.withRepetitionPenalty(0));
  }
}
