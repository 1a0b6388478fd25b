package dev.sieve.decoding.logits;

/**
 * One link of the chain between the model's logits and the sampler: it rewrites the next-token logits
 * in place, given the tokens so far.
 *
 * <p>Stateless processors (temperature, top-k, ...) ignore {@link #accept}, {@link #rollback} and
 * return themselves from {@link #fork}. Stateful ones (grammar constraints, refusal steering, reward
 * guidance) keep per-sequence state that must be cheap to fork and roll back: speculative decoding
 * evaluates them at every node of a draft tree, beam search keeps one copy per beam.
 */
public interface LogitsProcessor {
  /**
   * Rewrites {@code logits} (one float per vocabulary id) for the next position.
   *
   * @param history the prompt and the tokens generated so far
   * @param logits the scores to rewrite in place; {@code Float.NEGATIVE_INFINITY} means "never"
   */
  void process(TokenHistory history, float[] logits);

  /** The chosen token was appended to the sequence. */
  default void accept(int token) {}

  /** Forgets the last {@code n} accepted tokens. */
  default void rollback(int n) {}

  /** An independent copy of the per-sequence state (stateless processors return {@code this}). */
  default LogitsProcessor fork() {
    return this;
  }
}
