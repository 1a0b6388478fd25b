package dev.sieve.decoding.speculative;

import dev.sieve.decoding.model.Logits;
import java.util.Arrays;

/**
 * The adjacency matrix of Token Recycling (Luo et al., 2024): for every vocabulary token, the top-k
 * candidates for the token after it, as the model's logits last said. Every forward pass computes those
 * logits anyway; after each one, the row of every token that was fed is overwritten with the top-k ids
 * at its position, whether the token was accepted or not. Draft trees are filled from it, breadth by
 * breadth, starting at the last accepted token. The token the chain actually chose after another is
 * {@linkplain #promote promoted} to the front of that token's row as well.
 *
 * <p>{@code vocabulary × k} int32 plus one chosen successor per token (8192 × 9 × 4 = 288 KiB for the
 * bundled model), kept across requests so a
 * new request starts hot; {@link #reset()} forgets everything. Rows never written hold -1 (no candidate).
 *
 * <p>Shared by concurrent generations on one model without locks: int stores are atomic, so a row read
 * during another thread's update may mix two updates but always holds real token ids. That can only
 * change what is drafted, never what is generated (verification is exact).
 */
public final class TokenRecycler {
  /** Candidates kept per token. */
  public static final int DEFAULT_K = 8;

  private final int vocabSize;
  private final int k;
  private final int[] next;
  /** Per token: the token the chain last chose after it, or -1 (kept first in the row across updates). */
  private final int[] chosen;

  public TokenRecycler(int vocabSize) {
    this(vocabSize, DEFAULT_K);
  }

  public TokenRecycler(int vocabSize, int k) {
    if (vocabSize < 1 || k < 1 || k > 64) {
      throw new IllegalArgumentException("vocabulary size must be positive and k in [1, 64], got " + vocabSize + " and " + k);
    }
    this.vocabSize = vocabSize;
    this.k = k;
    this.next = new int[vocabSize * k];
    this.chosen = new int[vocabSize];
    Arrays.fill(next, -1);
    Arrays.fill(chosen, -1);
  }

  public int vocabSize() {
    return vocabSize;
  }

  public int k() {
    return k;
  }

  /** Bytes of the matrix and the chosen successors. */
  public long memoryBytes() {
    return 4L * (next.length + chosen.length);
  }

  /** Forgets every candidate. */
  public void reset() {
    Arrays.fill(next, -1);
    Arrays.fill(chosen, -1);
  }

  /** The {@code rank}-th candidate after {@code token} (0 the best), or -1 if none was seen. */
  public int candidate(int token, int rank) {
    return next[token * k + rank];
  }

  /** A copy of the candidates after {@code token}, best first. */
  public int[] candidates(int token) {
    return Arrays.copyOfRange(next, token * k, token * k + k);
  }

  /**
   * Overwrites the row of {@code token} with the top-k ids of {@code scores[offset, offset + vocab)}, the
   * logits the model gave at the position where {@code token} was fed. Ties go to the lower id; NaN is
   * never a candidate. Allocation-free.
   */
  public void update(int token, float[] scores, int offset) {
    if (token < 0 || token >= vocabSize) {
      return; // a token outside the matrix (e.g. an added special beyond the logits): nothing to recycle
    }
    int base = token * k;
    // insertion into a small sorted list: best at base, k-th best at base + k - 1
    float[] top = TOP.get();
    int filled = 0;
    float floor = Float.NEGATIVE_INFINITY;
    for (int id = 0; id < vocabSize; id++) {
      float v = scores[offset + id];
      if (filled == k && !(v > floor)) {
        continue;
      }
      if (v != v) {
        continue;
      }
      int at = filled == k ? k - 1 : filled++;
      while (at > 0 && v > top[at - 1]) {
        top[at] = top[at - 1];
        next[base + at] = next[base + at - 1];
        at--;
      }
      top[at] = v;
      next[base + at] = id;
      floor = filled == k ? top[k - 1] : Float.NEGATIVE_INFINITY;
    }
    for (int i = filled; i < k; i++) {
      next[base + i] = -1;
    }
    int c = chosen[token];
    if (c >= 0) {
      moveToFront(base, c);
    }
  }

