package dev.sieve.decoding.speculative;

import java.util.Arrays;

/**
 * Picks the draft tree size for the {@code auto} mode from what it measures: the cost of a forward with a
 * tree of each size (size 1 is plain decoding) and the tokens each size yields per forward. It keeps the
 * size with the most tokens per second, re-tries the others now and then, and so turns speculation off
 * (size 1) when no tree pays for itself.
 *
 * <p>Acceptance of smaller trees is known without running them: the template's first {@code n} nodes are
 * the tree of size {@code n}, and verification accepts exactly the tokens plain decoding would choose,
 * so a smaller tree would have accepted the longest start of the accepted path that lies within its
 * nodes. Costs are measured per size. Estimates are moving averages, so they follow changes in context
 * length and load. Kept across requests (with the recycler); thread-safe.
 */
public final class SpeculationTuner {
  /** Forwards each size is measured before choosing by estimate. */
  static final int WARMUP = 4;
  /** Every this many forwards one other size is re-measured. */
  static final int EXPLORE_EVERY = 32;
  private static final double ALPHA = 0.15;

  private final int[] sizes;
  private final double[] cost;
  private final int[] costSamples;
  private final double[] accepted;
  private final int[] acceptedSamples;
  private int sinceExplore;
  private int exploreNext;

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
    accepted[0] = 1;
    acceptedSamples[0] = Integer.MAX_VALUE;
  }

  /** The sizes tried for a template of {@code maxSize} nodes: plain, 4, 8, 16, 32, 48, ... up to it. */
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
    // measure every size a few times first, the largest first: its acceptance covers the smaller ones
    for (int i = sizes.length - 1; i >= 0; i--) {
      if (costSamples[i] < WARMUP) {
        return sizes[i];
      }
    }
    int best = best();
    if (++sinceExplore >= EXPLORE_EVERY) {
      sinceExplore = 0;
      exploreNext = (exploreNext + 1) % sizes.length;
      if (exploreNext == best) {
        exploreNext = (exploreNext + 1) % sizes.length;
      }
      return sizes[exploreNext];
    }
    return sizes[best];
  }

  private int best() {
    int best = 0;
    double bestRate = 0;
    for (int i = 0; i < sizes.length; i++) {
      if (costSamples[i] == 0 || acceptedSamples[i] == 0) {
        continue;
      }
      double rate = accepted[i] / cost[i];
      if (rate > bestRate) {
        bestRate = rate;
        best = i;
      }
    }
    return best;
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
    cost[i] = costSamples[i] == 0 ? nanos : cost[i] + ALPHA * (nanos - cost[i]);
    costSamples[i]++;
  }

  /**
   * A tree of {@code size} nodes verified and accepted the path of template nodes {@code acceptedPath}
   * (the root excluded, in order): every size up to it learns what it would have yielded.
   */
  public synchronized void recordAcceptance(int size, int[] acceptedPath, int pathLength) {
    for (int i = 1; i < sizes.length && sizes[i] <= size; i++) {
      int yielded = 1;
      while (yielded - 1 < pathLength && acceptedPath[yielded - 1] < sizes[i]) {
        yielded++;
      }
      accepted[i] = acceptedSamples[i] == 0 ? yielded : accepted[i] + ALPHA * (yielded - accepted[i]);
      acceptedSamples[i]++;
    }
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
    sinceExplore = 0;
  }

  @Override
  public synchronized String toString() {
    StringBuilder sb = new StringBuilder("SpeculationTuner[");
    for (int i = 0; i < sizes.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(sizes[i]).append(": ")
          .append(String.format("%.2f tok/fwd, %.0f us", accepted[i], cost[i] / 1e3));
    }
    return sb.append(']').toString();
  }
}
