package dev.sieve.decoding.speculative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The auto mode's choices, fed with given costs and acceptances (no timing). */
class SpeculationTunerTest {
  /** Runs the tuner for {@code forwards} forwards against a model of cost and acceptance; counts the choices. */
  private static Map<Integer, Integer> run(SpeculationTuner t, int forwards, java.util.function.IntToLongFunction costNanos,
      int[] acceptedPath) {
    Map<Integer, Integer> chosen = new HashMap<>();
    for (int i = 0; i < forwards; i++) {
      int size = t.choose();
      chosen.merge(size, 1, Integer::sum);
      t.recordCost(size, costNanos.applyAsLong(size));
      if (size > 1) {
        t.recordAcceptance(size, acceptedPath, acceptedPath.length);
      }
    }
    return chosen;
  }

  @Test
  void sizesStartWithPlainDecodingAndClimbToTheTemplate() {
    assertArrayEquals(new int[] {1, 4, 8, 16, 32, 48, 64, 80}, SpeculationTuner.forTemplate(80).sizes());
    assertArrayEquals(new int[] {1, 4, 8, 12}, SpeculationTuner.forTemplate(12).sizes());
  }

  @Test
  void whenTreesCostMoreThanTheyYieldItDecodesPlainly() {
    SpeculationTuner t = SpeculationTuner.forTemplate(80);
    // every tree accepts nothing; cost grows with size
    Map<Integer, Integer> chosen = run(t, 400, s -> 1_000_000L + 50_000L * s, new int[0]);
    assertEquals(1, t.bestSize());
    assertTrue(chosen.get(1) > 300, "mostly plain: " + chosen);
  }

  @Test
  void itPicksTheSizeWithTheMostTokensPerSecond() {
    SpeculationTuner t = SpeculationTuner.forTemplate(80);
    // the path accepted runs through template nodes 1, 5, 9, 40: 16 nodes yield 4 tokens, 48 and up yield 5
    int[] path = {1, 5, 9, 40};
    Map<Integer, Integer> chosen = run(t, 400, s -> 1_000_000L + 40_000L * s, path);
    assertEquals(4.0, t.acceptedPerForward(16), 1e-9);
    assertEquals(5.0, t.acceptedPerForward(48), 1e-9);
    assertEquals(3.0, t.acceptedPerForward(8), 1e-9);
    // tokens per ms: 4 -> 2 / 1.16 = 1.72; 8 -> 3 / 1.32 = 2.27; 16 -> 4 / 1.64 = 2.44; 48 -> 5 / 2.92 = 1.71; plain 1 / 1.04
    assertEquals(16, t.bestSize());
    assertTrue(chosen.get(16) > 300, chosen.toString());
    t.reset();
    assertTrue(Double.isNaN(t.forwardNanos(16)));
  }
}
