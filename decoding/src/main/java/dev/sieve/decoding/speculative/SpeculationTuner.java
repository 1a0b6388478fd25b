package dev.sieve.decoding.speculative;

import java.util.Arrays;

/**
 * Picks the draft tree size for the {@code auto} mode from what it measures: what a forward costs with a
 * tree of each size (size 1 is plain decoding) and how many tokens each size yields per forward. It keeps
 * the size with the most tokens per second, and decodes plainly unless a tree is estimated to beat plain
 * decoding by a margin. It climbs: plain decoding and the smallest tree are measured first, and each larger
 * size only once the one below it has won; the best size's neighbours are re-measured now and then, less
 * and less often while the choice does not change.
 *
 * <p><b>Acceptance</b> of smaller trees is known without running them: the template's first {@code n}
 * nodes are the tree of size {@code n}, and verification accepts exactly the tokens plain decoding would
 * choose, so a smaller tree would have yielded the longest start of the accepted path that lies within its
 * nodes. <b>Cost</b> is measured per size as a moving average, drafting, recycling and cache compaction
 * included. Every token also costs the caller's own work between two logits (processors, sampler), with or
 * without a tree; the tuner measures it too and compares tokens per second with it included, since it
 * dilutes what a tree saves (a tree that halves the forwards of text whose sampling costs as much as a
 * forward saves a quarter of the time, not half). On a shared machine single forwards stall now and then;
 * the margin and the repeated measurements keep such noise from tipping the choice towards trees that do
 * not pay.
 *
 * <p>Kept across requests (with the recycler); thread-safe.
 */
public final class SpeculationTuner {
  /** Forwards each size is measured before choosing by estimate. */
  static final int WARMUP = 4;
  /** The first re-measuring interval in forwards; it doubles while the choice holds, up to {@link #MAX_INTERVAL}. */
  static final int MIN_INTERVAL = 16;
  static final int MAX_INTERVAL = 512;
  static final int MIN_PLAIN_SAMPLE = 4;
  static final int MAX_PLAIN_SAMPLE = 64;
  /** A tree must be estimated this much faster than plain decoding to be chosen. */
  static final double MARGIN = 1.10;
  private static final double ALPHA = 0.1;
  /**
   * Cost estimates follow a lower sample faster than a higher one, and a sample more than twice the
   * estimate counts as twice it: on a shared machine a forward's own cost is its floor (stalls, JIT
   * compilation and other processes only add), and an inflated estimate would keep a size from being
   * chosen for hundreds of forwards. The first {@link #WARMUP} samples keep their minimum.
   */
  private static final double ALPHA_DOWN = 0.5;
  private static final double ALPHA_UP = 0.1;

  private final int[] sizes;
  private final double[] cost;
  private final int[] costSamples;
  private final double[] accepted;
  private final int[] acceptedSamples;
  /** What shadow trees (drafted but not verified while decoding plainly) would have yielded, per size. */
  private final double[] shadowAccepted;
  private final int[] shadowSamples;
  /** Per size: a shadow said it would win and re-measuring was woken; not again until the shadow says it loses. */
  private final boolean[] woken;
  /** The caller's own work per token (processors, sampler), in nanoseconds; see {@link #recordTokenCost}. */
  private double tokenCost;
  private int tokenCostSamples;
  private int sinceExplore;
  private int interval = MIN_INTERVAL;
  private boolean exploreUp;
  private int lastBest = -1;

  /** Tree sizes to choose from; 1 (plain decoding) is always among them. */
  public SpeculationTuner(int... sizes) {
    int[] s = Arrays.stream(sizes).filter(x -> x > 1).distinct().sorted().toArray();
    this.sizes = new int[s.length + 1];
    this.sizes[0] = 1;
    System.arraycopy(s, 0, this.sizes, 1, s.length);
    this.cost = new double[this.sizes.length];
    this.costSamples = new int[this.sizes.length];
    this.accepted = new double[this.sizes.length];
    this.acceptedSamples = new int[this.sizes.length];
    this.shadowAccepted = new double[this.sizes.length];
    this.shadowSamples = new int[this.sizes.length];
    this.woken = new boolean[this.sizes.length];
    accepted[0] = 1;
    acceptedSamples[0] = Integer.MAX_VALUE;
  }