  /**
   * Puts {@code successor} first among the candidates after {@code token}: it was just chosen there. The
   * logits' top-k is what the model would pick alone; the chosen token is what the whole chain picked
   * (a grammar, penalties or sampling may choose a token the raw logits do not rank first, or at all).
   * Keeping both makes drafts follow constrained and repetitive output too. The others move down one
   * rank; the last falls off unless it is the successor. Later logits updates of the row keep it first
   * until another token is chosen after {@code token}.
   */
  public void promote(int token, int successor) {
    if (token < 0 || token >= vocabSize || successor < 0) {
      return;
    }
    chosen[token] = successor;
    moveToFront(token * k, successor);
  }

  private void moveToFront(int base, int successor) {
    int at = k - 1;
    for (int i = 0; i < k; i++) {
      if (next[base + i] == successor) {
        at = i;
        break;
      }
    }
    System.arraycopy(next, base, next, base + 1, at);
    next[base] = successor;
  }

  private static final ThreadLocal<float[]> TOP = ThreadLocal.withInitial(() -> new float[64]);

  /** Updates the row of every token fed in a forward from the logits at its position (row 0 of the batch). */
  public void update(int[] fed, Logits logits) {
    if (logits.vocabSize() != vocabSize) {
      throw new IllegalArgumentException("logits over " + logits.vocabSize() + " ids for a recycler over " + vocabSize);
    }
    int positions = logits.positions();
    int first = fed.length - positions; // LAST logits: only the last fed token has its row
    for (int p = 0; p < positions; p++) {
      update(fed[first + p], logits.values(), p * vocabSize);
    }
  }

  /**
   * Fills {@code out} with a draft tree from {@code template}: the root holds {@code root}, and a node of
   * rank r under a parent holding token t holds t's r-th candidate. Nodes deeper than {@code maxDepth}
   * or without a candidate are left out, and so is any token {@code filter} disallows, with its subtree.
   * The walk is depth first (so a stateful filter can accept and roll back); the result is breadth first.
   */
  public void draft(int root, TreeTemplate template, int maxDepth, DraftFilter filter, DraftTree out) {
    draft(root, null, 0, template, maxDepth, filter, out);
  }

  /**
   * As {@link #draft(int, TreeTemplate, int, DraftFilter, DraftTree)}, with a drafted chain under the root
   * first ({@code chain[0, chainLength)}, e.g. from an {@link NgramDrafter}): its nodes come before the
   * template's, up to the first token the filter disallows, and the template's nodes that would repeat a
   * chain node (same parent, same token) merge into it, their subtrees too. Chain node {@code i} (depth
   * {@code i + 1}) gets template id {@code i + 1}: it counts as in every tree larger than its depth.
   */
  public void draft(int root, int[] chain, int chainLength, TreeTemplate template, int maxDepth, DraftFilter filter,
      DraftTree out) {
    if (template.candidatesNeeded() > k) {
      throw new IllegalArgumentException(template + " uses " + template.candidatesNeeded() + " candidates per token; this recycler keeps " + k);
    }
    out.reset(root);
    if (maxDepth > 0 && root >= 0 && root < vocabSize) {
      int entered = 0;
      int parent = 0;
      for (int i = 0; i < Math.min(chainLength, maxDepth); i++) {
        int t = chain[i];
        if (t < 0 || t >= vocabSize || !filter.allows(t)) {
          break;
        }
        parent = out.add(t, parent, i + 1);
        if (!filter.expands(t)) {
          break;
        }
        filter.enter(t);
        entered++;
      }
      for (; entered > 0; entered--) {
        filter.leave();
      }
      fill(template, 0, 0, root, maxDepth, filter, out);
      out.sortBreadthFirst();
    }
  }

  private void fill(TreeTemplate template, int templateNode, int treeNode, int token, int maxDepth, DraftFilter filter,
      DraftTree out) {
    for (int c : template.children(templateNode)) {
      int t = next[token * k + template.rank(c)];
      if (t < 0) {
        continue;
      }
      // a chain node already holds t here: the template's subtree goes under it
      int idx = out.child(treeNode, t);
      if (idx < 0) {
        if (!filter.allows(t)) {
          continue;
        }
        idx = out.add(t, treeNode, c);
      }
      if (out.depth(idx) < maxDepth && template.children(c).length > 0 && filter.expands(t)) {
        filter.enter(t);
        fill(template, c, idx, t, maxDepth, filter, out);
        filter.leave();
      }
    }
  }

  @Override
  public String toString() {
    return "TokenRecycler[" + vocabSize + " x " + k + "]";
  }
}
