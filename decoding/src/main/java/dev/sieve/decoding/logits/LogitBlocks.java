package dev.sieve.decoding.logits;

import java.util.Arrays;

/**
 * Fast walks over logits that are mostly negative infinity, as they are after top-k or a grammar
 * mask: {@link #nextAllowed} jumps over runs of negative infinity with the JDK's vectorized array
 * comparison ({@link Arrays#mismatch(float[], int, int, float[], int, int)}), so a pass that only cares
 * about allowed tokens costs a fraction of an element-by-element scan. Thread-safe.
 */
public final class LogitBlocks {
  private LogitBlocks() {}

  /** After an allowed token, the rest of its block of this many ids is scanned plainly. */
  public static final int SIZE = 64;

  /** An all-negative-infinity array at least as long as any logits seen; never written after filling. */
  private static volatile float[] negatives = new float[0];

  private static float[] negatives(int n) {
    float[] neg = negatives;
    if (neg.length < n) {
      neg = new float[Math.max(n, 2 * neg.length)];
      Arrays.fill(neg, Float.NEGATIVE_INFINITY);
      negatives = neg;
    }
    return neg;
  }

  /**
   * The first id at or after {@code from} whose logit is not negative infinity (NaN counts as allowed),
   * or -1 when there is none.
   */
  public static int nextAllowed(float[] logits, int from) {
    int n = logits.length;
    if (from >= n) {
      return -1;
    }
    int r = Arrays.mismatch(logits, from, n, negatives(n), 0, n - from);
    return r < 0 ? -1 : from + r;
  }

  /**
   * Visits allowed ids in increasing order: {@code i = first(logits)}, then {@code i = next(logits, i)}
   * until -1. Ids in the same block as an allowed id are checked one by one, runs beyond it are jumped
   * over, so dense logits cost little more than a plain loop and sparse ones far less.
   */
  public static int first(float[] logits) {
    return nextAllowed(logits, 0);
  }

  /** The allowed id after {@code current} (see {@link #first}). */
  public static int next(float[] logits, int current) {
    int n = logits.length;
    int blockEnd = Math.min(n, (current / SIZE + 1) * SIZE);
    for (int i = current + 1; i < blockEnd; i++) {
      if (logits[i] != Float.NEGATIVE_INFINITY) {
        return i;
      }
    }
    return nextAllowed(logits, blockEnd);
  }
}
