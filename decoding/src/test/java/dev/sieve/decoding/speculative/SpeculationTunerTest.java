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
    assertTrue(chosen.get(1) > 380, "mostly plain: " + chosen);
    assertEquals(java.util.Set.of(1, 4), chosen.keySet(), "larger trees are never tried when the smallest loses");
  }

  @Test
  void thePlainStepsBookkeepingThinsOutWhilePlainDecodingHolds() {
    SpeculationTuner t = SpeculationTuner.forTemplate(80);
    assertEquals(SpeculationTuner.MIN_PLAIN_SAMPLE, t.plainSampleInterval(), "a new choice: one plain step in 4");
    run(t, 2000, s -> 1_000_000L + 50_000L * s, new int[0]);
    assertEquals(1, t.bestSize());
    assertEquals(SpeculationTuner.MAX_PLAIN_SAMPLE, t.plainSampleInterval(), "plain decoding has held for 2000 forwards");
    // once a tree wins, the interval starts over with the new choice
    run(t, 600, s -> 1_000_000L + 50_000L * s, new int[] {1, 2, 3});
    assertTrue(t.bestSize() > 1, "trees yielding 4 tokens per forward win");
    run(t, 2000, s -> s == 1 ? 1_000_000L : 5_000_000L, new int[0]);
    assertEquals(1, t.bestSize());
    t.reset();
    assertEquals(SpeculationTuner.MIN_PLAIN_SAMPLE, t.plainSampleInterval());
  }

  @Test
  void aTreeMustBeatPlainDecodingByAMarginAndLosersAreRetriedLessAndLessOften() {
    SpeculationTuner t = new SpeculationTuner(8);
    // size 8 yields 2 tokens for 1.95 times the cost: 3% faster, within the margin
    Map<Integer, Integer> chosen = run(t, 2000, s -> s == 1 ? 1_000_000L : 1_950_000L, new int[] {1});
    assertEquals(1, t.bestSize());
    int retries = chosen.get(8) - SpeculationTuner.WARMUP;
    assertTrue(retries <= 8, "re-measured " + retries + " times in 2000 forwards");
  }

  @Test
  void itPicksTheSizeWithTheMostTokensPerSecond() {
    SpeculationTuner t = SpeculationTuner.forTemplate(80);
    // the path accepted runs through template nodes 1, 5, 9, 40: 16 nodes yield 4 tokens, 48 and up yield 5
    int[] path = {1, 5, 9, 40};
    Map<Integer, Integer> chosen = run(t, 400, s -> 1_000_000L + 40_000L * s, path);
    assertEquals(4.0, t.acceptedPerForward(16), 1e-9);
    assertTrue(Double.isNaN(t.acceptedPerForward(48)), "48 is never tried: 32 already loses to 16");
    assertEquals(3.0, t.acceptedPerForward(8), 1e-9);
    // tokens per ms: plain 1 / 1.04; 4 -> 2 / 1.16 = 1.72; 8 -> 3 / 1.32 = 2.27; 16 -> 4 / 1.64 = 2.44; 32 -> 4 / 2.28 = 1.75
    assertEquals(16, t.bestSize());
    assertTrue(chosen.get(16) > 300, chosen.toString());
    assertEquals(java.util.Set.of(1, 4, 8, 16, 32), chosen.keySet(), "it climbs one size past the best and no further");
    t.reset();
    assertTrue(Double.isNaN(t.forwardNanos(16)));
  }

  @Test
  void shadowTreesThatWouldWinBringTheNextReMeasurementForward() {
    SpeculationTuner t = new SpeculationTuner(4);
    // size 4 yields nothing: plain wins, and re-measuring backs off to long intervals
    run(t, 1500, s -> s == 1 ? 1_000_000L : 1_400_000L, new int[0]);
    assertEquals(1, t.bestSize());
    int quiet = run(t, 200, s -> s == 1 ? 1_000_000L : 1_400_000L, new int[0]).getOrDefault(4, 0);
    assertTrue(quiet <= 1, "re-measured " + quiet + " times in 200 forwards");
    // shadows say 4 nodes would now yield 3 tokens per forward (3 / 1.4 beats plain): 4 is tried within
    // the shortest interval, and its real acceptance decides
    t.recordShadowAcceptance(4, new int[] {1, 2}, 2);
    assertEquals(3.0, t.shadowAcceptedPerForward(4), 1e-9);
    assertEquals(1.0, t.acceptedPerForward(4), 1e-9, "the measured acceptance is still what real trees of 4 yielded");
    Map<Integer, Integer> chosen = run(t, SpeculationTuner.MIN_INTERVAL, s -> s == 1 ? 1_000_000L : 1_400_000L, new int[] {1, 2});
    assertTrue(chosen.getOrDefault(4, 0) >= 1, chosen.toString());
    assertTrue(t.acceptedPerForward(4) > 1.0, "the real measurement of 4 nodes took the new yield in: " + t);
    // where the real trees keep losing while shadows keep saying they would win, one wake-up per stretch
    SpeculationTuner u = new SpeculationTuner(4);
    run(u, 1500, s -> s == 1 ? 1_000_000L : 1_400_000L, new int[0]);
    int tried = 0;
    for (int i = 0; i < 200; i++) {
      u.recordShadowAcceptance(4, new int[] {1, 2}, 2);
      tried += run(u, 1, s -> s == 1 ? 1_000_000L : 1_400_000L, new int[0]).getOrDefault(4, 0);
    }
    // one wake-up restarts the backing-off schedule once (after 16, 32, 64 forwards: 3 tries in 200), where
    // waking at every shadow would retry every 16 forwards (12 tries)
    assertTrue(tried <= 4, "re-measured " + tried + " times in 200 forwards");
  }
}
