package dev.sieve.decoding.logits;

import java.util.Arrays;

/**
 * The token ids of one sequence: the prompt followed by what was generated. Growable, cheap to copy
 * and truncate; processors read it, the generator writes it.
 */
public final class TokenHistory {
  private int[] ids;
  private int length;
  private final int promptLength;

  public TokenHistory(int[] prompt) {
    this.ids = Arrays.copyOf(prompt, Math.max(16, prompt.length * 2));
    this.length = prompt.length;
    this.promptLength = prompt.length;
  }

  private TokenHistory(int[] ids, int length, int promptLength) {
    this.ids = ids;
    this.length = length;
    this.promptLength = promptLength;
  }

  public int length() {
    return length;
  }

  public int promptLength() {
    return promptLength;
  }

  public int generatedLength() {
    return length - promptLength;
  }

  public int get(int index) {
    if (index >= length) {
      throw new IndexOutOfBoundsException(index + " of " + length);
    }
    return ids[index];
  }

  /** The last token, or -1 when the history is empty. */
  public int last() {
    return length == 0 ? -1 : ids[length - 1];
  }

  public void append(int token) {
    if (length == ids.length) {
      ids = Arrays.copyOf(ids, ids.length * 2);
    }
    ids[length++] = token;
  }

  /** Drops the last {@code n} tokens (never into the prompt). */
  public void truncate(int n) {
    if (n < 0 || n > generatedLength()) {
      throw new IllegalArgumentException("cannot drop " + n + " of " + generatedLength() + " generated tokens");
    }
    length -= n;
  }

  public int[] toArray() {
    return Arrays.copyOf(ids, length);
  }

  public int[] generated() {
    return Arrays.copyOfRange(ids, promptLength, length);
  }

  public TokenHistory copy() {
    return new TokenHistory(ids.clone(), length, promptLength);
  }
}
