package dev.sieve.decoding.logits;

/**
 * Subtracts {@code penalty} once from the logit of every token that occurs among the
 * <em>generated</em> tokens (the prompt does not count).
 *
 * <p>Semantics of the OpenAI API's {@code presence_penalty} (transformers has no processor of this
 * name): positive values push towards new tokens, negative values towards ones already used.
 *
 * <p>Cost is linear in the number of generated tokens. A scratch buffer makes an instance <b>not
 * thread-safe</b>: use one per sequence; {@link #fork()} returns one with its own scratch.
 */
public final class PresencePenaltyProcessor implements LogitsProcessor {
  private final float penalty;
  private final TokenScratch scratch = new TokenScratch();

  public PresencePenaltyProcessor(float penalty) {
    if (!Float.isFinite(penalty)) {
      throw new IllegalArgumentException("presence penalty must be a finite number, got " + penalty);
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
    int[] seen = scratch.counts(n);
    int start = history.promptLength();
    int length = history.length();
    for (int i = start; i < length; i++) {
      int t = history.get(i);
      if (t >= 0 && t < n && seen[t] == 0) {
        seen[t] = 1;
        logits[t] -= penalty;
      }
    }
    for (int i = start; i < length; i++) {
      int t = history.get(i);
      if (t >= 0 && t < n) {
        seen[t] = 0;
      }
    }
  }

  @Override
  public LogitsProcessor fork() {
    return new PresencePenaltyProcessor(penalty);
  }

  @Override
  public String toString() {
    return "presence-penalty(" + penalty + ")";
  }
}
