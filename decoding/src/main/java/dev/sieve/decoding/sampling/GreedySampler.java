package dev.sieve.decoding.sampling;

/**
 * Always the highest score: argmax over the logits, the lowest id on ties. Stateless and shared
 * ({@link #fork()} returns this). NaN scores are never chosen; if every score is negative infinity or
 * NaN there is nothing to choose and it fails with a clear message.
 */
public final class GreedySampler implements Sampler {
  public static final GreedySampler INSTANCE = new GreedySampler();

  @Override
  public int sample(float[] logits) {
    int best = -1;
    float bestScore = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      float v = logits[i];
      if (v > bestScore) { // strict: the first (lowest) id wins ties; NaN compares false
        bestScore = v;
        best = i;
      }
    }
    if (best < 0) {
      throw new IllegalStateException("no token can be chosen: every one of " + logits.length + " scores is -infinity or NaN");
    }
    return best;
  }

  @Override
  public Sampler fork() {
    return this;
  }

  @Override
  public String toString() {
    return "greedy";
  }
}
