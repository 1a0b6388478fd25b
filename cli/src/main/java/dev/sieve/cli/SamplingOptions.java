package dev.sieve.cli;

import dev.sieve.decoding.generate.GenerationConfig;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The sampling flags of {@code sieve generate}. Each flag given overrides the model's
 * generation_config.json; an absent flag keeps the model's value. {@code --temperature 0} means greedy
 * decoding; any other temperature turns sampling on.
 */
public final class SamplingOptions {
  @Option(names = "--max-tokens", paramLabel = "N", description = "Most new tokens to generate (default: the model's max_new_tokens).")
  Integer maxTokens;

  @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature; 0 = greedy (argmax). Default: the model's.")
  Double temperature;

  @Option(names = "--top-k", paramLabel = "K", description = "Keep the K most likely tokens (0 disables).")
  Integer topK;

  @Option(names = "--top-p", paramLabel = "P", description = "Keep the smallest set of tokens whose probability reaches P (1 disables).")
  Double topP;

  @Option(names = "--min-p", paramLabel = "P", description = "Drop tokens less likely than P times the most likely one (0 disables).")
  Double minP;

  @Option(names = "--repetition-penalty", paramLabel = "R", description = "Penalty for tokens already seen (1 disables).")
  Double repetitionPenalty;

  @Option(names = "--seed", paramLabel = "S", description = "Sampler seed: the same seed gives the same output on any machine.")
  Long seed;

  @Option(names = "--stop", paramLabel = "STR", description = "Stop when STR appears (not included in the output); repeatable.")
  List<String> stop = new ArrayList<>();

  /** {@code base} with the given flags applied; a bad value fails with a message naming the flag. */
  public GenerationConfig apply(GenerationConfig base) {
    GenerationConfig.Builder b = base.toBuilder();
    Settings.set("--max-tokens", () -> { if (maxTokens != null) b.maxNewTokens(maxTokens); });
    Settings.set("--temperature", () -> { if (temperature != null) Settings.temperature(b, temperature); });
    Settings.set("--top-k", () -> { if (topK != null) b.topK(topK); });
    Settings.set("--top-p", () -> { if (topP != null) b.topP(topP); });
    Settings.set("--min-p", () -> { if (minP != null) b.minP(minP); });
    Settings.set("--repetition-penalty", () -> { if (repetitionPenalty != null) b.repetitionPenalty(repetitionPenalty); });
    Settings.set("--stop", () -> { for (String s : stop) b.addStopString(Settings.unescape(s)); });
    if (seed != null) {
      b.seed(seed);
    }
    return Settings.build(b);
  }
}
