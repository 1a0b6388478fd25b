package dev.sieve.decoding.generate;

import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.logits.LogitsProcessors;
import dev.sieve.decoding.logits.SamplingSettings;
import dev.sieve.decoding.sampling.Sampler;
import dev.sieve.decoding.sampling.Samplers;
import dev.sieve.decoding.tokenizer.Vocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The built-in chain, in DESIGN.md's order: the score-editing processors (repetition, frequency and presence
 * penalties, minimum new tokens), then the request's own processors (constraints, guidance), then, when
 * sampling, the warpers (temperature, top-k, top-p, min-p); the sampler is greedy unless {@code do_sample},
 * else seeded multinomial. When greedy, the request's constraints end the chain, so the generator checks
 * them lazily; when sampling, the truncating warpers follow them and they are applied eagerly.
 */
public final class StandardChainFactory implements DecodingChainFactory {
  public static final StandardChainFactory INSTANCE = new StandardChainFactory();

  /** The {@link SamplingSettings} a config stands for (temperature 0 when not sampling). */
  public static SamplingSettings settings(GenerationConfig c) {
    return new SamplingSettings(c.doSample() ? c.temperature() : 0.0, c.topK(), c.topP(), c.minP(),
        c.repetitionPenalty(), c.frequencyPenalty(), c.presencePenalty(), Map.of(), List.of(), c.minNewTokens(),
        c.seed().isPresent() ? c.seed().getAsLong() : null);
  }

  @Override
  public List<LogitsProcessor> processors(GenerationConfig config, Vocabulary vocabulary, List<LogitsProcessor> requestProcessors) {
    SamplingSettings s = settings(config);
    int[] eos = config.eosTokenIds() != null ? config.eosTokenIds() : vocabulary.eosTokenIds();
    List<LogitsProcessor> chain = new ArrayList<>(LogitsProcessors.penalties(s, eos));
    chain.addAll(requestProcessors);
    chain.addAll(LogitsProcessors.warpers(s));
    return chain;
  }

  @Override
  public Sampler sampler(GenerationConfig config) {
    return Samplers.forSettings(settings(config));
  }

  @Override
  public String toString() {
    return "standard chain";
  }
}
