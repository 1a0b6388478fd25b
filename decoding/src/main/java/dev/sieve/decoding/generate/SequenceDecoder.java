package dev.sieve.decoding.generate;

import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.logits.TokenConstraint;
import dev.sieve.decoding.logits.TokenHistory;
import dev.sieve.decoding.logits.TokenMask;
import dev.sieve.decoding.model.ForwardInput;
import dev.sieve.decoding.model.KvCache;
import dev.sieve.decoding.model.LanguageModel;
import dev.sieve.decoding.model.Logits;
import dev.sieve.decoding.sampling.Sampler;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-step loop of one sequence: its KV cache, token history, processor chain and sampler. The
 * {@link Generator} drives it; speculative decoding and beam search build on the same pieces
 * ({@link #fork()} copies the cache, the history, every processor and the sampler).
 *
 * <p><b>Constraints, lazily.</b> {@link TokenConstraint}s at the tail of the chain (no other processor
 * after them) are checked lazily, as DESIGN.md describes: the token is sampled from the logits without
 * their mask, the one token is checked with {@code isAllowed}, and only when one rejects it are the masks
 * filled, applied, and the token sampled again. That is exact for sampling from the masked distribution
 * because nothing after the constraints removes tokens. A constraint followed by another processor is
 * applied eagerly (its {@code process}, which masks), and so are all constraints when logprobs are
 * requested (logprobs are of the masked distribution).
 *
 * <p>Not thread-safe: one decoder per sequence.
 */
public final class SequenceDecoder implements AutoCloseable {
  private final LanguageModel model;
  private final KvCache cache;
  private final TokenHistory history;
  private final List<LogitsProcessor> eager;
  private final List<TokenConstraint> lazy;
  private final List<TokenConstraint> constraints;
  private final List<LogitsProcessor> all;
  private final Sampler sampler;
  private final TokenMask mask;
  private long forwardNanos;
  private int resamples;
  private int lazyChecks;
  private final boolean eagerConstraints;

  /**
   * @param chain the processors, in order
   * @param eagerConstraints apply every constraint eagerly (no lazy check)
   */
  public SequenceDecoder(LanguageModel model, int[] prompt, List<LogitsProcessor> chain, Sampler sampler,
      boolean eagerConstraints) {
    this(model, model.newCache(1), new TokenHistory(prompt), chain, sampler, eagerConstraints);
  }

  private SequenceDecoder(LanguageModel model, KvCache cache, TokenHistory history, List<LogitsProcessor> chain,
      Sampler sampler, boolean eagerConstraints) {
    this.model = model;
    this.cache = cache;
    this.history = history;
    this.sampler = sampler;
    this.eagerConstraints = eagerConstraints;
    this.all = List.copyOf(chain);
    int tail = chain.size();
    if (!eagerConstraints) {
      while (tail > 0 && chain.get(tail - 1) instanceof TokenConstraint) {
        tail--;
      }
    }
    this.eager = List.copyOf(chain.subList(0, tail));
    List<TokenConstraint> lz = new ArrayList<>();
    for (LogitsProcessor p : chain.subList(tail, chain.size())) {
      lz.add((TokenConstraint) p);
    }
    this.lazy = List.copyOf(lz);
    List<TokenConstraint> cs = new ArrayList<>();
    for (LogitsProcessor p : chain) {
      if (p instanceof TokenConstraint c) {
        cs.add(c);
      }
    }
    this.constraints = List.copyOf(cs);
    this.mask = lazy.isEmpty() ? null : new TokenMask(model.capabilities().vocabSize());
  }

  /** Runs the prompt (the history so far) through the model; returns the next token's logits. */
  public float[] prefill() {
    if (cache.length() != 0) {
      throw new IllegalStateException("prefill runs once, on an empty cache");
    }
    return forward(history.toArray());
  }

  /**
   * Runs the prompt through the model with the caller's positions and attention bias (a set-based prompt's
   * layout); the input's tokens must be the history's. Returns the next token's logits.
   */
  public float[] prefill(ForwardInput input) {
    if (cache.length() != 0) {
      throw new IllegalStateException("prefill runs once, on an empty cache");
    }
    if (input.batch() != 1 || input.length() != history.length()) {
      throw new IllegalArgumentException("the prefill input has " + input.length() + " tokens, the prompt " + history.length());
    }
    return forward(input.lastLogits()).takeLast(0);
  }

  /** Feeds tokens already accepted (e.g. the chosen token); returns the next token's logits. */
  public float[] feed(int... tokens) {
    return forward(tokens);
  }

  private float[] forward(int[] tokens) {
    return forward(ForwardInput.of(tokens)).takeLast(0);
  }

  /**
   * Any forward on this sequence's cache (e.g. a draft tree with explicit positions and attention bias,
   * returning every position's logits), counted in {@link #forwardNanos()}. The history is not changed:
   * accept the tokens that stay and {@link KvCache#keep}/{@link KvCache#truncate} the cache accordingly.
   */
  public Logits forward(ForwardInput input) {
    long t0 = System.nanoTime();
    Logits l = model.forward(cache, input);
    forwardNanos += System.nanoTime() - t0;
    return l;
  }

  /**
   * Forgets the last {@code n} accepted tokens: drops them from the history and the cache and rolls back
   * every processor. The sampler's random stream is not rewound. The cache keeps all but the last token
   * of the history: {@code feed(history().last())} then gives the logits for the next token.
   */
  public void rollback(int n) {
    if (n < 0 || n > history.generatedLength()) {
      throw new IllegalArgumentException("cannot roll back " + n + " of " + history.generatedLength() + " generated tokens");
    }
    if (n == 0) {
      return;
    }
    history.truncate(n);
    cache.truncate(Math.min(cache.length(), history.length() - 1));
    for (LogitsProcessor p : all) {
      p.rollback(n);
    }
  }

  /**
   * Runs the chain on {@code logits} (rewritten in place into the processed scores) and samples a token.
   * The token is not yet accepted: call {@link #accept(int)}.
   */
  public int choose(float[] logits) {
    for (LogitsProcessor p : eager) {
      p.process(history, logits);
    }
    if (lazy.isEmpty()) {
      return sampler.sample(logits);
    }
    int token = sampler.sample(logits);
    lazyChecks++;
    boolean ok = true;
    for (TokenConstraint c : lazy) {
      ok &= c.isAllowed(token);
    }
    if (ok) {
      return token;
    }
    resamples++;
    for (TokenConstraint c : lazy) {
      c.fillMask(mask);
      mask.apply(logits);
    }
    return sampler.sample(logits);
  }

  /** Appends the chosen token to the history and tells every processor. */
  public void accept(int token) {
    history.append(token);
    for (LogitsProcessor p : all) {
      p.accept(token);
    }
  }

  /** Whether some constraint allows nothing but end of sequence now. */
  public boolean constraintFinished() {
    for (TokenConstraint c : constraints) {
      if (c.isFinished()) {
        return true;
      }
    }
    return false;
  }

  /** An independent copy: cache, history, processors and sampler state. */
  public SequenceDecoder fork() {
    List<LogitsProcessor> forked = new ArrayList<>(all.size());
    for (LogitsProcessor p : all) {
      forked.add(p.fork());
    }
    return new SequenceDecoder(model, cache.fork(), history.copy(), forked, sampler.fork(), eagerConstraints);
  }

  public TokenHistory history() {
    return history;
  }

  public KvCache cache() {
    return cache;
  }

  public List<LogitsProcessor> processors() {
    return all;
  }

  public Sampler sampler() {
    return sampler;
  }

  /** Nanoseconds spent inside the model's forward passes. */
  public long forwardNanos() {
    return forwardNanos;
  }

  /** Lazy constraint checks done, and how many of them had to mask and resample. */
  public int lazyChecks() {
    return lazyChecks;
  }

  public int resamples() {
    return resamples;
  }

  @Override
  public void close() {
    cache.close();
  }
}
