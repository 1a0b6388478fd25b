package dev.sieve.bench;

import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.ForwardInput;
import dev.sieve.decoding.model.KvCache;
import dev.sieve.decoding.model.Logits;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.speculative.DraftFilter;
import dev.sieve.decoding.speculative.DraftTree;
import dev.sieve.decoding.speculative.TokenRecycler;
import dev.sieve.decoding.speculative.TreeTemplate;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one verification step on the bundled model after a 96-token context, per draft tree size:
 * draft the tree from a warm recycler, feed it with tree attention and every position's logits, recycle
 * the top-k of every position, keep a 3-token accepted path in the cache. Size 1 is a plain decode step
 * (one token, last logits). Dividing a size's time by the plain step's gives the tokens per forward a tree
 * of that size must accept to pay for itself.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class TreeVerificationBenchmark {
  @Param({"1", "4", "8", "16", "32", "48", "80"})
  public int nodes;

  private OnnxLanguageModel model;
  private KvCache cache;
  private TokenRecycler recycler;
  private TreeTemplate template;
  private final DraftTree tree = new DraftTree(80);
  private int past;
  private int root;

  @Setup(Level.Trial)
  public void load() {
    model = OnnxLanguageModel.load(BundledModel.path());
    StringBuilder text = new StringBuilder();
    while (model.tokenizer().encode(text.toString()).length < 96) {
      text.append("The river runs past the old mill and into the town, where children play by the water. ");
    }
    int[] all = model.tokenizer().encode(text.toString());
    int[] prompt = java.util.Arrays.copyOf(all, 96);
    cache = model.newCache(1);
    recycler = new TokenRecycler(model.capabilities().vocabSize());
    Logits l = model.forward(cache, ForwardInput.of(prompt).allLogits());
    recycler.update(prompt, l);
    past = cache.length();
    root = prompt[prompt.length - 1];
    // fill every row the tree could touch, so trees are full
    for (int id = 0; id < model.capabilities().vocabSize(); id++) {
      if (recycler.candidate(id, 0) < 0) {
        recycler.update(id, l.values(), (id % prompt.length) * model.capabilities().vocabSize());
      }
    }
    template = TreeTemplate.standard().prefix(nodes);
  }

  @Setup(Level.Invocation)
  public void restore() {
    if (cache.length() != past) {
      cache.truncate(past);
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    cache.close();
    model.close();
  }

  @Benchmark
  public Logits verify() {
    if (nodes == 1) {
      Logits l = model.forward(cache, ForwardInput.of(root));
      recycler.update(root, l.values(), 0);
      return l;
    }
    recycler.draft(root, template, 6, DraftFilter.NONE, tree);
    int[] fed = tree.tokens();
    Logits l = model.forward(cache, ForwardInput.of(fed).withPositions(tree.positions(past))
        .withAttentionBias(tree.attentionBias(past)).allLogits());
    recycler.update(fed, l);
    int[] slots = new int[past + 3];
    for (int i = 0; i < past; i++) {
      slots[i] = i;
    }
    int deepest = 0;
    for (int i = 0; i < tree.size(); i++) {
      if (tree.depth(i) <= 2 && tree.depth(i) > tree.depth(deepest)) {
        deepest = i;
      }
    }
    // the path root -> ... -> deepest (depth 2 at most), padded with the root's first child
    int[] path = {0, tree.depth(deepest) >= 1 ? (tree.depth(deepest) == 2 ? tree.parent(deepest) : deepest) : 1, deepest};
    int n = 0;
    for (int p : path) {
      if (n == 0 || p > slots[past + n - 1] - past) {
        slots[past + n++] = past + p;
      }
    }
    cache.keep(java.util.Arrays.copyOf(slots, past + n));
    return l;
  }
}
