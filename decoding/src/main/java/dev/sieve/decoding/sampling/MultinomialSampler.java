package dev.sieve.decoding.sampling;

import dev.sieve.decoding.logits.LogitBlocks;

/**
 * Draws a token from {@code softmax(logits)}, reproducibly: the same seed gives the same tokens on any
 * machine and JVM. The random stream is {@link SplitMix64} (integer arithmetic); probabilities are
 * computed in double precision with {@link StrictMath#exp} (bit-exact everywhere) and summed in id
 * order; a uniform draw picks the first token whose cumulative weight exceeds it. Tokens at negative
 * infinity are never chosen.
 *
 * <p>One walk over the allowed ids (runs of negative infinity are jumped over with a vectorized
 * comparison, see {@link LogitBlocks}) gathers the finite logits into scratch arrays; the exponentials are
 * taken over those only, so after top-k the cost is a scan plus k exponentials. Allocation-free after
 * the first call. <b>Not thread-safe</b> (random state and scratch): use one per sequence;
 * {@link #fork()} returns a copy that draws exactly what this one would.
 */
public final class MultinomialSampler implements Sampler {
  private final SplitMix64 random;
  private int[] ids = new int[0];
  private double[] weights = new double[0];

  public MultinomialSampler(long seed) {
    this(new SplitMix64(seed));
  }

  private MultinomialSampler(SplitMix64 random) {
    this.random = random;
  }

  @Override
  public int sample(float[] logits) {
    int n = logits.length;
    if (ids.length < n) {
      ids = new int[n];
      weights = new double[n];
    }
    int[] ids = this.ids;
    double[] weights = this.weights;
    int m = 0;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = LogitBlocks.first(logits); i >= 0; i = LogitBlocks.next(logits, i)) {
      float v = logits[i];
      if (!(v <= Float.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException("logit of token " + i + " is NaN");
      }
      ids[m] = i;
      weights[m] = v;
      m++;
      if (v > max) {
        max = v;
      }
    }
    if (m == 0) {
      throw new IllegalStateException("no token is allowed: every logit is negative infinity");
    }
    if (max == Float.POSITIVE_INFINITY) {
      for (int j = 0; j < m; j++) {
        if (weights[j] == Double.POSITIVE_INFINITY) {
          return ids[j]; // an infinite logit takes all the mass (lowest id among several)
        }
      }
    }
    double total = 0;
    for (int j = 0; j < m; j++) {
      double w = StrictMath.exp(weights[j] - max);
      weights[j] = w;
      total += w;
    }
    double u = random.nextDouble() * total;
    double cumulative = 0;
    for (int j = 0; j < m; j++) {
      cumulative += weights[j];
      if (u < cumulative) {
        return ids[j];
      }
    }
    // rounding left u at the very top: the last token with weight
    for (int j = m - 1; j >= 0; j--) {
      if (weights[j] > 0) {
        return ids[j];
      }
    }
    return ids[m - 1];
  }

  @Override
  public MultinomialSampler fork() {
    return new MultinomialSampler(random.copy());
  }
}
