package dev.sieve.decoding.speculative;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The static shape of a draft tree: which candidate rank of its parent every node takes. Node 0 is the
 * root (the last accepted token); every other node has a parent, a depth (root 0) and a rank: the node's
 * token is the parent token's {@code rank}-th recycled candidate.
 *
 * <p>Nodes are kept in <b>priority order</b>: a parent always comes before its children and more likely
 * nodes before less likely ones, so the first {@code n} nodes ({@link #prefix(int)}) are themselves a
 * tree: the best tree of that size. That is what lets one template serve every tree size (8 to 80 nodes)
 * and lets the {@code auto} mode judge smaller trees from what a larger one accepted.
 *
 * <p>{@link #standard()} is an 80-node tree of depth 6, the size the Token Recycling paper uses; it is
 * built by the rule of {@link #best}: repeatedly add the node whose whole path is most likely to be
 * accepted, with a prior that the {@code r}-th candidate is right with probability {@link #PRIOR}[r].
 * Immutable.
 */
public final class TreeTemplate {
  /**
   * Prior probability that the parent's r-th recycled candidate is the accepted next token. Its shape
   * (a steep drop after rank 0) follows acceptance measured on the bundled model; only the order of
   * node values matters for the tree's shape.
   */
  static final double[] PRIOR = {0.42, 0.14, 0.075, 0.05, 0.035, 0.027, 0.021, 0.017};

  private final int[] parents;
  private final int[] ranks;
  private final int[] depths;
  private final int maxDepth;
  private final int[][] children;
  /** {@link #prefix} results, made on first use (a benign race: templates are immutable). */
  private final TreeTemplate[] prefixes;

  private TreeTemplate(int[] parents, int[] ranks) {
    this.prefixes = new TreeTemplate[parents.length];
    this.parents = parents;
    this.ranks = ranks;
    this.depths = new int[parents.length];
    int md = 0;
    int[] counts = new int[parents.length];
    for (int i = 1; i < parents.length; i++) {
      depths[i] = depths[parents[i]] + 1;
      md = Math.max(md, depths[i]);
      counts[parents[i]]++;
    }
    this.maxDepth = md;
    this.children = new int[parents.length][];
    for (int i = 0; i < parents.length; i++) {
      children[i] = new int[counts[i]];
      counts[i] = 0;
    }
    for (int i = 1; i < parents.length; i++) {
      children[parents[i]][counts[parents[i]]++] = i;
    }
  }

  /** The default: 80 nodes (root included), depth 6, candidates of rank below 8. */
  public static TreeTemplate standard() {
    return Standard.TEMPLATE;
  }

  private static final class Standard {
    static final TreeTemplate TEMPLATE = best(80, 6, TokenRecycler.DEFAULT_K);
  }

  /**
   * The most valuable tree of {@code nodes} nodes (root included) and depth at most {@code maxDepth}
   * over candidates of rank below {@code k}, node value being the product of {@link #PRIOR} along its
   * path. Built best-first: a node's first child and next sibling become candidates when it is added,
   * which yields the optimum because value falls with both depth and rank.
   */
  public static TreeTemplate best(int nodes, int maxDepth, int k) {
    if (nodes < 1) {
      throw new IllegalArgumentException("a draft tree has at least its root, got " + nodes + " nodes");
    }
    if (maxDepth < 0 || k < 1 || k > PRIOR.length) {
      throw new IllegalArgumentException("depth must be >= 0 and candidates per token in [1, " + PRIOR.length + "], got depth "
          + maxDepth + ", k " + k);
    }
    // candidate: {value, parent, rank, depth}
    PriorityQueue<double[]> queue = new PriorityQueue<>((a, b) -> Double.compare(b[0], a[0]));
    int[] parents = new int[nodes];
    int[] ranks = new int[nodes];
    parents[0] = -1;
    double[] value = new double[nodes];
    value[0] = 1;
    int n = 1;
    if (maxDepth > 0) {
      queue.add(new double[] {PRIOR[0], 0, 0, 1});
    }
    while (n < nodes && !queue.isEmpty()) {
      double[] c = queue.poll();
      int parent = (int) c[1];
      int rank = (int) c[2];
      int depth = (int) c[3];
      parents[n] = parent;
      ranks[n] = rank;
      value[n] = c[0];
      if (depth < maxDepth) {
        queue.add(new double[] {c[0] * PRIOR[0], n, 0, depth + 1});
      }
      if (rank + 1 < k) {
        queue.add(new double[] {value[parent] * PRIOR[rank + 1], parent, rank + 1, depth});
      }
      n++;
    }
    return new TreeTemplate(Arrays.copyOf(parents, n), Arrays.copyOf(ranks, n));
  }

  /** A chain: root, its best candidate, that one's best candidate, ... ({@code depth + 1} nodes). */
  public static TreeTemplate chain(int depth) {
    int[] parents = new int[depth + 1];
    int[] ranks = new int[depth + 1];
    parents[0] = -1;
    for (int i = 1; i <= depth; i++) {
      parents[i] = i - 1;
    }
    return new TreeTemplate(parents, ranks);
  }

  /**
   * A template from candidate-rank paths, e.g. {@code {{0}, {1}, {0, 0}}}: the root's best and second
   * candidates and the best candidate after the best. Every path's own prefix must come earlier, as a
   * path of its own; the order given is the priority order.
   */
  public static TreeTemplate ofPaths(int[][] paths) {
    List<int[]> seen = new ArrayList<>();
    int[] parents = new int[paths.length + 1];
    int[] ranks = new int[paths.length + 1];
    parents[0] = -1;
    for (int i = 0; i < paths.length; i++) {
      int[] p = paths[i];
      if (p.length == 0) {
        throw new IllegalArgumentException("path " + i + " is empty (the root is implicit)");
      }
      int parent = 0;
      if (p.length > 1) {
        parent = -1;
        int[] prefix = Arrays.copyOf(p, p.length - 1);
        for (int j = 0; j < seen.size(); j++) {
          if (Arrays.equals(seen.get(j), prefix)) {
            parent = j + 1;
          }
        }
        if (parent < 0) {
          throw new IllegalArgumentException("path " + Arrays.toString(p) + " comes before its prefix " + Arrays.toString(prefix));
        }
      }
      for (int[] s : seen) {
        if (Arrays.equals(s, p)) {
          throw new IllegalArgumentException("path " + Arrays.toString(p) + " is given twice");
        }
      }
      if (p[p.length - 1] < 0) {
        throw new IllegalArgumentException("candidate ranks are >= 0: " + Arrays.toString(p));
      }
      seen.add(p);
      parents[i + 1] = parent;
      ranks[i + 1] = p[p.length - 1];
    }
    return new TreeTemplate(parents, ranks);
  }

  /** The first {@code n} nodes: the best tree of that size (n is clamped to [1, size]). */
  public TreeTemplate prefix(int n) {
    int m = Math.max(1, Math.min(n, parents.length));
    if (m == parents.length) {
      return this;
    }
    TreeTemplate t = prefixes[m];
    if (t == null) {
      t = new TreeTemplate(Arrays.copyOf(parents, m), Arrays.copyOf(ranks, m));
      prefixes[m] = t;
    }
    return t;
  }

  /** Nodes, root included. */
  public int size() {
    return parents.length;
  }

  /** The parent's node index, -1 for the root. */
  public int parent(int node) {
    return parents[node];
  }

  /** Which of the parent token's candidates this node takes (0 the best). */
  public int rank(int node) {
    return ranks[node];
  }

  public int depth(int node) {
    return depths[node];
  }

  /** The node's children in priority order (shared array: do not modify). */
  int[] children(int node) {
    return children[node];
  }

  public int maxDepth() {
    return maxDepth;
  }

  /** The largest candidate rank any node uses, plus one: the candidates per token the template needs. */
  public int candidatesNeeded() {
    int m = 0;
    for (int i = 1; i < ranks.length; i++) {
      m = Math.max(m, ranks[i] + 1);
    }
    return m;
  }

  @Override
  public String toString() {
    return "TreeTemplate[" + size() + " nodes, depth " + maxDepth + "]";
  }
}
