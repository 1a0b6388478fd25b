package dev.sieve.rewardmodels;

import java.util.Arrays;

/**
 * What the ARM and RAD scorers share: the prefix, the reward model's cache over its first
 * {@code cache.length()} tokens (the rest are pending, fed at the next score), and counters.
 */
abstract class OnnxRewardScorer implements RewardScorer {
  final RewardOnnxSession session;
  final RewardCache cache;
  int[] tokens;
  int length;
  long forwards;
  long nanos;

  OnnxRewardScorer(RewardOnnxSession session, RewardCache cache, int[] tokens, int length) {
    this.session = session;
    this.cache = cache;
    this.tokens = tokens;
    this.length = length;
  }

  @Override
  public void append(int token) {
    if (token < 0 || token >= session.vocabSize) {
      throw new IllegalArgumentException("token id " + token + " is outside the reward model's vocabulary of " + session.vocabSize);
    }
    if (length == tokens.length) {
      tokens = Arrays.copyOf(tokens, Math.max(16, tokens.length * 2));
    }
    tokens[length++] = token;
    changed();
  }

  @Override
  public void rollback(int n) {
    if (n < 0 || n > length) {
      throw new IllegalArgumentException("cannot roll back " + n + " of " + length + " tokens");
    }
    if (n == 0) {
      return;
    }
    length -= n;
    if (cache.length() > length) {
      cache.truncate(length);
    }
    changed();
  }

  /** The prefix changed: anything derived from the last forward is stale. */
  abstract void changed();

  @Override
  public int length() {
    return length;
  }

  @Override
  public int token(int i) {
    if (i < 0 || i >= length) {
      throw new IndexOutOfBoundsException(i + " of " + length);
    }
    return tokens[i];
  }

  @Override
  public long forwards() {
    return forwards;
  }

  @Override
  public long forwardNanos() {
    return nanos;
  }

  void requirePrefix() {
    if (length == 0) {
      throw new IllegalStateException("a reward model scores continuations of a prefix; the prefix is empty");
    }
  }

  /** Runs one forward, counting it. */
  float[] forward(int[] ids, long[] positions, float[] bias, int from, int count) {
    long t0 = System.nanoTime();
    try {
      return session.forward(cache, ids, positions, bias, from, count);
    } finally {
      nanos += System.nanoTime() - t0;
      forwards++;
    }
  }

  /** The causal pattern for {@code m} new tokens after {@code past} cached ones: [m, past+m], flat. */
  static float[] causal(int past, int m, int extraColumns) {
    int total = past + m + extraColumns;
    float[] bias = new float[m * total];
    for (int i = 0; i < m; i++) {
      Arrays.fill(bias, i * total + past + i + 1, (i + 1) * total, RewardOnnxSession.BLOCKED);
    }
    return bias;
  }

  @Override
  public void close() {
    cache.close();
  }
}
