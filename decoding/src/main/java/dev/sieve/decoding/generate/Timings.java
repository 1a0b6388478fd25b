package dev.sieve.decoding.generate;

/**
 * Where the time of one generation went.
 *
 * @param prefillMs the prompt's forward pass
 * @param decodeMs from the end of the prefill to the end of the generation (sampling every token and the
 *     forward passes after the first)
 * @param forwardMs time inside {@code LanguageModel.forward}, prefill included
 * @param totalMs the whole generation, tokenizing the prompt included
 * @param generatedTokens tokens chosen
 */
public record Timings(double prefillMs, double decodeMs, double forwardMs, double totalMs, int generatedTokens) {
  /** Generated tokens per second of the decode phase (0 when nothing was decoded). */
  public double tokensPerSecond() {
    return decodeMs <= 0 ? 0 : generatedTokens / (decodeMs / 1000.0);
  }

  /** Time spent outside the model's forward passes: tokenizing, processors, sampling, bookkeeping. */
  public double outsideForwardMs() {
    return Math.max(0, totalMs - forwardMs);
  }

  /** The share of the decode phase spent outside forward passes (the generator's own overhead). */
  public double overheadFraction() {
    double decodeForward = Math.max(0, forwardMs - prefillMs);
    return decodeMs <= 0 ? 0 : Math.max(0, decodeMs - decodeForward) / decodeMs;
  }
}
