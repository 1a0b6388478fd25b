package dev.sieve.decoding.logits;

import java.util.List;
import java.util.Map;

/**
 * The sampling knobs that turn into the default processor chain (see {@link LogitsProcessors}) and the
 * sampler. Neutral values switch a processor off: temperature 1, top-k 0, top-p 1, min-p 0, repetition
 * penalty 1, frequency and presence penalties 0, no bias, no banned tokens, no minimum. A temperature of
 * 0 means greedy decoding (the truncating warpers are then left out, as transformers does when
 * {@code do_sample} is false).
 *
 * @param seed the sampler's seed; {@code null} picks one at random
 */
public record SamplingSettings(
    double temperature,
    int topK,
    double topP,
    double minP,
    double repetitionPenalty,
    double frequencyPenalty,
    double presencePenalty,
    Map<Integer, Float> logitBias,
    List<Integer> bannedTokens,
    int minNewTokens,
    Long seed) {

  public static final SamplingSettings DEFAULTS =
      new SamplingSettings(1.0, 0, 1.0, 0.0, 1.0, 0.0, 0.0, Map.of(), List.of(), 0, null);

  public SamplingSettings {
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be a number >= 0, got " + temperature);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("top-k must be >= 0 (0 switches it off), got " + topK);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
    }
    if (!(minP >= 0 && minP <= 1)) {
      throw new IllegalArgumentException("min-p must be in [0, 1], got " + minP);
    }
    if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
      throw new IllegalArgumentException("repetition penalty must be a positive number, got " + repetitionPenalty);
    }
    if (!Double.isFinite(frequencyPenalty)) {
      throw new IllegalArgumentException("frequency penalty must be a finite number, got " + frequencyPenalty);
    }
    if (!Double.isFinite(presencePenalty)) {
      throw new IllegalArgumentException("presence penalty must be a finite number, got " + presencePenalty);
    }
    if (minNewTokens < 0) {
      throw new IllegalArgumentException("minimum new tokens must be >= 0, got " + minNewTokens);
    }
    logitBias = Map.copyOf(logitBias);
    bannedTokens = List.copyOf(bannedTokens);
  }

  /** Greedy decoding: argmax, no randomness. */
  public boolean greedy() {
    return temperature == 0;
  }

  public SamplingSettings withTemperature(double v) {
    return new SamplingSettings(v, topK, topP, minP, repetitionPenalty, frequencyPenalty, presencePenalty, logitBias, bannedTokens, minNewTokens, seed);
  }

  public SamplingSettings withTopK(int v) {
    return new SamplingSettings(temperature, v, topP, minP, repetitionPenalty, frequencyPenalty, presencePenalty, logitBias, bannedTokens, minNewTokens, seed);
  }

  public SamplingSettings withTopP(double v) {
    return new SamplingSettings(temperature, topK, v, minP, repetitionPenalty, frequencyPenalty, presencePenalty, logitBias, bannedTokens, minNewTokens, seed);
  }

  public SamplingSettings withMinP(double v) {
    return new SamplingSettings(temperature, topK, topP, v, repetitionPenalty, frequencyPenalty, presencePenalty, logitBias, bannedTokens, minNewTokens, seed);
  }

  public SamplingSettings withRepetitionPenalty(double v) {
    return new SamplingSettings(temperature, topK, topP, minP, v, frequencyPenalty, presencePenalty, logitBias, bannedTokens, minNewTokens, seed);
  }

  public SamplingSettings withFrequencyPenalty(double v) {
    return new SamplingSettings(temperature, topK, topP, minP, repetitionPenalty, v, presencePenalty, logitBias, bannedTokens, minNewTokens, seed);
  }

  public SamplingSettings withPresencePenalty(double v) {
    return new SamplingSettings(temperature, topK, topP, minP, repetitionPenalty, frequencyPenalty, v, logitBias, bannedTokens, minNewTokens, seed);
  }

  public SamplingSettings withLogitBias(Map<Integer, Float> v) {
    return new SamplingSettings(temperature, topK, topP, minP, repetitionPenalty, frequencyPenalty, presencePenalty, v, bannedTokens, minNewTokens, seed);
  }

  public SamplingSettings withBannedTokens(List<Integer> v) {
    return new SamplingSettings(temperature, topK, topP, minP, repetitionPenalty, frequencyPenalty, presencePenalty, logitBias, v, minNewTokens, seed);
  }

  public SamplingSettings withMinNewTokens(int v) {
    return new SamplingSettings(temperature, topK, topP, minP, repetitionPenalty, frequencyPenalty, presencePenalty, logitBias, bannedTokens, v, seed);
  }

  public SamplingSettings withSeed(Long v) {
    return new SamplingSettings(temperature, topK, topP, minP, repetitionPenalty, frequencyPenalty, presencePenalty, logitBias, bannedTokens, minNewTokens, v);
  }
}
