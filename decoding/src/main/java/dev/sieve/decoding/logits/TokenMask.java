package dev.sieve.decoding.logits;

import java.util.Arrays;

/** A bitset over the vocabulary: which token ids are allowed next. Reused across steps to stay allocation-free. */
public final class TokenMask {
  private final long[] words;
  private final int size;

  public TokenMask(int vocabularySize) {
    this.size = vocabularySize;
    this.words = new long[(vocabularySize + 63) >>> 6];
  }

  public int size() {
    return size;
  }

  public void clear() {
    Arrays.fill(words, 0L);
  }

  public void allowAll() {
    Arrays.fill(words, -1L);
    int tail = size & 63;
    if (tail != 0) {
      words[words.length - 1] = (1L << tail) - 1;
    }
  }

  public void allow(int id) {
    words[id >>> 6] |= 1L << id;
  }

  public void forbid(int id) {
    words[id >>> 6] &= ~(1L << id);
  }

  public boolean isAllowed(int id) {
    return (words[id >>> 6] & (1L << id)) != 0;
  }

  public int cardinality() {
    int c = 0;
    for (long w : words) {
      c += Long.bitCount(w);
    }
    return c;
  }

  /** The backing words, 64 ids each, lowest id in the lowest bit; for fast bulk operations. */
  public long[] words() {
    return words;
  }

  /**
   * Sets every disallowed logit to negative infinity, in one pass. A word with no allowed id is one fill;
   * otherwise only its cleared bits are visited, so there is no branch per id (a mixed mask made the
   * per-id test mispredict about half the time).
   */
  public void apply(float[] logits) {
    int n = Math.min(size, logits.length);
    for (int w = 0; w < words.length; w++) {
      long word = words[w];
      if (word == -1L) {
        continue;
      }
      int base = w << 6;
      if (word == 0L) {
        Arrays.fill(logits, base, Math.min(base + 64, n), Float.NEGATIVE_INFINITY);
        continue;
      }
      for (long forbidden = ~word; forbidden != 0; forbidden &= forbidden - 1) {
        int id = base + Long.numberOfTrailingZeros(forbidden);
        if (id >= n) {
          break;
        }
        logits[id] = Float.NEGATIVE_INFINITY;
      }
    }
    for (int id = size; id < logits.length; id++) {
      logits[id] = Float.NEGATIVE_INFINITY; // padding ids beyond the vocabulary
    }
  }
}
