package dev.sieve.decoding.generate;

import dev.sieve.decoding.speculative.SpeculativeMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * How to generate: plain values with the meaning (and names) of Hugging Face transformers'
 * {@code GenerationConfig}. Immutable; change it through {@link #toBuilder()}.
 *
 * <p>The sampling values (temperature, top-k, top-p, min-p, penalties) are read by the
 * {@link DecodingChainFactory} that builds the processor chain; the generator itself uses the length
 * limits, end-of-sequence ids, stop strings, seed and logprob settings.
 *
 * <p>{@link #fromGenerationConfig(Map)} reads a model's generation_config.json; absent values keep the
 * transformers defaults (do_sample false, temperature 1, top-k 50, top-p 1, repetition penalty 1).
 */
public final class GenerationConfig {
  /** The default draft tree: 80 nodes, as in the Token Recycling paper. */
  public static final int DEFAULT_DRAFT_TREE_SIZE = 80;
  /** The most beams beam search takes (each beam holds its own KV cache). */
  public static final int MAX_BEAMS = 64;
  private final int maxNewTokens;
  private final int minNewTokens;
  private final int[] eosTokenIds;
  private final boolean doSample;
  private final double temperature;
  private final int topK;
  private final double topP;
  private final double minP;
  private final double repetitionPenalty;
  private final double frequencyPenalty;
  private final double presencePenalty;
  private final List<String> stopStrings;
  private final Long seed;
  private final boolean logprobs;
  private final int topLogprobs;
  private final SpeculativeMode speculative;
  private final int draftTreeSize;
  private final int numBeams;

  private GenerationConfig(Builder b) {
    this.maxNewTokens = b.maxNewTokens;
    this.minNewTokens = b.minNewTokens;
    this.eosTokenIds = b.eosTokenIds == null ? null : b.eosTokenIds.clone();
    this.doSample = b.doSample;
    this.temperature = b.temperature;
    this.topK = b.topK;
    this.topP = b.topP;
    this.minP = b.minP;
    this.repetitionPenalty = b.repetitionPenalty;
    this.frequencyPenalty = b.frequencyPenalty;
    this.presencePenalty = b.presencePenalty;
    this.stopStrings = List.copyOf(b.stopStrings);
    this.seed = b.seed;
    this.logprobs = b.logprobs;
    this.topLogprobs = b.topLogprobs;
    this.speculative = b.speculative;
    this.draftTreeSize = b.draftTreeSize;
    this.numBeams = b.numBeams;
  }

  /** The transformers defaults: greedy, 256 new tokens at most, end-of-sequence ids from the vocabulary. */
  public static GenerationConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads generation_config.json's values (max_new_tokens, max_length is ignored, min_new_tokens,
   * eos_token_id as a number or a list, do_sample, temperature, top_k, top_p, min_p,
   * repetition_penalty); unknown keys are ignored, absent ones keep the defaults.
   */
  public static GenerationConfig fromGenerationConfig(Map<String, Object> json) {
    Builder b = builder();
    if (json == null) {
      return b.build();
    }
    if (json.get("max_new_tokens") instanceof Number n) b.maxNewTokens(n.intValue());
    if (json.get("min_new_tokens") instanceof Number n) b.minNewTokens(n.intValue());
    Object eos = json.get("eos_token_id");
    if (eos instanceof Number n) {
      b.eosTokenIds(n.intValue());
    } else if (eos instanceof List<?> list && !list.isEmpty()) {
      b.eosTokenIds(list.stream().mapToInt(o -> ((Number) o).intValue()).toArray());
    }
    if (json.get("do_sample") instanceof Boolean s) b.doSample(s);
    if (json.get("temperature") instanceof Number n) b.temperature(n.doubleValue());
    if (json.get("top_k") instanceof Number n) b.topK(n.intValue());
    if (json.get("top_p") instanceof Number n) b.topP(n.doubleValue());
    if (json.get("min_p") instanceof Number n) b.minP(n.doubleValue());
    if (json.get("repetition_penalty") instanceof Number n) b.repetitionPenalty(n.doubleValue());
    return b.build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxNewTokens = maxNewTokens;
    b.minNewTokens = minNewTokens;
    b.eosTokenIds = eosTokenIds == null ? null : eosTokenIds.clone();
    b.doSample = doSample;
    b.temperature = temperature;
    b.topK = topK;
    b.topP = topP;
    b.minP = minP;
    b.repetitionPenalty = repetitionPenalty;
    b.frequencyPenalty = frequencyPenalty;
    b.presencePenalty = presencePenalty;
    b.stopStrings = new ArrayList<>(stopStrings);
    b.seed = seed;
    b.logprobs = logprobs;
    b.topLogprobs = topLogprobs;
    b.speculative = speculative;
    b.draftTreeSize = draftTreeSize;
    b.numBeams = numBeams;
    return b;
  }

  public int maxNewTokens() { return maxNewTokens; }
  public int minNewTokens() { return minNewTokens; }
  /** The ids that end a sequence; {@code null} means the model vocabulary's. */
  public int[] eosTokenIds() { return eosTokenIds == null ? null : eosTokenIds.clone(); }
  public boolean doSample() { return doSample; }
  public double temperature() { return temperature; }
  /** 0 disables top-k. */
  public int topK() { return topK; }
  /** 1 disables top-p. */
  public double topP() { return topP; }
  /** 0 disables min-p. */
  public double minP() { return minP; }
  /** 1 disables the repetition penalty. */
  public double repetitionPenalty() { return repetitionPenalty; }
  /** 0 disables the frequency penalty. */
  public double frequencyPenalty() { return frequencyPenalty; }
  /** 0 disables the presence penalty. */
  public double presencePenalty() { return presencePenalty; }
  public List<String> stopStrings() { return stopStrings; }
  public OptionalLong seed() { return seed == null ? OptionalLong.empty() : OptionalLong.of(seed); }
  /** Whether each token's logprob is reported. */
  public boolean logprobs() { return logprobs; }
  /** How many alternatives each reported logprob lists. */
  public int topLogprobs() { return topLogprobs; }
  /** Speculative decoding by token recycling: none (the default), a fixed tree, or auto-sized. */
  public SpeculativeMode speculative() { return speculative; }
  /** Draft tree nodes (root included) for {@code recycle}, and the largest tree {@code auto} tries. */
  public int draftTreeSize() { return draftTreeSize; }
  /** Beams of beam search; 1 (the default) is ordinary decoding by the sampler. */
  public int numBeams() { return numBeams; }

  @Override
  public String toString() {
    return "GenerationConfig[maxNewTokens=" + maxNewTokens + ", minNewTokens=" + minNewTokens
        + ", eos=" + (eosTokenIds == null ? "vocabulary" : Arrays.toString(eosTokenIds))
        + ", doSample=" + doSample + ", temperature=" + temperature + ", topK=" + topK + ", topP=" + topP
        + ", minP=" + minP + ", repetitionPenalty=" + repetitionPenalty + ", frequencyPenalty=" + frequencyPenalty
        + ", presencePenalty=" + presencePenalty + ", stop=" + stopStrings + ", seed=" + seed
        + ", logprobs=" + logprobs + "/" + topLogprobs
        + (speculative != SpeculativeMode.NONE ? ", speculative=" + speculative.label() + "/" + draftTreeSize : "")
        + (numBeams > 1 ? ", numBeams=" + numBeams : "") + "]";
  }

  /** Builds a {@link GenerationConfig}; every setter checks its value at once. */
  public static final class Builder {
    private int maxNewTokens = 256;
    private int minNewTokens = 0;
    private int[] eosTokenIds;
    private boolean doSample = false;
    private double temperature = 1.0;
    private int topK = 50;
    private double topP = 1.0;
    private double minP = 0.0;
    private double repetitionPenalty = 1.0;
    private double frequencyPenalty = 0.0;
    private double presencePenalty = 0.0;
    private List<String> stopStrings = new ArrayList<>();
    private Long seed;
    private boolean logprobs;
    private int topLogprobs;
    private SpeculativeMode speculative = SpeculativeMode.NONE;
    private int draftTreeSize = DEFAULT_DRAFT_TREE_SIZE;
    private int numBeams = 1;

    private Builder() {}

    /**
     * Beam search with {@code n} beams (transformers' {@code num_beams}, without sampling): the output is the
     * ended beam of the highest sum of log-probabilities of the processed scores, so constraints and other
     * processors apply to every beam, each with its own forked state. Needs {@code doSample(false)}; not
     * with speculative decoding, logprobs or set-based prompts. 1 turns it off.
     */
    public Builder numBeams(int n) {
      if (n < 1 || n > MAX_BEAMS) throw new IllegalArgumentException("the number of beams must be in [1, " + MAX_BEAMS + "], got " + n);
      this.numBeams = n;
      return this;
    }

    /**
     * Speculative decoding (token recycling). The output is the same as without it, token for token;
     * only the number of forward passes changes.
     */
    public Builder speculative(SpeculativeMode mode) {
      this.speculative = java.util.Objects.requireNonNull(mode, "speculative mode");
      return this;
    }

    /** Draft tree nodes, root included, in [2, 256]: the fixed size of {@code recycle}, the largest of {@code auto}. */
    public Builder draftTreeSize(int nodes) {
      if (nodes < 2 || nodes > 256) throw new IllegalArgumentException("draft tree size must be in [2, 256] nodes, got " + nodes);
      this.draftTreeSize = nodes;
      return this;
    }

    public Builder maxNewTokens(int n) {
      if (n < 0) throw new IllegalArgumentException("max new tokens must be >= 0, got " + n);
      this.maxNewTokens = n;
      return this;
    }

    public Builder minNewTokens(int n) {
      if (n < 0) throw new IllegalArgumentException("min new tokens must be >= 0, got " + n);
      this.minNewTokens = n;
      return this;
    }

    /** The ids that end a sequence; with none given the vocabulary's are used. */
    public Builder eosTokenIds(int... ids) {
      this.eosTokenIds = ids == null ? null : ids.clone();
      return this;
    }

    public Builder doSample(boolean s) {
      this.doSample = s;
      return this;
    }

    public Builder temperature(double t) {
      if (!(t > 0) || Double.isInfinite(t)) throw new IllegalArgumentException("temperature must be a positive number, got " + t);
      this.temperature = t;
      return this;
    }

    public Builder topK(int k) {
      if (k < 0) throw new IllegalArgumentException("top-k must be >= 0 (0 disables it), got " + k);
      this.topK = k;
      return this;
    }

    public Builder topP(double p) {
      if (!(p > 0 && p <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + p);
      this.topP = p;
      return this;
    }

    public Builder minP(double p) {
      if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("min-p must be in [0, 1], got " + p);
      this.minP = p;
      return this;
    }

    public Builder repetitionPenalty(double p) {
      if (!(p > 0) || Double.isInfinite(p)) throw new IllegalArgumentException("repetition penalty must be a positive number, got " + p);
      this.repetitionPenalty = p;
      return this;
    }

    public Builder frequencyPenalty(double p) {
      if (!Double.isFinite(p)) throw new IllegalArgumentException("frequency penalty must be finite, got " + p);
      this.frequencyPenalty = p;
      return this;
    }

    public Builder presencePenalty(double p) {
      if (!Double.isFinite(p)) throw new IllegalArgumentException("presence penalty must be finite, got " + p);
      this.presencePenalty = p;
      return this;
    }

    /** Strings that end the generation when they appear in the output (they are left out of the text). */
    public Builder stopStrings(List<String> stops) {
      for (String s : stops) {
        if (s == null || s.isEmpty()) throw new IllegalArgumentException("a stop string must not be empty");
      }
      this.stopStrings = new ArrayList<>(stops);
      return this;
    }

    public Builder addStopString(String stop) {
      if (stop == null || stop.isEmpty()) throw new IllegalArgumentException("a stop string must not be empty");
      this.stopStrings.add(stop);
      return this;
    }

    /** The sampler's seed: the same seed gives the same output on any machine. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder clearSeed() {
      this.seed = null;
      return this;
    }

    /** Report each token's logprob with the {@code top} most likely alternatives (0 for none). */
    public Builder logprobs(int top) {
      if (top < 0) throw new IllegalArgumentException("top logprobs must be >= 0, got " + top);
      this.logprobs = true;
      this.topLogprobs = top;
      return this;
    }

    public Builder noLogprobs() {
      this.logprobs = false;
      this.topLogprobs = 0;
      return this;
    }

    public GenerationConfig build() {
      if (minNewTokens > maxNewTokens) {
        throw new IllegalArgumentException("min new tokens " + minNewTokens + " exceeds max new tokens " + maxNewTokens);
      }
      return new GenerationConfig(this);
    }
  }
}
