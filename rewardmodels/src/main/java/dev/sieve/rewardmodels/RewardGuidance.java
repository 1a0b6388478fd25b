package dev.sieve.rewardmodels;

import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.logits.MeasuringProcessor;
import dev.sieve.decoding.logits.TokenHistory;
import java.util.Arrays;
import java.util.Map;

/**
 * Reward-guided decoding as a logits processor: over the top-k candidates of the incoming logits,
 * {@code z'[v] = z[v] + beta * r(x, v)} with the reward {@code r} clamped to [0, 1] (or {@code 1 - r} with
 * {@code inverse}, to steer away from what the model rewards); every other token is excluded
 * ({@code -inf}), as in RAD (Deng &amp; Raffel 2023) and ARM (Troshin et al. 2024).
 *
 * <p>{@code beta = 0} leaves the logits exactly as they came (no top-k cut either), so it reproduces
 * unguided decoding token for token; the candidates are still scored, so the mean reward is measured.
 *
 * <p>Stateful: it owns a {@link RewardScorer} (the reward model's key/value cache for this sequence),
 * kept in step with the sequence by {@link #accept}, {@link #rollback} and, should a caller skip those, by
 * comparing its prefix with the history at each {@link #process}. {@link #fork} copies the cache.
 *
 * <p>In a chain it goes after any constraint (so the top-k are chosen among allowed tokens) and before
 * the truncating warpers (top-k, top-p, min-p).
 *
 * <p>Measurements ({@link MeasuringProcessor}): {@code reward.mean} (mean reward, as the model gives it,
 * of the chosen tokens that were scored), {@code reward.scored_tokens}, {@code reward.forwards},
 * {@code reward.ms}, and the settings {@code reward.kind}, {@code reward.beta}, {@code reward.top_k},
 * {@code reward.inverse}.
 */
public final class RewardGuidance implements LogitsProcessor, MeasuringProcessor, AutoCloseable {
  private final RewardModel.Kind kind;
  private final double beta;
  private final int topK;
  private final boolean inverse;
  private final RewardScorer scorer;
  private final int[] candidates;
  private final float[] rewards;
  private final float[] heap;
  private final float[] kept;
  private final int[] heapIds;
  private int candidateCount = -1;
  private double[] chosen;
  private int chosenCount;

  /**
   * @param model the reward model (its vocabulary checked against the base model's at load)
   * @param beta the guidance strength, a finite number &gt;= 0
   * @param topK how many of the best base candidates are scored, &gt;= 1
   * @param inverse steer away: add {@code beta * (1 - r)}
   */
  public RewardGuidance(RewardModel model, double beta, int topK, boolean inverse) {
    this(model.kind(), checkBeta(beta), checkTopK(topK), inverse, model.newScorer(), new double[16], 0);
  }

  private RewardGuidance(RewardModel.Kind kind, double beta, int topK, boolean inverse, RewardScorer scorer,
      double[] chosen, int chosenCount) {
    this.kind = kind;
    this.beta = beta;
    this.topK = topK;
    this.inverse = inverse;
    this.scorer = scorer;
    this.candidates = new int[topK];
    this.rewards = new float[topK];
    this.heap = new float[topK];
    this.kept = new float[topK];
    this.heapIds = new int[topK];
    this.chosen = chosen;
    this.chosenCount = chosenCount;
  }

  private static double checkBeta(double beta) {
    if (!Double.isFinite(beta) || beta < 0) {
      throw new IllegalArgumentException("the reward weight beta must be a finite number >= 0, got " + beta);
    }
    return beta;
  }

