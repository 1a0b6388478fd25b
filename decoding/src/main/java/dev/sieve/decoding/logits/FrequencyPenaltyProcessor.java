package dev.sieve.decoding.logits;

/**
 * Subtracts {@code penalty × count} from the logit of every token, where count is how often the token
 * occurs among the <em>generated</em> tokens (the prompt does not count).
 *
 * <p>Semantics of the OpenAI API's {@code frequency_penalty} (transformers has no processor of this
 * name): positive values discourage repetition in proportion to it, negative values encourage it.
 *
 * <p>Cost is linear in the number of generated tokens. A scratch buffer makes an instance <b>not
 * thread-safe</b>: use one per sequence; {@link #fork()} returns one with its own scratch.
 */
public final class FrequencyPenaltyProcessor implements LogitsProcessor {
  private final float penalty;
  private final TokenScratch scratch = new TokenScratch();

  public FrequencyPenaltyProcessor(float penalty) {
    if (!Float.isFinite(penalty)) {
      throw new IllegalArgumentException("frequency penalty must be a finite number, got " + penalty);
    }
    this.penalty = penalty;
  }

  public float penalty() {
    return penalty;
  }

  @Override
  public void process(TokenHistory history, float[] logits) {
    if (penalty == 0f) {
      return;
    }
    int n = logits.length;
    int[] counts = scratch.counts(n);
    int start = history.promptLength();
    int length = history.length();
    for (int i = start; i < length; i++) {
      int t = history.get(i);
      if (t >= 0 && t < n) {
        counts[t]++;
      }
    }
    for (int i = start; i < length; i++) {
      int t = history.get(i);
      if (t >= 0 && t < n && counts[t] != 0) {
        logits[t] -= penalty * counts[t];
        counts[t] = 0;
      }
    }
  }

  @Override
  public LogitsProcessor fork() {
    return new FrequencyPenaltyProcessor(penalty);
  }

  @Override
  public String toString() {
    return "frequency-penalty(" + penalty + ")";
  }
}
