package dev.sieve.decoding.generate;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one generation.
 *
 * @param text the generated text: end-of-sequence tokens and any stop string (and what followed it in
 *     the same token) are not part of it; other special tokens appear as their text
 * @param tokens the generated token ids, the end-of-sequence token not included
 * @param promptTokens the prompt's token ids as fed to the model
 * @param finishReason why it stopped
 * @param logprobs one entry per generated token when requested, else empty
 * @param timings where the time went
 * @param measurements what processors measured ({@link dev.sieve.decoding.logits.MeasuringProcessor}) and
 *     the generator's own counters (e.g. {@code constraint.resamples})
 */
public record GenerationResult(
    String text,
    int[] tokens,
    int[] promptTokens,
    FinishReason finishReason,
    List<TokenLogprob> logprobs,
    Timings timings,
    Map<String, Object> measurements) {
  public GenerationResult {
    tokens = tokens.clone();
    promptTokens = promptTokens.clone();
    logprobs = List.copyOf(logprobs);
    measurements = Map.copyOf(measurements);
  }

  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  @Override
  public int[] promptTokens() {
    return promptTokens.clone();
  }

  @Override
  public String toString() {
    return "GenerationResult[" + finishReason + ", " + tokens.length + " tokens, text=" + text + "]";
  }
}