  /** The sizes tried for a template of {@code maxSize} nodes: plain, 4, 8, 16, 32, 48, 64 below it, and it. */
  public static SpeculationTuner forTemplate(int maxSize) {
    int[] ladder = Arrays.stream(new int[] {4, 8, 16, 32, 48, 64}).filter(x -> x < maxSize).toArray();
    int[] sizes = Arrays.copyOf(ladder, ladder.length + 1);
    sizes[ladder.length] = maxSize;
    return new SpeculationTuner(sizes);
  }

  /** The candidate sizes, 1 first. */
  public int[] sizes() {
    return sizes.clone();
  }

  /** The tree size for the next forward. */
  public synchronized int choose() {
    int best = best();
    if (best != lastBest) {
      lastBest = best;
      interval = MIN_INTERVAL;
      sinceExplore = 0;
    }
    // climb: a size is measured only once the next smaller one has won, so trees that lose to plain
    // decoding cost a handful of forwards, not a tour of every size
    for (int i = 0; i <= Math.min(best + 1, sizes.length - 1); i++) {
      if (costSamples[i] < WARMUP) {
        return sizes[i];
      }
    }
    if (++sinceExplore >= interval) {
      // re-measure a neighbour of the best size, alternating up and down
      sinceExplore = 0;
      interval = Math.min(MAX_INTERVAL, interval * 2);
      exploreUp = !exploreUp;
      int n = exploreUp || best == 0 ? best + 1 : best - 1;
      if (n < sizes.length) {
        return sizes[n];
      }
    }
    return sizes[best];
  }

  /**
   * Tokens per nanosecond with {@code accepted} tokens per forward of {@code forwardNanos}: every token also
   * costs the caller's own work (processors, sampler), the same with or without a tree, which dilutes what
   * a tree saves.
   */
  private double rate(double accepted, double forwardNanos) {
    return accepted / (forwardNanos + accepted * tokenCost);
  }

  private int best() {
    double plainRate = costSamples[0] < WARMUP ? 0 : rate(1, cost[0]);
    int best = 0;
    double bestRate = plainRate * MARGIN;
    for (int i = 1; i < sizes.length; i++) {
      if (costSamples[i] < WARMUP || acceptedSamples[i] == 0) {
        continue;
      }
      double rate = rate(accepted[i], cost[i]);
      if (rate > bestRate) {
        bestRate = rate;
        best = i;
      }
    }
    return best;
  }

  /**
   * While plain decoding is chosen: one plain step in this many recycles its candidates and drafts a shadow
   * tree. 4 while the choice is new, growing with the re-measuring interval up to 64 while plain decoding
   * holds, so that the bookkeeping for trees that do not pay costs next to nothing on long plain stretches.
   */
  public synchronized int plainSampleInterval() {
    return Math.max(MIN_PLAIN_SAMPLE, Math.min(MAX_PLAIN_SAMPLE, interval / 8));
  }

  /** The size the estimates favour now (1: plain decoding). */
  public synchronized int bestSize() {
    return sizes[best()];
  }

  /** A forward with a tree chosen at {@code size} took {@code nanos} (drafting and cache upkeep included). */
  public synchronized void recordCost(int size, long nanos) {
    int i = Arrays.binarySearch(sizes, size);
    if (i < 0) {
      return;
    }
    if (costSamples[i] == 0) {
      cost[i] = nanos;
    } else if (costSamples[i] < WARMUP || nanos < cost[i]) {
      cost[i] = costSamples[i] < WARMUP ? Math.min(cost[i], nanos) : cost[i] + ALPHA_DOWN * (nanos - cost[i]);
    } else {
      cost[i] += ALPHA_UP * (Math.min(nanos, 2 * cost[i]) - cost[i]);
    }
    costSamples[i]++;
  }

  /**
   * The caller spent {@code nanos} on one token between two logits handed out (its processors and
   * sampler): a cost every token pays, with or without a tree. Followed like the forward costs (lower
   * samples fast, higher ones slowly and capped).
   */
  public synchronized void recordTokenCost(long nanos) {
    if (tokenCostSamples == 0) {
      tokenCost = nanos;
    } else if (nanos < tokenCost) {
      tokenCost += ALPHA_DOWN * (nanos - tokenCost);
    } else {
      tokenCost += ALPHA_UP * (Math.min(nanos, 2 * tokenCost) - tokenCost);
    }
    tokenCostSamples++;
  }

  /** The caller's estimated work per token in nanoseconds (0 until measured). */
  public synchronized double tokenNanos() {
    return tokenCost;
  }

