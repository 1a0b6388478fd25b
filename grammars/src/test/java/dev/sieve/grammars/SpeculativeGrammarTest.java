package dev.sieve.grammars;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.generate.StandardChainFactory;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.speculative.SpeculativeMode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JSON under the bundled grammar with speculative decoding: forks of the grammar matcher prune the
 * draft trees, the chain's own matcher sees only accepted tokens, and the output is the output without
 * speculation, token for token.
 */
class SpeculativeGrammarTest {
  private static OnnxLanguageModel model;
  private static CompiledGrammar json;

  @BeforeAll
  static void load() {
    model = OnnxLanguageModel.load(BundledModel.path());
    json = GrammarCompiler.compile(BundledGrammars.load("json"), model.tokenizer().vocabulary());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void constrainedOutputWithSpeculationIsConstrainedOutputWithout() {
    Generator generator = new Generator(model, StandardChainFactory.INSTANCE);
    List<String> prompts = List.of("A user record as JSON: ", "{\"items\": [", "Reply in JSON.\n", "The config file:\n");
    double apfSum = 0;
    int runs = 0;
    for (int i = 0; i < prompts.size(); i++) {
      for (boolean sample : new boolean[] {false, true}) {
        GenerationConfig plain = generator.defaults().toBuilder().maxNewTokens(48).doSample(sample).seed(21 + i)
            .temperature(0.8).topK(0).build();
        GenerationRequest req = GenerationRequest.text(prompts.get(i));
        GenerationResult p = generator.generate(req.withConfig(plain).withProcessors(List.of(json.newConstraint())));
        for (SpeculativeMode mode : new SpeculativeMode[] {SpeculativeMode.RECYCLE, SpeculativeMode.AUTO}) {
          GenerationResult s = generator.generate(req.withConfig(plain.toBuilder().speculative(mode).draftTreeSize(32).build())
              .withProcessors(List.of(json.newConstraint())));
          String what = prompts.get(i) + (sample ? " sampled " : " greedy ") + mode.label();
          assertArrayEquals(p.tokens(), s.tokens(), what);
          assertEquals(p.text(), s.text(), what);
          assertEquals(p.finishReason(), s.finishReason(), what);
          if (mode == SpeculativeMode.RECYCLE) {
            apfSum += (Double) s.measurements().get("speculative.accepted_per_forward");
            runs++;
          }
        }
        GrammarMatcher check = json.newMatcher();
        for (int t : p.tokens()) {
          assertTrue(check.acceptToken(t), "the output follows the grammar");
        }
      }
    }
    assertTrue(apfSum / runs > 1.5, "drafts are accepted under the grammar: " + apfSum / runs + " tokens per forward");
  }
}
