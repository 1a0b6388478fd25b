package dev.sieve.decoding.logits;

/**
 * Discourages tokens that already occur in the sequence, prompt included.
 *
 * <p>Semantics of Hugging Face transformers' {@code RepetitionPenaltyLogitsProcessor} (the CTRL
 * penalty): for every distinct token in the history, a positive logit is divided by the penalty and a
 * negative one multiplied by it, once however often the token occurs. A penalty of 1 changes nothing;
 * above 1 discourages repetition, below 1 encourages it.
 *
 * <p>Cost is linear in the history length, independent of the vocabulary. A scratch buffer makes an
 * instance <b>not thread-safe</b>: use one per sequence; {@link #fork()} returns one with its own scratch.
 */
public final class RepetitionPenaltyProcessor implements LogitsProcessor {
  private final float penalty;
  private final TokenScratch scratch = new TokenScratch();

  public RepetitionPenaltyProcessor(float penalty) {
    if (!(penalty > 0f) || Float.isInfinite(penalty)) {
      throw new IllegalArgumentException("repetition penalty must be a positive number, got " + penalty);
    }
    this.penalty = penalty;
  }

  public float penalty() {
    return penalty;
  }

  @Override
  public void process(TokenHistory history, float[] logits) {
    if (penalty == 1f) {
      return;
    }
    int n = logits.length;
    int[] seen = scratch.counts(n);
    int length = history.length();
    for (int i = 0; i < length; i++) {
      int t = history.get(i);
      if (t < 0 || t >= n) {
        continue; // ids beyond the logits (none in practice) have nothing to penalize
      }
      if (seen[t] == 0) {
        seen[t] = 1;
        float v = logits[t];
        logits[t] = v < 0 ? v * penalty : v / penalty;
      }
    }
    for (int i = 0; i < length; i++) {
      int t = history.get(i);
      if (t >= 0 && t < n) {
        seen[t] = 0;
      }
    }
  }

  @Override
  public LogitsProcessor fork() {
    return new RepetitionPenaltyProcessor(penalty);
  }

  @Override
  public String toString() {
    return "repetition-penalty(" + penalty + ")";
  }
}
