package dev.sieve.decoding.logits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

/** Small helpers for the processor tests. */
final class Logits {
  static final float NEG = Float.NEGATIVE_INFINITY;

  private Logits() {}

  static float ln(double p) {
    return (float) Math.log(p);
  }

  static TokenHistory history(int[] prompt, int... generated) {
    TokenHistory h = new TokenHistory(prompt);
    for (int t : generated) {
      h.append(t);
    }
    return h;
  }

  static TokenHistory empty() {
    return new TokenHistory(new int[0]);
  }

  static void assertLogits(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, "length");
    for (int i = 0; i < expected.length; i++) {
      if (Float.isInfinite(expected[i])) {
        assertEquals(expected[i], actual[i], "token " + i + " of " + Arrays.toString(actual));
      } else {
        assertEquals(expected[i], actual[i], 1e-6f, "token " + i + " of " + Arrays.toString(actual));
      }
    }
  }

  static int finiteCount(float[] logits) {
    int c = 0;
    for (float v : logits) {
      if (v != NEG) {
        c++;
      }
    }
    return c;
  }
}
