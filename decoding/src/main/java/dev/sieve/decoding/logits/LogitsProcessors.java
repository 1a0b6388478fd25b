package dev.sieve.decoding.logits;

import java.util.ArrayList;
import java.util.List;

/** Builds the default processor chain from {@link SamplingSettings}. */
public final class LogitsProcessors {
  private LogitsProcessors() {}

  /**
   * The default chain, in transformers' order: processors that edit scores (repetition, frequency and
   * presence penalties, logit bias, banned tokens, minimum new tokens), then the warpers (temperature,
   * top-k, top-p, min-p). Switched-off settings add nothing; greedy settings leave out the warpers.
   *
   * @param eosTokenIds the end-of-sequence ids, for the minimum-new-tokens rule
   */
  public static LogitsProcessorChain defaultChain(SamplingSettings s, int... eosTokenIds) {
    List<LogitsProcessor> chain = new ArrayList<>(penalties(s, eosTokenIds));
    chain.addAll(warpers(s));
    return new LogitsProcessorChain(chain);
  }

  /** The score-editing part of the default chain (runs before any constraint or guidance). */
  public static List<LogitsProcessor> penalties(SamplingSettings s, int... eosTokenIds) {
    List<LogitsProcessor> chain = new ArrayList<>();
    if (s.repetitionPenalty() != 1.0) {
      chain.add(new RepetitionPenaltyProcessor((float) s.repetitionPenalty()));
    }
    if (s.frequencyPenalty() != 0.0) {
      chain.add(new FrequencyPenaltyProcessor((float) s.frequencyPenalty()));
    }
    if (s.presencePenalty() != 0.0) {
      chain.add(new PresencePenaltyProcessor((float) s.presencePenalty()));
    }
    if (!s.logitBias().isEmpty()) {
      chain.add(new LogitBiasProcessor(s.logitBias()));
    }
    if (!s.bannedTokens().isEmpty()) {
      chain.add(new BannedTokensProcessor(s.bannedTokens().stream().mapToInt(Integer::intValue).toArray()));
    }
    if (s.minNewTokens() > 0 && eosTokenIds.length > 0) {
      chain.add(new MinNewTokensProcessor(s.minNewTokens(), eosTokenIds));
    }
    return chain;
  }

  /** The distribution-shaping part of the default chain: temperature, top-k, top-p, min-p (none when greedy). */
  public static List<LogitsProcessor> warpers(SamplingSettings s) {
    List<LogitsProcessor> chain = new ArrayList<>();
    if (s.greedy()) {
      return chain;
    }
    if (s.temperature() != 1.0) {
      chain.add(new TemperatureProcessor((float) s.temperature()));
    }
    if (s.topK() > 0) {
      chain.add(new TopKProcessor(s.topK()));
    }
    if (s.topP() < 1.0) {
      chain.add(new TopPProcessor(s.topP()));
    }
    if (s.minP() > 0.0) {
      chain.add(new MinPProcessor(s.minP()));
    }
    return chain;
  }
}
