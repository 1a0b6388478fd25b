package dev.sieve.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.speculative.SpeculativeMode;
import picocli.CommandLine.Option;

/**
 * {@code --num-beams N} of {@code sieve generate}: beam search with N beams instead of sampling or argmax.
 * Constraints and guidance apply to every beam, each with its own forked state. {@code --format jsonl} and
 * batch results add {@code "beam_search": {"beams", "score"}} (score: the output's sum of log-probabilities).
 */
public final class BeamOptions implements RequestOptions {
  @Option(names = "--num-beams", paramLabel = "N", description = "Beam search with N beams (1 to "
      + GenerationConfig.MAX_BEAMS + "; deterministic: sampling flags are not used). Default: 1, no beam search.")
  Integer numBeams;

  /** {@code base} with the flag applied; a bad value or a flag it cannot go with fails with a message. */
  GenerationConfig apply(GenerationConfig base) {
    if (numBeams == null) {
      return base;
    }
    GenerationConfig.Builder b = base.toBuilder();
    Settings.set("--num-beams", () -> b.numBeams(numBeams));
    if (numBeams == 1) {
      return Settings.build(b);
    }
    if (base.speculative() != SpeculativeMode.NONE) {
      throw new CliException("--num-beams cannot be combined with --speculative");
    }
    if (base.logprobs()) {
      throw new CliException("--num-beams cannot be combined with --logprobs");
    }
    return Settings.build(b.doSample(false));
  }

  @Override
  public void describe(GenerationResult result, ObjectNode json) {
    Object beams = result.measurements().get("beam_search.beams");
    if (beams == null) {
      return;
    }
    ObjectNode o = json.putObject("beam_search");
    o.put("beams", ((Number) beams).intValue());
    if (result.measurements().get("beam_search.score") instanceof Number score) {
      o.put("score", score.doubleValue());
    }
  }
}
