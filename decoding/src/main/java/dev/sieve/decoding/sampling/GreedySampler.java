package dev.sieve.decoding.sampling;

/** Picks the highest logit; ties go to the lowest id. Stateless and thread-safe. */
public final class GreedySampler implements Sampler {

  @Override
  public int sample(float[] logits) {
    int best = -1;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      if (logits[i] > max) {
        max = logits[i];
        best = i;
      }
    }
    if (best < 0) {
      throw new IllegalStateException("no token is allowed: every logit is negative infinity");
    }
    return best;
  }

  @Override
  public Sampler fork() {
    return this;
  }
}
