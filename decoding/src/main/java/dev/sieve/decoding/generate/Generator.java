package dev.sieve.decoding.generate;

import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.logits.MeasuringProcessor;
import dev.sieve.decoding.model.LanguageModel;
import dev.sieve.decoding.model.ModelException;
import dev.sieve.decoding.prompt.PromptLayout;
import dev.sieve.decoding.sampling.GreedySampler;
import dev.sieve.decoding.sampling.Sampler;
import dev.sieve.decoding.speculative.SpeculationTuner;
import dev.sieve.decoding.speculative.SpeculativeDecoder;
import dev.sieve.decoding.speculative.SpeculativeMode;
import dev.sieve.decoding.speculative.TokenRecycler;
import dev.sieve.decoding.speculative.TreeTemplate;
import dev.sieve.decoding.tokenizer.StreamingDetokenizer;
import dev.sieve.decoding.tokenizer.Tokenizer;
import dev.sieve.decoding.tokenizer.Vocabulary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Generates text with a {@link LanguageModel}: prompt in (text, token ids or chat messages), tokens out,
 * through a chain of logits processors and a sampler. Thread-safe: one generator (and one model) serves
 * concurrent {@link #generate} calls, each with its own KV cache and processor state.
 *
 * <pre>{@code
 * try (OnnxLanguageModel model = OnnxLanguageModel.load(BundledModel.path())) {
 *   Generator generator = new Generator(model);
 *   GenerationResult r = generator.generate(
 *       GenerationRequest.chat(List.of(ChatMessage.user("Write a haiku about rain.")))
 *           .withConfig(generator.defaults().toBuilder().maxNewTokens(64).addStopString("\n\n").build())
 *           .withListener((i, token, delta, lp) -> System.out.print(delta)));
 *   System.out.println(r.finishReason() + " " + r.timings().tokensPerSecond() + " tokens/s");
 * }
 * }</pre>
 *
 * <p>The chain comes from a {@link DecodingChainFactory}: the one given to the constructor, else the first
 * registered with {@link ServiceLoader}, else {@link StandardChainFactory} (penalties, the request's
 * processors, then temperature/top-k/top-p/min-p and a seeded multinomial sampler when {@code do_sample},
 * argmax otherwise).
 */
public final class Generator {
  private final LanguageModel model;
  private final DecodingChainFactory factory;
  private final GenerationConfig defaults;
  private final ChatTemplate chatTemplate;
  /** Speculative decoding's state, kept across requests: the candidate matrix and the auto mode's measurements. */
  private final TokenRecycler recycler;
  private final Map<Integer, SpeculationTuner> tuners = new java.util.concurrent.ConcurrentHashMap<>();

  public Generator(LanguageModel model) {
    this(model, discoverFactory());
  }

  public Generator(LanguageModel model, DecodingChainFactory factory) {
    this.model = model;
    this.factory = factory;
    this.defaults = GenerationConfig.fromGenerationConfig(model.generationConfig());
    this.chatTemplate = model.chatTemplate().map(t -> new ChatTemplate(t, templateVariables(model))).orElse(null);
    this.recycler = new TokenRecycler(model.capabilities().vocabSize());
  }

  /** The token-recycling matrix speculative requests draft from (shared by every request of this generator). */
  public TokenRecycler recycler() {
    return recycler;
  }

  /** The {@code auto} mode's measurements for trees of at most {@code maxTreeSize} nodes. */
  public SpeculationTuner tuner(int maxTreeSize) {
    return tuners.computeIfAbsent(maxTreeSize, SpeculationTuner::forTemplate);
  }

  /** Forgets what speculative decoding learnt: recycled candidates and measured costs (a cold start). */
  public void resetSpeculation() {
    recycler.reset();
    tuners.values().forEach(SpeculationTuner::reset);
  }

  private SpeculativeDecoder speculativeDecoder(GenerationConfig config, SequenceDecoder seq, int[] eos) {
    if (config.speculative() == SpeculativeMode.NONE) {
      return null;
    }
    int size = config.draftTreeSize();
    TreeTemplate template = size <= TreeTemplate.standard().size() ? TreeTemplate.standard().prefix(size)
        : TreeTemplate.best(size, TreeTemplate.standard().maxDepth(), TokenRecycler.DEFAULT_K);
    SpeculationTuner tuner = config.speculative() == SpeculativeMode.AUTO ? tuner(template.size()) : null;
    return new SpeculativeDecoder(seq, model.capabilities(), recycler, template, tuner, template.size(), eos);
  }

  private static Map<String, Object> templateVariables(LanguageModel model) {
    Map<String, Object> vars = new HashMap<>();
    Vocabulary v = model.tokenizer().vocabulary();
    int[] eos = v.eosTokenIds();
    if (eos.length > 0 && v.exists(eos[0])) {
      String text = new String(v.tokenBytes(eos[0]), java.nio.charset.StandardCharsets.UTF_8);
      vars.put("eos_token", text);
      vars.put("bos_token", text);
    }
    return vars;
  }

  private static DecodingChainFactory discoverFactory() {
    for (DecodingChainFactory f : ServiceLoader.load(DecodingChainFactory.class)) {
      return f;
    }
    return StandardChainFactory.INSTANCE;
  }

  /** Request processors in the given order, then argmax; refuses sampling configurations. */
  static final DecodingChainFactory GREEDY_ONLY = new DecodingChainFactory() {
    @Override
    public List<LogitsProcessor> processors(GenerationConfig config, Vocabulary vocabulary, List<LogitsProcessor> requestProcessors) {
      return requestProcessors;
    }

    @Override
    public Sampler sampler(GenerationConfig config) {
      if (config.doSample()) {
        throw new IllegalStateException("sampling (do_sample) needs a DecodingChainFactory with a sampling chain; "
            + "none was given or registered, so only greedy decoding is available (set doSample(false) or pass a sampler)");
      }
      return GreedySampler.INSTANCE;
    }
  };

  public LanguageModel model() {
    return model;
  }

  /** The model's generation defaults (generation_config.json). */
  public GenerationConfig defaults() {
    return defaults;
  }

  /** The model's chat template, if it has one. */
  public java.util.Optional<ChatTemplate> chatTemplate() {
    return java.util.Optional.ofNullable(chatTemplate);
  }

  /** Generates from a plain-text prompt with the model's defaults. */
  public GenerationResult generate(String prompt) {
    return generate(GenerationRequest.text(prompt));
  }

  /** The prompt's token ids as they will be fed (a set-based prompt's in its layout's canonical order). */
  public int[] promptTokens(GenerationRequest request) {
    Tokenizer tok = model.tokenizer();
    return switch (request.kind()) {
      case SET_BASED -> promptLayout(request).tokens();
      case TEXT -> tok.encode(request.promptText());
      case TOKENS -> request.promptTokens();
      case CHAT -> {
        if (chatTemplate == null) {
          throw new ModelException("the model has no chat template (tokenizer_config.json chat_template), so it cannot take chat messages");
        }
        yield tok.encodeWithSpecialTokens(chatTemplate.render(request.messages(), true));
      }
    };
  }

  /**
   * A set-based request's layout: token ids, positions and attention bias.
   *
   * @throws ModelException when the model has no attention_bias (or position_ids) input, or a chat is given
   *     to a model without a chat template
   * @throws IllegalArgumentException when the request is not set-based or the prompt cannot be laid out
   */
  public PromptLayout promptLayout(GenerationRequest request) {
    if (request.kind() != GenerationRequest.PromptKind.SET_BASED) {
      throw new IllegalArgumentException("a " + request.kind() + " prompt has no set-based layout");
    }
    PromptLayout.requireSupport(model.capabilities());
    if (request.layout() != null) {
      return request.layout();
    }
    if (request.segments() != null) {
      return PromptLayout.encode(request.segments(), model.tokenizer());
    }
    if (chatTemplate == null) {
      throw new ModelException("the model has no chat template (tokenizer_config.json chat_template), so it cannot take chat messages");
    }
    return PromptLayout.encodeChat(request.segmentedMessages(), chatTemplate, model.tokenizer());
  }

  /** Runs one generation to its end. */
  public GenerationResult generate(GenerationRequest request) {
    long start = System.nanoTime();
    GenerationConfig config = request.config() != null ? request.config() : defaults;
    Vocabulary vocab = model.tokenizer().vocabulary();
    PromptLayout layout = request.kind() == GenerationRequest.PromptKind.SET_BASED ? promptLayout(request) : null;
    int[] prompt = layout != null ? layout.tokens() : promptTokens(request);
    if (prompt.length == 0) {
      throw new IllegalArgumentException("the prompt is empty: there is nothing to continue");
    }
    int maxPositions = model.capabilities().maxPositions();
    if (maxPositions > 0 && prompt.length >= maxPositions) {
      throw new IllegalArgumentException("the prompt has " + prompt.length + " tokens; the model takes at most " + maxPositions);
    }
    int[] eos = config.eosTokenIds() != null ? config.eosTokenIds() : vocab.eosTokenIds();
    if (config.numBeams() > 1) {
      return generateBeams(request, config, prompt, eos, start);
    }
    Sampler sampler = request.sampler() != null ? request.sampler() : factory.sampler(config);
    List<LogitsProcessor> chain = factory.processors(config, vocab, request.processors());
    GenerationListener listener = request.listener();
    StreamingDetokenizer detok = new StreamingDetokenizer(vocab);
    StopStrings stops = new StopStrings(config.stopStrings());
    StringBuilder text = new StringBuilder();
    List<Integer> generated = new ArrayList<>();
    List<TokenLogprob> logprobs = new ArrayList<>();
    FinishReason reason = FinishReason.LENGTH;
    int maxNew = config.maxNewTokens();
    if (maxPositions > 0) {
      maxNew = Math.min(maxNew, maxPositions - prompt.length);
    }

    double prefillMs;
    long decodeStart;
    try (SequenceDecoder seq = new SequenceDecoder(model, prompt, chain, sampler, config.logprobs())) {
      SpeculativeDecoder spec = speculativeDecoder(config, seq, eos);
      long p0 = System.nanoTime();
      // A set-based prompt prefills through its layout (shared positions, members blind to each other). The
      // speculative decoder then drafts as usual: it places drafts at the cache's next position (one past the
      // layout's largest, not the cache length) and lets them see every slot; its recycler learns from
      // generated tokens only. Checked token for token against plain decoding in SetBasedGenerationTest.
      float[] logits = maxNew <= 0 ? null
          : layout != null ? seq.prefill(layout.forwardInput())
          : spec != null ? spec.prefill() : seq.prefill();
      decodeStart = System.nanoTime();
      prefillMs = (decodeStart - p0) / 1e6;
      for (int step = 0; step < maxNew; step++) {
        if (seq.constraintFinished()) {
          reason = FinishReason.CONSTRAINT;
          break;
        }
        int token = seq.choose(logits);
        TokenLogprob lp = config.logprobs() ? Logprobs.of(logits, token, config.topLogprobs()) : null;
        seq.accept(token);
        if (contains(eos, token)) {
          reason = FinishReason.EOS;
          if (lp != null) {
            logprobs.add(lp);
          }
          break;
        }
        generated.add(token);
        if (lp != null) {
          logprobs.add(lp);
        }
        String delta = stops.push(detok.push(token));
        text.append(delta);
        if (listener != null) {
          listener.onToken(step, token, delta, lp);
        }
        if (stops.stopped()) {
          reason = FinishReason.STOP;
          break;
        }
        if (seq.constraintFinished()) {
          // Checked before the next forward: a finished constraint needs no more logits, and it is the
          // reason even when this was the last token the length allowed.
          reason = FinishReason.CONSTRAINT;
          break;
        }
        if (step + 1 < maxNew) {
          logits = spec != null ? spec.next(token, maxNew - step - 2) : seq.feed(token);
        }
      }
      if (reason != FinishReason.STOP) {
        String tail = stops.push(detok.flush()) + stops.flush();
        if (stops.stopped()) {
          reason = FinishReason.STOP;
        }
        if (!tail.isEmpty()) {
          text.append(tail);
          if (listener != null) {
            listener.onTrailingText(tail);
          }
        }
      }
      long end = System.nanoTime();
      Map<String, Object> measurements = new LinkedHashMap<>();
      if (seq.lazyChecks() > 0) {
        measurements.put("constraint.lazy_checks", seq.lazyChecks());
        measurements.put("constraint.resamples", seq.resamples());
      }
      if (spec != null) {
        spec.contributeMeasurements(measurements);
      }
      for (LogitsProcessor p : chain) {
        if (p instanceof MeasuringProcessor m) {
          m.contributeMeasurements(measurements);
        }
      }
      Timings timings = new Timings(prefillMs, maxNew > 0 ? (end - decodeStart) / 1e6 : 0, seq.forwardNanos() / 1e6,
          (end - start) / 1e6, generated.size());
      GenerationResult result = new GenerationResult(text.toString(), generated.stream().mapToInt(Integer::intValue).toArray(),
          prompt, reason, logprobs, timings, measurements);
      if (listener != null) {
        listener.onFinish(result);
      }
      return result;
    }
  }

  /**
   * Beam search ({@link GenerationConfig#numBeams()} beams): every beam runs the whole chain with its own
   * forked processors, so a constraint holds in each. The best ended beam is the result; its tokens reach
   * the listener when the search ends (beams cannot stream), then stop strings and the text are handled as
   * in ordinary decoding.
   */
  private GenerationResult generateBeams(GenerationRequest request, GenerationConfig config, int[] prompt, int[] eos,
      long start) {
    int n = config.numBeams();
    if (config.doSample()) {
      throw new IllegalArgumentException("beam search (" + n + " beams) does not sample: set do_sample false");
    }
    if (config.speculative() != SpeculativeMode.NONE) {
      throw new IllegalArgumentException("beam search (" + n + " beams) cannot be combined with speculative decoding");
    }
    if (config.logprobs()) {
      throw new IllegalArgumentException("beam search (" + n + " beams) does not report logprobs");
    }
    if (request.kind() == GenerationRequest.PromptKind.SET_BASED) {
      throw new IllegalArgumentException("beam search (" + n + " beams) does not take set-based prompts");
    }
    Vocabulary vocab = model.tokenizer().vocabulary();
    int maxNew = config.maxNewTokens();
    int maxPositions = model.capabilities().maxPositions();
    if (maxPositions > 0) {
      maxNew = Math.min(maxNew, maxPositions - prompt.length);
    }
    List<LogitsProcessor> chain = factory.processors(config, vocab, request.processors());
    GenerationListener listener = request.listener();
    BeamSearch.Beam best = null;
    BeamSearch.Outcome outcome = null;
    if (maxNew > 0) {
      outcome = new BeamSearch(model, n, maxNew).search(prompt, chain, eos, config.stopStrings(), vocab);
      best = outcome.beams().isEmpty() ? null : outcome.beams().get(0);
    }
    // No beam at all: the constraints allowed no token from the start.
    FinishReason reason = maxNew <= 0 ? FinishReason.LENGTH : best == null ? FinishReason.CONSTRAINT : best.finishReason();
    int[] tokens = best == null ? new int[0] : best.tokens();
    StreamingDetokenizer detok = new StreamingDetokenizer(vocab);
    StopStrings stops = new StopStrings(config.stopStrings());
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < tokens.length && !stops.stopped(); i++) {
      String delta = stops.push(detok.push(tokens[i]));
      text.append(delta);
      if (listener != null) {
        listener.onToken(i, tokens[i], delta, null);
      }
    }
    if (!stops.stopped()) {
      String tail = stops.push(detok.flush()) + stops.flush();
      text.append(tail);
      if (!tail.isEmpty() && listener != null) {
        listener.onTrailingText(tail);
      }
    }
    if (stops.stopped()) {
      reason = FinishReason.STOP;
    }
    long end = System.nanoTime();
    double prefillMs = outcome == null ? 0 : outcome.prefillNanos() / 1e6;
    double totalMs = (end - start) / 1e6;
    Map<String, Object> measurements = new LinkedHashMap<>();
    measurements.put("beam_search.beams", n);
    if (best != null) {
      measurements.put("beam_search.score", best.score());
    }
    Timings timings = new Timings(prefillMs, Math.max(0, totalMs - prefillMs), outcome == null ? 0 : outcome.forwardNanos() / 1e6,
        totalMs, tokens.length);
    GenerationResult result = new GenerationResult(text.toString(), tokens, prompt, reason, List.of(), timings, measurements);
    if (listener != null) {
      listener.onFinish(result);
    }
    return result;
  }

  private static boolean contains(int[] ids, int id) {
    for (int e : ids) {
      if (e == id) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "Generator[" + model + ", " + factory + "]";
  }
}
