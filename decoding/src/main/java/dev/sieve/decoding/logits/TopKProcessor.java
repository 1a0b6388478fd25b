package dev.sieve.decoding.logits;

/**
 * Keeps the {@code k} highest logits and sets the others to negative infinity.
 *
 * <p>Semantics of Hugging Face transformers' {@code TopKLogitsWarper}: the effective k is
 * {@code max(k, minTokensToKeep)}, capped at the vocabulary size; every token whose logit is below the
 * k-th highest value is removed, so tokens tied with the k-th value all stay.
 *
 * <p>The k-th value is found by selection, never by sorting the vocabulary: a bounded min-heap for small
 * k (one comparison per logit for most of them), quickselect on a scratch copy for large k. The scratch
 * buffers make an instance <b>not thread-safe</b>: use one per sequence; {@link #fork()} returns an
 * instance with its own scratch.
 */
public final class TopKProcessor implements LogitsProcessor {
  private final int k;
  private final int minTokensToKeep;
  private float[] scratch = new float[0];

  public TopKProcessor(int k) {
    this(k, 1);
  }

  public TopKProcessor(int k, int minTokensToKeep) {
    if (k <= 0) {
      throw new IllegalArgumentException("top-k must be a positive integer, got " + k);
    }
    if (minTokensToKeep < 1) {
      throw new IllegalArgumentException("minTokensToKeep must be at least 1, got " + minTokensToKeep);
    }
    this.k = k;
    this.minTokensToKeep = minTokensToKeep;
  }

  public int k() {
    return k;
  }

  @Override
  public void process(TokenHistory history, float[] logits) {
    int n = logits.length;
    int effective = Math.min(Math.max(k, minTokensToKeep), n);
    if (effective >= n) {
      return;
    }
    int need = effective <= Selection.HEAP_LIMIT ? effective : n;
    if (scratch.length < need) {
      scratch = new float[need];
    }
    float threshold = Selection.kthLargest(logits, effective, scratch);
    for (int i = 0; i < n; i++) {
      if (logits[i] < threshold) {
        logits[i] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  @Override
  public LogitsProcessor fork() {
    return new TopKProcessor(k, minTokensToKeep);
  }

  @Override
  public String toString() {
    return "top-k(" + k + ")";
  }
}
