package dev.sieve.decoding.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GreedySamplerTest {
  private final GreedySampler greedy = new GreedySampler();

  @Test
  void choosesTheHighestScoreAndTheLowestIdOnTies() {
    assertEquals(2, greedy.sample(new float[] {0.5f, 1f, 3f, -2f}));
    assertEquals(1, greedy.sample(new float[] {0f, 3f, 3f, 3f}));
    float ninf = Float.NEGATIVE_INFINITY;
    assertEquals(3, greedy.sample(new float[] {ninf, Float.NaN, ninf, -100f}));
  }

  @Test
  void forkIsItselfAndNothingToChooseFailsClearly() {
    assertSame(greedy, greedy.fork());
    float ninf = Float.NEGATIVE_INFINITY;
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> greedy.sample(new float[] {ninf, ninf}));
    assertEquals(true, e.getMessage().contains("no token"));
  }
}
