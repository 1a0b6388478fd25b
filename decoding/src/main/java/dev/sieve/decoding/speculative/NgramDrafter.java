package dev.sieve.decoding.speculative;

import dev.sieve.decoding.logits.TokenHistory;

/**
 * Drafts a chain by n-gram lookup in the sequence itself (prompt and output): find the latest earlier
 * place where the last {@code n} tokens occurred, longest {@code n} first, and propose what followed
 * there. The recycler's matrix knows one token of context; repetitive and structured text (lists, JSON
 * keys, a repeated phrase) is predicted far better by what followed the same few tokens before, and a
 * chain from it can run deeper than the recycled tree without many nodes.
 *
 * <p>Where the match is recent the continuation runs into the tokens it predicts (text with period
 * {@code p} shorter than the chain): it is continued from the chain itself, which repeats the period.
 * Allocation-free; one instance per sequence.
 */
public final class NgramDrafter {
  /** The longest n-gram matched (longer contexts are tried first). */
  static final int MAX_N = 4;
  /** The shortest: one token of context is what the recycler already knows. */
  static final int MIN_N = 2;
  /** How far back a match is looked for, in tokens (bounds the scan per draft). */
  static final int WINDOW = 1024;

  private int[] buffer = new int[64];

  /**
   * Writes up to {@code max} drafted tokens into {@code out} and returns how many (0 when the last
   * tokens never occurred before).
   */
  public int draft(TokenHistory history, int max, int[] out) {
    int len = history.length();
    if (max <= 0 || len < MIN_N + 1) {
      return 0;
    }
    if (buffer.length < len) {
      buffer = new int[Math.max(len, buffer.length * 2)];
    }
    int[] h = buffer;
    for (int i = 0; i < len; i++) {
      h[i] = history.get(i);
    }
    return draft(h, len, max, out);
  }

  /** The same over {@code h[0, len)}. */
  static int draft(int[] h, int len, int max, int[] out) {
    int lowest = Math.max(0, len - 1 - WINDOW);
    for (int n = Math.min(MAX_N, len - 1); n >= MIN_N; n--) {
      // the match ends at e (inclusive), e < len - 1, latest first
      for (int e = len - 2; e - n + 1 >= lowest; e--) {
        if (h[e] != h[len - 1]) {
          continue;
        }
        int j = 1;
        while (j < n && h[e - j] == h[len - 1 - j]) {
          j++;
        }
        if (j < n) {
          continue;
        }
        int count = Math.min(max, out.length);
        for (int i = 0; i < count; i++) {
          int src = e + 1 + i;
          // past the end of the history, the chain continues from itself (src - len < i)
          out[i] = src < len ? h[src] : out[src - len];
        }
        return count;
      }
    }
    return 0;
  }
}
