package dev.sieve.decoding.speculative;

import java.util.Arrays;

/**
 * A draft tree filled with tokens: node 0 is the root (the last accepted token, not yet in the cache),
 * every other node a drafted token whose parent comes before it. Nodes are in breadth-first order
 * (by depth, then by template priority), the order they are fed to the model in one forward.
 *
 * <p>It knows the two things verification needs: the {@linkplain #positions position ids} (prefix length
 * plus depth) and the {@linkplain #attentionBias tree attention} (each node sees the cached prefix, the root
 * and its own ancestors). Filled by {@link TokenRecycler#draft}; reused from step to step (not thread-safe).
 */
public final class DraftTree {
  /** The additive bias that blocks attention (what the runtime uses for its own masks). */
  static final float BLOCKED = -1e9f;

  private int size;
  private int[] tokens;
  private int[] parents;
  private int[] depths;
  private int[] templateIds;
  /** Scratch for {@link #sortBreadthFirst} (reused: drafting a tree allocates nothing). */
  private int[] order = new int[0];
  private int[] newIndex = new int[0];
  private int[] scratch = new int[0];

  public DraftTree(int capacity) {
    int c = Math.max(1, capacity);
    tokens = new int[c];
    parents = new int[c];
    depths = new int[c];
    templateIds = new int[c];
  }

  /** Starts over with just the root. */
  void reset(int root) {
    size = 1;
    tokens[0] = root;
    parents[0] = -1;
    depths[0] = 0;
    templateIds[0] = 0;
  }

  /** Appends a node; returns its index. The caller keeps breadth-first order (see {@link #sortBreadthFirst}). */
  int add(int token, int parent, int templateId) {
    if (size == tokens.length) {
      int c = size * 2;
      tokens = Arrays.copyOf(tokens, c);
      parents = Arrays.copyOf(parents, c);
      depths = Arrays.copyOf(depths, c);
      templateIds = Arrays.copyOf(templateIds, c);
    }
    tokens[size] = token;
    parents[size] = parent;
    depths[size] = depths[parent] + 1;
    templateIds[size] = templateId;
    return size++;
  }

  /**
   * Reorders the nodes by (depth, template id), remapping parents: a depth-first fill (which walks
   * stateful constraints with accept/rollback) becomes the breadth-first layout that is fed.
   */
  void sortBreadthFirst() {
    if (order.length < size) {
      order = new int[tokens.length];
      newIndex = new int[tokens.length];
      scratch = new int[tokens.length];
    }
    // insertion sort of the node indices (a tree has at most a few dozen nodes, mostly in order already)
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    for (int i = 2; i < size; i++) {
      int o = order[i];
      int j = i - 1;
      while (j >= 1 && after(order[j], o)) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = o;
    }
    for (int i = 0; i < size; i++) {
      newIndex[order[i]] = i;
    }
    permute(tokens);
    for (int i = 0; i < size; i++) {
      int p = parents[order[i]];
      scratch[i] = p < 0 ? -1 : newIndex[p];
    }
    System.arraycopy(scratch, 0, parents, 0, size);
    permute(depths);
    permute(templateIds);
  }

  /** Whether node {@code a} comes after node {@code b} breadth first: deeper, or as deep and of lower priority. */
  private boolean after(int a, int b) {
    return depths[a] != depths[b] ? depths[a] > depths[b] : templateIds[a] > templateIds[b];
  }

  private void permute(int[] values) {
    for (int i = 0; i < size; i++) {
      scratch[i] = values[order[i]];
    }
    System.arraycopy(scratch, 0, values, 0, size);
  }

  /** Nodes, root included. */
  public int size() {
    return size;
  }

  public int token(int node) {
    return tokens[node];
  }

  /** The parent's index, -1 for the root. */
  public int parent(int node) {
    return parents[node];
  }

  public int depth(int node) {
    return depths[node];
  }

  /** The template node this one was filled from (its priority: lower is more likely). */
  public int templateId(int node) {
    return templateIds[node];
  }

  /** The child of {@code node} holding {@code token}, or -1 (siblings hold distinct tokens). */
  public int child(int node, int token) {
    // children come after their parent; a tree has at most a few dozen nodes, so a scan is cheapest
    for (int i = node + 1; i < size; i++) {
      if (parents[i] == node && tokens[i] == token) {
        return i;
      }
    }
    return -1;
  }

  public int maxDepth() {
    int m = 0;
    for (int i = 0; i < size; i++) {
      m = Math.max(m, depths[i]);
    }
    return m;
  }

  /** The token ids in feeding order. */
  public int[] tokens() {
    return Arrays.copyOf(tokens, size);
  }

  /** Position ids: {@code start + depth} for every node ({@code start} is the root's position). */
  public long[] positions(long start) {
    long[] p = new long[size];
    for (int i = 0; i < size; i++) {
      p[i] = start + depths[i];
    }
    return p;
  }

  /**
   * The tree attention pattern, {@code [size, past + size]} row-major: node {@code i} attends every
   * cached slot and the slots of itself and its ancestors; everything else is blocked.
   */
  public float[] attentionBias(int past) {
    return attentionBias(past, null);
  }

  /**
   * The tree attention pattern with some cached slots blocked too ({@code discarded}: rejected branches of
   * earlier trees still in the cache, see {@link dev.sieve.decoding.model.KvCache#discard}).
   */
  public float[] attentionBias(int past, java.util.BitSet discarded) {
    int width = past + size;
    float[] bias = new float[size * width];
    for (int i = 0; i < size; i++) {
      int row = i * width;
      if (discarded != null) {
        for (int d = discarded.nextSetBit(0); d >= 0 && d < past; d = discarded.nextSetBit(d + 1)) {
          bias[row + d] = BLOCKED;
        }
      }
      Arrays.fill(bias, row + past, row + width, BLOCKED);
      for (int a = i; a >= 0; a = parents[a]) {
        bias[row + past + a] = 0f;
      }
    }
    return bias;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("DraftTree[");
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(i).append(':').append(tokens[i]).append("<-").append(parents[i]);
    }
    return sb.append(']').toString();
  }
}
