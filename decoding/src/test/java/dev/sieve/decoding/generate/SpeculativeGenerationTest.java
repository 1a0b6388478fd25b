package dev.sieve.decoding.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.model.TestModels;
import dev.sieve.decoding.speculative.SpeculativeMode;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpeculativeGenerationTest {
  private final OnnxLanguageModel model = TestModels.bundled();

  static final List<String> PROMPTS = List.of(
      "The colour of the sky is",
      "Once upon a time, there was a",
      "1, 2, 3, 4, 5, 6, 7,",
      "{\"name\": \"Ada\", \"age\": 36, \"city\": \"",
      "Rain falls on the",
      "Q: What is the capital of France?\nA:");

  @Test
  void probe() {
    Generator g = new Generator(model, StandardChainFactory.INSTANCE);
    for (String p : PROMPTS) {
      GenerationConfig plain = g.defaults().toBuilder().doSample(false).maxNewTokens(64).eosTokenIds(-7).build();
      long t0 = System.nanoTime();
      GenerationResult a = g.generate(GenerationRequest.text(p).withConfig(plain));
      long t1 = System.nanoTime();
      for (int size : new int[] {8, 16, 32, 80}) {
        long t2 = System.nanoTime();
        GenerationResult b = g.generate(GenerationRequest.text(p).withConfig(plain.toBuilder().speculative(SpeculativeMode.RECYCLE).draftTreeSize(size).build()));
        long t3 = System.nanoTime();
        System.out.printf("%s size %d plain %.1f ms spec %.1f ms %s%n", p.substring(0, 10), size, (t1 - t0) / 1e6, (t3 - t2) / 1e6, b.measurements());
        assertArrayEquals(a.tokens(), b.tokens(), p);
      }
    }
  }
}
