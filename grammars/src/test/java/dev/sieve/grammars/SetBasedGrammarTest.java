package dev.sieve.grammars;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.prompt.PromptSegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A set-based prompt under a grammar constraint: every order of the members gives the same constrained output. */
class SetBasedGrammarTest {
  private static List<List<String>> permutations(List<String> items) {
    if (items.size() <= 1) {
      return List.of(items);
    }
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      List<String> rest = new ArrayList<>(items);
      String head = rest.remove(i);
      for (List<String> p : permutations(rest)) {
        List<String> q = new ArrayList<>();
        q.add(head);
        q.addAll(p);
        out.add(q);
      }
    }
    return out;
  }

  @Test
  void everyOrderGivesTheSameJsonUnderTheJsonGrammar() {
    try (OnnxLanguageModel model = OnnxLanguageModel.load(BundledModel.path())) {
      CompiledGrammar json = GrammarCompiler.compile(BundledGrammars.load("json"), model.tokenizer().vocabulary());
      Generator generator = new Generator(model);
      // seeded sampling with the model's defaults, and logprobs (the masked distribution) compared bit for bit
      GenerationConfig config = generator.defaults().toBuilder().maxNewTokens(24).seed(5).logprobs(2).build();
      List<String> members = List.of("\n- title: a long walk", "\n- year: 1999", "\n- pages: 310", "\n- author: A. Smith");
      GenerationResult first = null;
      for (List<String> order : permutations(members)) {
        GenerationResult r = generator.generate(GenerationRequest.setBased(List.of(
                PromptSegment.text("A book has these fields:"), PromptSegment.set(order), PromptSegment.text("\nAs JSON: ")))
            .withConfig(config).withProcessors(List.of(json.newConstraint())));
        assertTrue(json.newMatcher().acceptString(r.text()), "the output is JSON so far: " + r.text());
        if (first == null) {
          first = r;
          continue;
        }
        assertArrayEquals(first.tokens(), r.tokens(), order.toString());
        assertEquals(first.logprobs(), r.logprobs(), order.toString());
        assertEquals(first.finishReason(), r.finishReason());
      }
    }
  }
}
