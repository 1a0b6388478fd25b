package dev.sieve.decoding.logits;

/**
 * Keeps the {@code k} highest logits and sets the others to negative infinity.
 *
 * <p>Semantics of Hugging Face transformers' {@code TopKLogitsWarper}: the effective k is
 * {@code max(k, minTokensToKeep)}, capped at the vocabulary size; every token whose logit is below the
 * k-th highest value is removed, so tokens tied with the k-th value all stay.
 *
 * <p>The k-th value is found by selection, never by sorting the vocabulary. For small k: one pass
 * keeps a bounded min-heap of the k highest values seen (most logits are rejected by one comparison
 * with its root) and collects the ids of the few values that reached the root when seen, a superset of
 * the survivors; the array is then cleared with one fill and the survivors written back. A processor
 * reused across steps first tries a floor learned on the step before (a little below its k-th value):
 * when at least k and not too many values reach it, the selection runs on those alone. For large k:
 * quickselect on a scratch copy, then one cut pass. The scratch
 * buffers make an instance <b>not thread-safe</b>: use one per sequence; {@link #fork()} returns an
 * instance with its own scratch.
 */
public final class TopKProcessor implements LogitsProcessor {
  private final int k;
  private final int minTokensToKeep;
  private float[] scratch = new float[0];
  private int[] candidates = new int[0];
  private float[] kept = new float[0];
  private final int[] count = new int[1];
  private float floor = Float.NaN; // a value about a few times k logits reached last step (NaN: none yet)
  private float spread = 1f; // how far below last step's threshold the floor is put

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
    if (effective > Selection.HEAP_LIMIT) {
      if (scratch.length < n) {
        scratch = new float[n];
      }
      cutBelow(logits, Selection.kthLargest(logits, effective, scratch));
      return;
    }
    if (scratch.length < effective) {
      scratch = new float[effective];
    }
    if (candidates.length < n) {
      candidates = new int[n];
      kept = new float[n];
    }
    float threshold;
    int c = 0;
    int[] ids = candidates;
    float[] values = kept;
    if (!Float.isNaN(floor) && (c = collectAtLeast(logits, floor, ids)) >= effective && c <= fastLimit(effective)) {
      // At least k values reached the floor, so the k-th highest value is among them and every value
      // below the floor is below it too: the selection needs only the collected values.
      for (int j = 0; j < c; j++) {
        values[j] = logits[ids[j]];
      }
      threshold = Selection.kthLargestByHeapOf(values, c, effective, scratch);
    } else {
      if (!Float.isNaN(floor)) {
        // The floor let too few or too many values through: widen or narrow its distance.
        spread = c < effective ? spread * 2f : spread * 0.5f;
      }
      threshold = Selection.kthLargestCollecting(logits, effective, scratch, candidates, count);
      c = count[0];
      for (int j = 0; j < c; j++) {
        values[j] = logits[ids[j]];
      }
    }
    // Next step's logits are much like this step's: a floor a little below this threshold lets a few
    // times k values through, which spares the heap most of its work. Any floor gives the exact result.
    floor = Float.isFinite(threshold) && Float.isFinite(spread) && spread > 0f ? threshold - spread : Float.NaN;
    if (Float.isNaN(floor)) {
      spread = 1f;
    }
    // keep the collected values at or above the threshold, clear everything, put them back
    java.util.Arrays.fill(logits, Float.NEGATIVE_INFINITY);
    for (int j = 0; j < c; j++) {
      if (values[j] >= threshold) {
        logits[ids[j]] = values[j];
      }
    }
  }

  /** Collects into {@code ids} (as long as the logits) the ids of the values at or above {@code floor}; returns how many. */
  private static int collectAtLeast(float[] logits, float floor, int[] ids) {
    int c = 0;
    for (int i = 0; i < logits.length; i++) {
      if (logits[i] >= floor) {
        ids[c++] = i;
      }
    }
    return c;
  }

  /** Above this many collected values the floor is too low to be worth using. */
  private static int fastLimit(int k) {
    return 8 * k + 64;
  }

  private static void cutBelow(float[] logits, float threshold) {
    for (int i = 0; i < logits.length; i++) {
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
