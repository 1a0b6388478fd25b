package dev.sieve.decoding.logits;

/**
 * Min-p sampling: removes tokens whose probability is below {@code minP} times the probability of the
 * most likely token.
 *
 * <p>Semantics of Hugging Face transformers' {@code MinPLogitsWarper}: a token is removed when
 * {@code prob < minP * maxProb}; the {@code minTokensToKeep} most probable tokens always stay. Since
 * {@code prob / maxProb = exp(logit - maxLogit)}, this is a threshold on the logits,
 * {@code logit < maxLogit + ln(minP)}: one pass for the maximum, one to cut, no softmax and no sort.
 * When fewer than {@code minTokensToKeep} tokens pass, the threshold becomes the
 * {@code minTokensToKeep}-th highest logit (found by selection; ties with it stay).
 *
 * <p>The scratch buffer used in that rare case makes an instance <b>not thread-safe</b>: use one per
 * sequence; {@link #fork()} returns one with its own scratch.
 */
public final class MinPProcessor implements LogitsProcessor {
  private final double minP;
  private final int minTokensToKeep;
  private final double logMinP;
  private float[] scratch = new float[0];

  public MinPProcessor(double minP) {
    this(minP, 1);
  }

  public MinPProcessor(double minP, int minTokensToKeep) {
    if (!(minP >= 0.0 && minP <= 1.0)) {
      throw new IllegalArgumentException("min-p must be in [0, 1], got " + minP);
    }
    if (minTokensToKeep < 1) {
      throw new IllegalArgumentException("minTokensToKeep must be at least 1, got " + minTokensToKeep);
    }
    this.minP = minP;
    this.minTokensToKeep = minTokensToKeep;
    this.logMinP = StrictMath.log(minP);
  }

  public double minP() {
    return minP;
  }

  @Override
  public void process(TokenHistory history, float[] logits) {
    if (minP <= 0.0) {
      return;
    }
    int n = logits.length;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      if (logits[i] > max) {
        max = logits[i];
      }
    }
    if (max == Float.NEGATIVE_INFINITY) {
      return;
    }
    double threshold = max + logMinP;
    int passing = 0;
    for (int i = 0; i < n; i++) {
      if (logits[i] >= threshold) {
        passing++;
      }
    }
    if (passing >= minTokensToKeep) {
      cutBelow(logits, threshold);
      return;
    }
    if (minTokensToKeep >= n) {
      return;
    }
    int need = minTokensToKeep <= Selection.HEAP_LIMIT ? minTokensToKeep : n;
    if (scratch.length < need) {
      scratch = new float[need];
    }
    cutBelow(logits, Selection.kthLargest(logits, minTokensToKeep, scratch));
  }

  private static void cutBelow(float[] logits, double threshold) {
    for (int i = 0; i < logits.length; i++) {
      if (logits[i] < threshold) {
        logits[i] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  @Override
  public LogitsProcessor fork() {
    return new MinPProcessor(minP, minTokensToKeep);
  }

  @Override
  public String toString() {
    return "min-p(" + minP + ")";
  }
}
