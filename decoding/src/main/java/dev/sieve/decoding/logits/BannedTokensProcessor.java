package dev.sieve.decoding.logits;

import java.util.Arrays;

/**
 * Never lets the given tokens be chosen: their logits become negative infinity at every step.
 *
 * <p>Semantics of Hugging Face transformers' {@code SuppressTokensLogitsProcessor} (equivalently
 * {@code NoBadWordsLogitsProcessor} with single-token bad words). Immutable and thread-safe.
 */
public final class BannedTokensProcessor implements LogitsProcessor {
  private final int[] ids;

  public BannedTokensProcessor(int... ids) {
    this.ids = Arrays.stream(ids).distinct().sorted().toArray();
    if (this.ids.length > 0 && this.ids[0] < 0) {
      throw new IllegalArgumentException("cannot ban negative token id " + this.ids[0]);
    }
  }

  public int[] ids() {
    return ids.clone();
  }

  @Override
  public void process(TokenHistory history, float[] logits) {
    for (int id : ids) {
      TokenScratch.checkId(id, logits.length);
      logits[id] = Float.NEGATIVE_INFINITY;
    }
  }

  @Override
  public String toString() {
    return "banned" + Arrays.toString(ids);
  }
}
