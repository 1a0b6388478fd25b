package dev.sieve.rewardmodels;

/**
 * The per-sequence state of a {@link RewardModel}: the prefix seen so far and the reward model's own
 * key/value cache over it. Tokens appended are fed lazily, at the next {@link #score}; rolling back
 * drops them from the cache. Not thread-safe: one scorer per sequence, {@link #fork()} for a copy.
 */
public interface RewardScorer extends AutoCloseable {
  /** Appends a token to the prefix (fed to the model at the next {@link #score}). */
  void append(int token);

  /** Drops the last {@code n} tokens of the prefix. */
  void rollback(int n);

  /** Number of tokens in the prefix. */
  int length();

  /** Token {@code i} of the prefix. */
  int token(int i);

  /**
   * Writes into {@code out[i]} the reward, in [0, 1], of appending {@code candidates[i]} to the prefix,
   * for {@code i < count}. The prefix is not changed. Needs a prefix of at least one token.
   */
  void score(int[] candidates, int count, float[] out);

  /** An independent copy (prefix and cache). */
  RewardScorer fork();

  /** Reward-model forward passes run so far by this scorer (not its forks). */
  long forwards();

  /** Nanoseconds spent in those forward passes. */
  long forwardNanos();

  /** Frees the native cache. Idempotent; the scorer must not be used afterwards. */
  @Override
  void close();
}
