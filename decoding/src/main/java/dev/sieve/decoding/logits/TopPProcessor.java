package dev.sieve.decoding.logits;

/**
 * Nucleus sampling: keeps the smallest set of most probable tokens whose probability mass reaches
 * {@code p}, and sets the others to negative infinity.
 *
 * <p>Semantics of Hugging Face transformers' {@code TopPLogitsWarper}: with tokens in ascending order
 * of probability, a token is removed when the cumulative probability up to and including it is at most
 * {@code 1 - p}; the {@code minTokensToKeep} most probable tokens always stay. Equivalently, in
 * descending order a token stays when the mass of the tokens ranked above it is below {@code p}.
 * Ties are ranked by lower id first. Probabilities are computed in double precision with
 * {@link StrictMath#exp}, so the kept set is the same on every machine.
 *
 * <p>No sort of the vocabulary: the finite logits are gathered into scratch arrays (runs of removed tokens are jumped over, see {@link LogitBlocks}) and the cut is found
 * with a quickselect-style partition that discards whole halves whose mass is known (expected linear
 * time in the number of finite logits, which top-k usually makes small). Scratch buffers make an
 * instance <b>not thread-safe</b>: use one per sequence; {@link #fork()} returns one with its own scratch.
 */
public final class TopPProcessor implements LogitsProcessor {
  private final double p;
  private final int minTokensToKeep;
  private long[] keys = new long[0];
  private double[] weights = new double[0];

  public TopPProcessor(double p) {
    this(p, 1);
  }

  public TopPProcessor(double p, int minTokensToKeep) {
    if (!(p >= 0.0 && p <= 1.0)) {
      throw new IllegalArgumentException("top-p must be in [0, 1], got " + p);
    }
    if (minTokensToKeep < 1) {
      throw new IllegalArgumentException("minTokensToKeep must be at least 1, got " + minTokensToKeep);
    }
    this.p = p;
    this.minTokensToKeep = minTokensToKeep;
  }

  public double p() {
    return p;
  }

  @Override
  public void process(TokenHistory history, float[] logits) {
    if (p >= 1.0) {
      return;
    }
    int n = logits.length;
    if (keys.length < n) {
      keys = new long[n];
      weights = new double[n];
    }
    long[] keys = this.keys;
    double[] weights = this.weights;
    // gather the finite candidates (jumping over removed runs) and their maximum
    int m = 0;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = LogitBlocks.first(logits); i >= 0; i = LogitBlocks.next(logits, i)) {
      float v = logits[i];
      keys[m] = Selection.rankKey(v, i);
      weights[m] = v;
      m++;
      if (v > max) {
        max = v;
      }
    }
    if (m <= minTokensToKeep) {
      return;
    }
    double total = 0;
    for (int j = 0; j < m; j++) {
      double w = StrictMath.exp(weights[j] - max);
      weights[j] = w;
      total += w;
    }
    double target = p * total;
    int kept = cut(keys, weights, m, target);
    if (kept < minTokensToKeep) {
      Selection.selectHighest(keys, weights, kept, m, minTokensToKeep - kept);
      kept = minTokensToKeep;
    }
    for (int j = kept; j < m; j++) {
      logits[Selection.idOf(keys[j])] = Float.NEGATIVE_INFINITY;
    }
  }

  /**
   * Rearranges candidates so that the kept ones come first and returns how many are kept: the tokens,
   * in descending rank, whose higher-ranked mass is below {@code target}.
   */
  static int cut(long[] keys, double[] weights, int m, double target) {
    int lo = 0;
    int hi = m;
    double above = 0; // mass of [0, lo), all ranked above [lo, hi) and all kept
    while (hi - lo > 16) {
      int q = Selection.partitionDescending(keys, weights, lo, hi);
      double high = 0;
      for (int j = lo; j < q; j++) {
        high += weights[j];
      }
      if (above + high >= target) {
        hi = q; // the crossing token is ranked above the pivot
      } else if (above + high + weights[q] >= target) {
        return q + 1; // the pivot is the crossing token
      } else {
        above += high + weights[q];
        lo = q + 1;
      }
    }
    // few left: insertion sort by rank, then walk
    for (int i = lo + 1; i < hi; i++) {
      long key = keys[i];
      double w = weights[i];
      int j = i - 1;
      while (j >= lo && keys[j] < key) {
        keys[j + 1] = keys[j];
        weights[j + 1] = weights[j];
        j--;
      }
      keys[j + 1] = key;
      weights[j + 1] = w;
    }
    int j = lo;
    while (j < hi && above < target) {
      above += weights[j];
      j++;
    }
    return Math.max(j, 1);
  }

  @Override
  public LogitsProcessor fork() {
    return new TopPProcessor(p, minTokensToKeep);
  }

  @Override
  public String toString() {
    return "top-p(" + p + ")";
  }
}
