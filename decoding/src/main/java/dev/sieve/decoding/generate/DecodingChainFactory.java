package dev.sieve.decoding.generate;

import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.sampling.Sampler;
import dev.sieve.decoding.tokenizer.Vocabulary;
import java.util.List;

/**
 * Turns a {@link GenerationConfig}'s sampling values into a processor chain and a sampler.
 *
 * <p>The generator finds the factory with {@link java.util.ServiceLoader} (register an implementation in
 * {@code META-INF/services/dev.sieve.decoding.generate.DecodingChainFactory}) or takes one in its
 * constructor. Without any, only greedy decoding with the request's own processors is possible.
 */
public interface DecodingChainFactory {
  /**
   * The whole chain for one sequence, in order. {@code requestProcessors} (constraints, guidance) are the
   * request's own processors; the factory places them (typically after penalties and temperature, before
   * the truncating warpers top-k/top-p/min-p, as DESIGN.md draws the chain).
   */
  List<LogitsProcessor> processors(GenerationConfig config, Vocabulary vocabulary, List<LogitsProcessor> requestProcessors);

  /** A fresh sampler for one sequence (seeded from {@code config.seed()} when it has one). */
  Sampler sampler(GenerationConfig config);
}