  private static int checkTopK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("the number of reward-scored candidates (top-k) must be >= 1, got " + k);
    }
    return k;
  }

  public double beta() {
    return beta;
  }

  public int topK() {
    return topK;
  }

  public boolean inverse() {
    return inverse;
  }

  @Override
  public void process(TokenHistory history, float[] logits) {
    sync(history);
    int n = topCandidates(logits);
    candidateCount = n;
    if (n == 0) {
      return; // nothing allowed: leave the (all -inf) logits to the sampler's own error
    }
    scorer.score(candidates, n, rewards);
    if (beta == 0) {
      return;
    }
    for (int i = 0; i < n; i++) {
      float r = Math.min(1f, Math.max(0f, rewards[i]));
      if (Float.isNaN(rewards[i])) {
        r = 0f;
      }
      float g = inverse ? 1f - r : r;
      kept[i] = (float) (logits[candidates[i]] + beta * g);
    }
    Arrays.fill(logits, Float.NEGATIVE_INFINITY);
    for (int i = 0; i < n; i++) {
      logits[candidates[i]] = kept[i];
    }
  }

  /** Brings the scorer's prefix to the history's (common prefix kept, the rest rolled back and appended). */
  private void sync(TokenHistory history) {
    int len = history.length();
    int have = scorer.length();
    int common = 0;
    int limit = Math.min(len, have);
    while (common < limit && scorer.token(common) == history.get(common)) {
      common++;
    }
    if (common < have) {
      scorer.rollback(have - common);
    }
    for (int i = common; i < len; i++) {
      scorer.append(history.get(i));
    }
  }

  /**
   * Puts the ids of the (at most) k largest finite logits into {@code candidates}, best first (ties: lower
   * id first); returns how many.
   */
  private int topCandidates(float[] logits) {
    int size = 0;
    for (int id = 0; id < logits.length; id++) {
      float v = logits[id];
      if (v == Float.NEGATIVE_INFINITY || Float.isNaN(v)) {
        continue;
      }
      if (size < topK) {
        heap[size] = v;
        heapIds[size] = id;
        siftUp(size++);
      } else if (v > heap[0]) { // a later id with an equal value ranks lower: not taken
        heap[0] = v;
        heapIds[0] = id;
        siftDown(0, size);
      }
    }
    // pop worst first into the back of candidates
    for (int i = size - 1; i >= 0; i--) {
      candidates[i] = heapIds[0];
      int last = i;
      heap[0] = heap[last];
      heapIds[0] = heapIds[last];
      siftDown(0, last);
    }
    return size;
  }

  /** Heap order: the root is the worst candidate (lowest value; among equals, the highest id). */
  private boolean worse(int a, int b) {
    return heap[a] < heap[b] || (heap[a] == heap[b] && heapIds[a] > heapIds[b]);
  }

  private void swap(int a, int b) {
    float v = heap[a];
    heap[a] = heap[b];
    heap[b] = v;
    int t = heapIds[a];
    heapIds[a] = heapIds[b];
    heapIds[b] = t;
  }

  private void siftUp(int i) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!worse(i, parent)) {
        break;
      }
      swap(i, parent);
      i = parent;
    }
  }

  private void siftDown(int i, int size) {
    while (true) {
      int l = 2 * i + 1;
      if (l >= size) {
        return;
      }
      int w = l + 1 < size && worse(l + 1, l) ? l + 1 : l;
      if (!worse(w, i)) {
        return;
      }
      swap(w, i);
      i = w;
    }
  }

  @Override
  public void accept(int token) {
    double r = Double.NaN;
    for (int i = 0; i < candidateCount; i++) {
      if (candidates[i] == token) {
        r = rewards[i];
        break;
      }
    }
    if (chosenCount == chosen.length) {
      chosen = Arrays.copyOf(chosen, chosen.length * 2);
    }
    chosen[chosenCount++] = r;
    candidateCount = -1;
    scorer.append(token);
  }

  @Override
  public void rollback(int n) {
    if (n < 0 || n > chosenCount) {
      throw new IllegalArgumentException("cannot roll back " + n + " of " + chosenCount + " accepted tokens");
    }
    chosenCount -= n;
    candidateCount = -1;
    scorer.rollback(n);
  }

  @Override
  public RewardGuidance fork() {
    RewardGuidance g = new RewardGuidance(kind, beta, topK, inverse, scorer.fork(), chosen.clone(), chosenCount);
    return g;
  }

  /** The candidates and rewards of the last {@link #process}, for inspection: ids, then rewards (model's values). */
  public int lastCandidates(int[] ids, float[] values) {
    int n = Math.max(0, candidateCount);
    System.arraycopy(candidates, 0, ids, 0, n);
    System.arraycopy(rewards, 0, values, 0, n);
    return n;
  }

  /** Mean model reward of the accepted tokens that were among the scored candidates (NaN when none). */
  public double meanReward() {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < chosenCount; i++) {
      if (!Double.isNaN(chosen[i])) {
        sum += chosen[i];
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private int scoredTokens() {
    int n = 0;
    for (int i = 0; i < chosenCount; i++) {
      if (!Double.isNaN(chosen[i])) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void contributeMeasurements(Map<String, Object> into) {
    into.put("reward.kind", kind.id());
    into.put("reward.beta", beta);
    into.put("reward.top_k", topK);
    into.put("reward.inverse", inverse);
    double mean = meanReward();
    if (!Double.isNaN(mean)) {
      into.put("reward.mean", mean);
    }
    into.put("reward.scored_tokens", scoredTokens());
    into.put("reward.forwards", scorer.forwards());
    into.put("reward.ms", scorer.forwardNanos() / 1e6);
  }

  /** Frees the reward model's cache for this sequence now (otherwise freed once unreachable). */
  @Override
  public void close() {
    scorer.close();
  }

  @Override
  public String toString() {
    return "RewardGuidance[" + kind.id() + ", beta " + beta + ", top-k " + topK + (inverse ? ", inverse" : "") + "]";
  }
}
