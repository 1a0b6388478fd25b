package dev.sieve.decoding.speculative;

import dev.sieve.decoding.generate.SequenceDecoder;
import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.logits.TokenConstraint;
import dev.sieve.decoding.model.ForwardInput;
import dev.sieve.decoding.model.KvCache;
import dev.sieve.decoding.model.Logits;
import dev.sieve.decoding.model.ModelCapabilities;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Token Recycling on one sequence: the source of each step's logits when decoding speculatively. The
 * generator's loop stays that of plain decoding (choose a token from the logits through the chain and
 * sampler, accept it, ask for the next logits); only where the next logits come from changes.
 *
 * <p><b>Verification by the chain's own choice.</b> One forward feeds the last accepted token (the root)
 * and a draft tree below it, with tree attention, and returns the logits of every node. The generator
 * chooses the next token from the root's logits exactly as in plain decoding: same processors, same
 * sampler, same random draws. If that token is a child of the root in the tree, the child's logits are
 * the model's logits after it (the child saw the prefix, the root and itself), so the next token is chosen
 * from them without another forward; and so on down the tree. The first chosen token that is not in the
 * tree becomes the root of the next forward, after the cache is compacted to the prefix and the accepted
 * path. The output is therefore the output of plain decoding, token for token, for greedy and seeded
 * sampling alike, with every stateful processor (penalties, constraints) seeing exactly the tokens it would
 * see in plain decoding. For sampling this is the multi-draft speculative sampling rule with drafts that are
 * point masses: a node's children are accepted with total probability equal to their probability under
 * the processed target distribution, the most that any lossless rule can accept from deterministic drafts.
 *
 * <p>Drafting: an {@link NgramDrafter} chain first (what followed the latest earlier occurrence of the
 * last 2 to 4 tokens, up to {@link #MAX_CHAIN} deep), then the {@link TokenRecycler}'s matrix fills the
 * template breadth by breadth from the root in the nodes left; the sequence's {@link TokenConstraint}s
 * prune it (forks walk it), end-of-sequence tokens end their branch, and depth is limited to the tokens
 * still wanted and the model's positions. After every forward the matrix row of every fed token is
 * overwritten with the top-k at its position, and every chosen token is promoted to the front of its
 * predecessor's row.
 *
 * <p>Models without {@code attention_bias} and {@code position_ids} cannot take a tree: the best single
 * chain (rank 0 all the way) is verified with the ordinary causal mask instead.
 */
public final class SpeculativeDecoder {
  private final SequenceDecoder seq;
  private final KvCache cache;
  private final TokenRecycler recycler;
  private final TreeTemplate template;
  private final SpeculationTuner tuner;
  private final int fixedSize;
  private final boolean treeAttention;
  private final int maxPositions;
  private final int[] eos;
  private final List<TokenConstraint> constraints;
  private final DraftTree tree;
  private final NgramDrafter ngrams = new NgramDrafter();
  /**
   * While {@code auto} decodes plainly: the tree it would have verified, walked with the tokens actually
   * chosen, so the tuner learns what trees would yield without paying for them (null when none is open).
   */
  private DraftTree shadow;
  private int shadowNode;
  private int shadowSize;
  private final int[] shadowPath;
  private int shadowLength;
  /** The largest tree drafted in the shadow. */
  static final int SHADOW_SIZE = 16;
  /** Plain steps of auto until the next one that recycles its candidates and may open a shadow tree. */
  private int untilSample;
  /** When auto last handed logits out (0: not yet), to measure the caller's work per token. */
  private long handedOutAt;
  private final int[] chain = new int[MAX_CHAIN];
  private final int[] path;
  private int pathLength;
  /** The current tree's logits, or null when the last forward was plain. */
  private Logits treeLogits;
  private int treePast;
  private int treeSize;
  private int current;
  private float[] row;
  private long pendingNanos;
  /** Cache slots of rejected draft tokens, blocked in every later tree until compacted away. */
  private final java.util.BitSet discarded = new java.util.BitSet();
  /** Rejected slots tolerated in the cache before it is compacted (and at least a quarter of it). */
  static final int COMPACT_AT = 256;
  /** The deepest n-gram chain drafted (deeper than the template: a repeated phrase is often accepted whole). */
  static final int MAX_CHAIN = 10;
  private int compactions;
  // statistics
  private int forwards;
  private int treeForwards;
  private long served;
  private long drafted;
  private long acceptedDrafts;
  private long draftNanos;

  /**
   * @param seq the sequence, with its chain and sampler; prefill through {@link #prefill()}
   * @param recycler the candidate matrix (shared across requests)
   * @param template the tree shape (its first nodes are the smaller trees)
   * @param tuner chooses the tree size per forward ({@code auto}); null for a fixed {@code size}
   * @param size the tree size when there is no tuner (1: no drafting)
   * @param eos end-of-sequence ids (never expanded)
   */
  public SpeculativeDecoder(SequenceDecoder seq, ModelCapabilities capabilities, TokenRecycler recycler,
      TreeTemplate template, SpeculationTuner tuner, int size, int[] eos) {
    if (recycler.vocabSize() != capabilities.vocabSize()) {
      throw new IllegalArgumentException("the recycler covers " + recycler.vocabSize() + " tokens; the model has " + capabilities.vocabSize());
    }
    this.seq = seq;
    this.cache = seq.cache();
    this.recycler = recycler;
    this.treeAttention = capabilities.hasAttentionBias() && capabilities.hasPositionIds();
    this.template = treeAttention ? template : TreeTemplate.chain(template.maxDepth());
    this.tuner = tuner;
    this.fixedSize = Math.max(1, size);
    this.maxPositions = capabilities.maxPositions();
    this.eos = eos.clone();
    List<TokenConstraint> cs = new ArrayList<>();
    for (LogitsProcessor p : seq.processors()) {
      if (p instanceof TokenConstraint c) {
        cs.add(c);
      }
    }
    this.constraints = List.copyOf(cs);
    this.tree = new DraftTree(this.template.size());
    this.path = new int[Math.max(this.template.maxDepth(), MAX_CHAIN) + 1];
    this.shadowPath = new int[path.length];
  }

  /** Whether drafts are verified as trees (else as a single chain: the model lacks attention_bias). */
  public boolean treeAttention() {
    return treeAttention;
  }

  /** Runs the prompt, recycling the candidates at every prompt position; returns the first token's logits. */
  public float[] prefill() {
    if (cache.length() != 0) {
      throw new IllegalStateException("prefill runs once, on an empty cache");
    }
    int[] prompt = seq.history().toArray();
    Logits l = seq.forward(ForwardInput.of(prompt).allLogits());
    recycler.update(prompt, l);
    return l.last(0);
  }

  /**
   * The logits for the token after {@code token}, which the caller has just chosen and accepted into the
   * sequence. From the current tree when {@code token} is a drafted child of the node last handed out;
   * otherwise from a new forward with {@code token} as the root.
   *
   * @param wanted how many more tokens the caller may ask for after the one these logits give
   *     (drafting deeper than that is wasted)
   */
  public float[] next(int token, int wanted) {
    if (tuner != null && handedOutAt != 0) {
      // the caller's own work per token (processors, sampler) since the last logits were handed out
      tuner.recordTokenCost(System.nanoTime() - handedOutAt);
    }
    var history = seq.history();
    if (history.length() >= 2) {
      recycler.promote(history.get(history.length() - 2), token);
    }
    if (treeLogits != null) {
      int c = tree.child(current, token);
      if (c >= 0) {
        current = c;
        path[pathLength++] = c;
        served++;
        acceptedDrafts++;
        treeLogits.copyRow(0, c, row);
        return handOut(row);
      }
    }
    long t0 = System.nanoTime();
    closeTree();
    long tb = System.nanoTime(); // closeTree counts its own time
    if (shadow != null) {
      walkShadow(token);
    }
    int size = tuner != null ? tuner.choose() : fixedSize;
    if (size > 1) {
      shadowLength = 0; // a real tree now: the shadow's walk would skip the tokens the tree serves
    }
    int depth = Math.min(Math.max(template.maxDepth(), MAX_CHAIN), wanted);
    if (maxPositions > 0) {
      depth = Math.min(depth, (int) (maxPositions - 1 - cache.nextPosition(0)));
    }
    if (size > 1 && depth > 0) {
      // an n-gram chain first (it takes at most size - 1 nodes), the recycled template in the rest
      int chained = ngrams.draft(seq.history(), Math.min(size - 1, depth), chain);
      // a model without tree attention verifies one chain: the n-gram chain where there is one
      TreeTemplate t = chained > 0 && !treeAttention ? template.prefix(1) : template.prefix(size - chained);
      recycler.draft(token, chain, chained, t, depth, new ConstraintPruner(constraints, eos), tree);
    } else {
      tree.reset(token);
    }
    forwards++;
    served++;
    if (tree.size() == 1) {
      // while auto decodes plainly, its bookkeeping (recycling this forward's candidates, drafting and
      // walking a shadow tree) would cost a few percent of a small model's step for drafts nobody uses:
      // only some plain steps do it, fewer the longer plain decoding has held (the tuner says how many),
      // which keeps the matrix warm for re-measuring trees and the shadows' estimates unbiased (fewer)
      boolean sample = tuner == null || size > 1;
      if (!sample && --untilSample <= 0) {
        sample = true;
        untilSample = tuner.plainSampleInterval();
      }
      if (sample && tuner != null && size == 1 && depth > 0 && shadowLength == 0) {
        openShadow(token, depth);
      }
      long t1 = System.nanoTime();
      Logits l = seq.forward(ForwardInput.of(token));
      long t2 = System.nanoTime();
      if (sample) {
        recycler.update(token, l.values(), 0);
      }
      if (tuner != null) {
        // a plain forward, even where a tree was asked for and nothing could be drafted
        long t3 = System.nanoTime();
        tuner.recordCost(1, t3 - t0);
        draftNanos += (t1 - tb) + (t3 - t2);
      }
      treeLogits = null;
      return handOut(l.takeLast(0));
    }
    int[] fed = tree.tokens();
    treePast = cache.length();
    ForwardInput in = ForwardInput.of(fed).allLogits();
    if (treeAttention) {
      in = in.withPositions(tree.positions(cache.nextPosition(0))).withAttentionBias(tree.attentionBias(treePast, discarded));
    }
    long t1 = System.nanoTime();
    treeLogits = seq.forward(in);
    long t2 = System.nanoTime();
    recycler.update(fed, treeLogits);
    draftNanos += (t1 - t0) + (System.nanoTime() - t2);
    treeForwards++;
    drafted += tree.size() - 1;
    treeSize = size;
    current = 0;
    pathLength = 1;
    path[0] = 0;
    if (row == null) {
      row = new float[treeLogits.vocabSize()];
    }
    treeLogits.copyRow(0, 0, row);
    // the cost of this size includes compacting the cache afterwards: recorded in closeTree
    pendingNanos = System.nanoTime() - t0;
    return handOut(row);
  }

  /** Returns {@code logits} to the caller, noting when (auto measures the caller's work until the next call). */
  private float[] handOut(float[] logits) {
    if (tuner != null) {
      handedOutAt = System.nanoTime();
    }
    return logits;
  }

  /** Drafts the tree a plain step of {@code auto} does not verify, to be walked by the coming tokens. */
  private void openShadow(int token, int depth) {
    if (shadow == null) {
      shadow = new DraftTree(SHADOW_SIZE + MAX_CHAIN);
    }
    shadowSize = Math.min(SHADOW_SIZE, template.size());
    if (shadowSize < 2) {
      return;
    }
    int chained = ngrams.draft(seq.history(), Math.min(shadowSize - 1, depth), chain);
    TreeTemplate t = chained > 0 && !treeAttention ? template.prefix(1) : template.prefix(shadowSize - chained);
    // no pruning: a token the constraints reject is never chosen, so it cannot change what is accepted
    recycler.draft(token, chain, chained, t, depth, DraftFilter.NONE, shadow);
    shadowNode = 0;
    shadowLength = shadow.size() > 1 ? 1 : 0;
  }

  /** Follows the shadow tree with the token just chosen; where it leaves the tree, tells the tuner what it yielded. */
  private void walkShadow(int token) {
    if (shadowLength == 0) {
      return;
    }
    int c = shadow.child(shadowNode, token);
    if (c >= 0) {
      shadowNode = c;
      shadowPath[shadowLength - 1] = shadow.templateId(c);
      shadowLength++;
      return;
    }
    tuner.recordShadowAcceptance(shadowSize, shadowPath, shadowLength - 1);
    shadowLength = 0;
  }

  /** Keeps the accepted path of the current tree in the cache and drops the rest. */
  private void closeTree() {
    if (treeLogits == null) {
      return;
    }
    treeLogits = null;
    long t0 = System.nanoTime();
    if (!treeAttention) {
      cache.truncate(treePast + pathLength); // a chain: the accepted path is its start
    } else {
      // rejected branches stay in the cache, never attended again, until they are worth compacting away:
      // copying the whole cache after every forward would cost more than the forward on a small model
      int[] rejected = new int[tree.size() - pathLength];
      int n = 0;
      for (int node = 0, p = 0; node < tree.size(); node++) {
        if (p < pathLength && path[p] == node) {
          p++;
        } else {
          rejected[n++] = treePast + node;
          discarded.set(treePast + node);
        }
      }
      cache.discard(rejected);
      if (discarded.cardinality() > Math.max(COMPACT_AT, cache.length() / 4)) {
        int[] live = new int[cache.length() - discarded.cardinality()];
        for (int slot = 0, i = 0; slot < cache.length(); slot++) {
          if (!discarded.get(slot)) {
            live[i++] = slot;
          }
        }
        cache.keep(live);
        discarded.clear();
        compactions++;
      }
    }
    draftNanos += System.nanoTime() - t0;
    if (tuner != null) {
      int[] ids = new int[pathLength - 1];
      for (int i = 1; i < pathLength; i++) {
        ids[i - 1] = tree.templateId(path[i]);
      }
      tuner.recordAcceptance(treeSize, ids, ids.length);
      tuner.recordCost(treeSize, pendingNanos + System.nanoTime() - t0);
    }
  }

  /** Forwards after the prefill (tree verifications and plain steps). */
  public int forwards() {
    return forwards;
  }

  /** Tokens whose logits were handed out after the prefill, per forward: 1 for plain decoding. */
  public double acceptedPerForward() {
    return forwards == 0 ? 0 : (double) served / forwards;
  }

  /** Draft tokens verified (tree nodes below the roots). */
  public long drafted() {
    return drafted;
  }

  /** Draft tokens that were chosen (served without a forward of their own). */
  public long acceptedDrafts() {
    return acceptedDrafts;
  }

  /** Adds the statistics under {@code speculative.*}. */
  public void contributeMeasurements(Map<String, Object> into) {
    into.put("speculative.forwards", forwards);
    into.put("speculative.tree_forwards", treeForwards);
    into.put("speculative.accepted_per_forward", Math.round(acceptedPerForward() * 1000) / 1000.0);
    into.put("speculative.drafted", drafted);
    into.put("speculative.accepted_drafts", acceptedDrafts);
    into.put("speculative.acceptance_rate", drafted == 0 ? 0.0 : Math.round(1000.0 * acceptedDrafts / drafted) / 1000.0);
    into.put("speculative.mean_tree_size", treeForwards == 0 ? 1.0 : Math.round(10.0 * (drafted + treeForwards) / treeForwards) / 10.0);
    into.put("speculative.overhead_ms", Math.round(draftNanos / 1e4) / 100.0);
    into.put("speculative.tree_attention", treeAttention);
    into.put("speculative.cache_compactions", compactions);
    if (!treeAttention) {
      into.put("speculative.note", "the model has no attention_bias/position_ids input: drafts are verified as a single chain");
    }
  }
}
