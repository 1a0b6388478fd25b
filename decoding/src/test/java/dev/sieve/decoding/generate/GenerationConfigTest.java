package dev.sieve.decoding.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.model.TestModels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GenerationConfigTest {
  @Test
  void defaultsAreTheTransformersDefaults() {
    GenerationConfig c = GenerationConfig.defaults();
    assertFalse(c.doSample());
    assertEquals(1.0, c.temperature());
    assertEquals(50, c.topK());
    assertEquals(1.0, c.topP());
    assertEquals(1.0, c.repetitionPenalty());
    assertNull(c.eosTokenIds());
    assertTrue(c.seed().isEmpty());
    assertTrue(c.stopStrings().isEmpty());
  }

  @Test
  void readsTheBundledGenerationConfig() {
    GenerationConfig c = GenerationConfig.fromGenerationConfig(TestModels.bundled().generationConfig());
    assertEquals(128, c.maxNewTokens());
    assertArrayEquals(new int[] {4, 0}, c.eosTokenIds());
    assertTrue(c.doSample());
    assertEquals(0.7, c.temperature(), 1e-9);
    assertEquals(40, c.topK());
    assertEquals(0.95, c.topP(), 1e-9);
  }

  @Test
  void readsSingleEosIdsAndIgnoresUnknownKeys() {
    GenerationConfig c = GenerationConfig.fromGenerationConfig(Map.of("eos_token_id", 2, "num_beams", 4, "min_p", 0.1));
    assertArrayEquals(new int[] {2}, c.eosTokenIds());
    assertEquals(0.1, c.minP(), 1e-9);
  }

  @Test
  void toBuilderKeepsEverything() {
    GenerationConfig c = GenerationConfig.builder().maxNewTokens(9).minNewTokens(2).doSample(true).temperature(0.5)
        .topK(3).topP(0.8).minP(0.05).repetitionPenalty(1.2).frequencyPenalty(0.1).presencePenalty(0.2)
        .stopStrings(List.of("x")).seed(42).logprobs(4).eosTokenIds(1, 2).build();
    assertEquals(c.toString(), c.toBuilder().build().toString());
  }

  @Test
  void badValuesFailAtOnce() {
    assertThrows(IllegalArgumentException.class, () -> GenerationConfig.builder().temperature(0));
    assertThrows(IllegalArgumentException.class, () -> GenerationConfig.builder().topP(0));
    assertThrows(IllegalArgumentException.class, () -> GenerationConfig.builder().topK(-1));
    assertThrows(IllegalArgumentException.class, () -> GenerationConfig.builder().maxNewTokens(-1));
    assertThrows(IllegalArgumentException.class, () -> GenerationConfig.builder().addStopString(""));
    assertThrows(IllegalArgumentException.class, () -> GenerationConfig.builder().maxNewTokens(2).minNewTokens(3).build());
  }
}
