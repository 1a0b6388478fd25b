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

  /** Sets every disallowed logit to negative infinity, in one pass. */
  public void apply(float[] logits) {
    int n = Math.min(size, logits.length);
    for (int w = 0; w < words.length; w++) {
      long word = words[w];
      if (word == -1L) {
        continue;
      }
      int base = w << 6;
      int end = Math.min(base + 64, n);
      for (int id = base; id < end; id++) {
        if ((word & (1L << id)) == 0) {
          logits[id] = Float.NEGATIVE_INFINITY;
        }
      }
    }
    for (int id = size; id < logits.length; id++) {
      logits[id] = Float.NEGATIVE_INFINITY; // padding ids beyond the vocabulary
    }
  }
}
