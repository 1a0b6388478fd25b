package dev.sieve.decoding.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SplitMix64Test {
  @Test
  void matchesThePublishedReferenceStreamForSeedZero() {
    // the first outputs of the reference splitmix64.c seeded with 0
    SplitMix64 r = new SplitMix64(0);
    assertEquals(0xE220A8397B1DCDAFL, r.nextLong());
    assertEquals(0x6E789E6AA1B965F4L, r.nextLong());
    assertEquals(0x06C45D188009454FL, r.nextLong());
  }

  @Test
  void copyContinuesTheSameStream() {
    SplitMix64 r = new SplitMix64(12345);
    r.nextLong();
    SplitMix64 c = r.copy();
    for (int i = 0; i < 100; i++) {
      assertEquals(r.nextLong(), c.nextLong());
    }
  }

  @Test
  void doublesAreInTheUnitInterval() {
    SplitMix64 r = new SplitMix64(1);
    double sum = 0;
    for (int i = 0; i < 100_000; i++) {
      double d = r.nextDouble();
      assertTrue(d >= 0 && d < 1, "draw " + d);
      sum += d;
    }
    assertEquals(0.5, sum / 100_000, 0.01);
  }
}