  /**
   * A tree of {@code size} nodes verified and accepted the path of template nodes {@code acceptedPath}
   * (the root excluded, in order): every size up to it learns what it would have yielded.
   */
  public synchronized void recordAcceptance(int size, int[] acceptedPath, int pathLength) {
    for (int i = 1; i < sizes.length && sizes[i] <= size; i++) {
      int yielded = yielded(sizes[i], acceptedPath, pathLength);
      accepted[i] = acceptedSamples[i] == 0 ? yielded : accepted[i] + ALPHA * (yielded - accepted[i]);
      acceptedSamples[i]++;
    }
  }

  /**
   * Tokens a tree of the template's first {@code size} nodes would have yielded in one forward, given the
   * accepted path of template nodes: the longest start of the path within those nodes, plus the token the
   * forward itself chooses after it.
   */
  private static int yielded(int size, int[] acceptedPath, int pathLength) {
    int yielded = 1;
    while (yielded - 1 < pathLength && acceptedPath[yielded - 1] < size) {
      yielded++;
    }
    return yielded;
  }

  /**
   * A shadow tree of {@code size} nodes (drafted during a plain step, never verified) was walked by the
   * tokens chosen after it along {@code acceptedPath}. Shadows do not decide the size: text that is
   * drafted well in stretches would switch to trees on the strength of a stretch just ending. They only
   * wake the re-measuring up: when a shadow estimate says a measured tree would beat plain decoding, the
   * next re-measurement comes after {@link #MIN_INTERVAL} forwards instead of up to {@link #MAX_INTERVAL},
   * once per stretch in which the shadows say so (a real tree that still loses is not retried every few
   * forwards).
   */
  public synchronized void recordShadowAcceptance(int size, int[] acceptedPath, int pathLength) {
    boolean wins = false;
    double plainRate = costSamples[0] < WARMUP ? 0 : rate(1, cost[0]);
    for (int i = 1; i < sizes.length && sizes[i] <= size; i++) {
      int yielded = yielded(sizes[i], acceptedPath, pathLength);
      shadowAccepted[i] = shadowSamples[i] == 0 ? yielded : shadowAccepted[i] + ALPHA * (yielded - shadowAccepted[i]);
      shadowSamples[i]++;
      boolean win = costSamples[i] >= WARMUP && plainRate > 0 && rate(shadowAccepted[i], cost[i]) > plainRate * MARGIN;
      if (win && !woken[i]) {
        wins = true;
        woken[i] = true;
      } else if (!win) {
        woken[i] = false;
      }
    }
    if (wins && interval > MIN_INTERVAL) {
      interval = MIN_INTERVAL;
      sinceExplore = Math.min(sinceExplore, MIN_INTERVAL);
    }
  }

  /** What shadow trees say {@code size} nodes would yield per forward (NaN when none was walked). */
  public synchronized double shadowAcceptedPerForward(int size) {
    int i = Arrays.binarySearch(sizes, size);
    return i < 0 || shadowSamples[i] == 0 ? Double.NaN : shadowAccepted[i];
  }

  /** Estimated tokens per forward at {@code size} (NaN when not yet measured). */
  public synchronized double acceptedPerForward(int size) {
    int i = Arrays.binarySearch(sizes, size);
    return i < 0 || acceptedSamples[i] == 0 ? Double.NaN : accepted[i];
  }

  /** Estimated cost of one forward at {@code size} in nanoseconds (NaN when not yet measured). */
  public synchronized double forwardNanos(int size) {
    int i = Arrays.binarySearch(sizes, size);
    return i < 0 || costSamples[i] == 0 ? Double.NaN : cost[i];
  }

  /** Forgets every measurement. */
  public synchronized void reset() {
    Arrays.fill(cost, 0);
    Arrays.fill(costSamples, 0);
    Arrays.fill(accepted, 1, accepted.length, 0);
    Arrays.fill(acceptedSamples, 1, acceptedSamples.length, 0);
    Arrays.fill(shadowAccepted, 0);
    Arrays.fill(shadowSamples, 0);
    Arrays.fill(woken, false);
    tokenCost = 0;
    tokenCostSamples = 0;
    sinceExplore = 0;
    interval = MIN_INTERVAL;
    lastBest = -1;
  }

  @Override
  public synchronized String toString() {
    StringBuilder sb = new StringBuilder("SpeculationTuner[token " + String.format("%.0f us", tokenCost / 1e3) + "; ");
    for (int i = 0; i < sizes.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(sizes[i]).append(": ")
          .append(String.format("%.2f tok/fwd, %.0f us", accepted[i], cost[i] / 1e3));
    }
    return sb.append(']').toString();
  }
}
