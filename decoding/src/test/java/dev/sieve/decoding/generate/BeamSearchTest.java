package dev.sieve.decoding.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.model.TestModels;
import dev.sieve.decoding.tokenizer.Vocabulary;
import java.util.List;
import org.junit.jupiter.api.Test;

class BeamSearchTest {
  private final OnnxLanguageModel model = TestModels.bundled();
  private final Generator generator = new Generator(model, DecodingChainFactory.greedy());
  private final Vocabulary vocab = model.tokenizer().vocabulary();
  private static final int[] NO_EOS = {-7};

  @Test
  void oneBeamIsGreedyDecoding() {
    GenerationRequest request = GenerationRequest.text("The capital of France is")
        .withConfig(generator.defaults().toBuilder().doSample(false).maxNewTokens(10).eosTokenIds(NO_EOS).build());
    GenerationResult greedy = generator.generate(request);
    List<BeamSearch.Beam> beams = new BeamSearch(model, 1, 10).search(generator.promptTokens(request), List.of(), NO_EOS);
    assertEquals(1, beams.size());
    assertArrayEquals(greedy.tokens(), beams.get(0).tokens());
    assertEquals(FinishReason.LENGTH, beams.get(0).finishReason());
  }

  @Test
  void everyBeamSatisfiesTheConstraintAndBeamsComeBestFirst() {
    int[] prompt = model.tokenizer().encode("Her phone number is");
    List<BeamSearch.Beam> beams = new BeamSearch(model, 4, 8)
        .search(prompt, List.of(new DigitsConstraint(vocab, 3)), vocab.eosTokenIds());
    assertEquals(4, beams.size());
    for (int i = 0; i < beams.size(); i++) {
      BeamSearch.Beam b = beams.get(i);
      assertTrue(b.tokens().length >= 1 && b.tokens().length <= 3, "one to three digit tokens");
      for (int t : b.tokens()) {
        assertTrue(model.tokenizer().decode(new int[] {t}).chars().allMatch(Character::isDigit), "digits only");
      }
      assertTrue(b.finishReason() == FinishReason.EOS || b.finishReason() == FinishReason.CONSTRAINT);
      if (i > 0) {
        assertTrue(beams.get(i - 1).score() >= b.score(), "best first");
      }
    }
    // The beams are distinct outputs.
    assertEquals(4, beams.stream().map(b -> java.util.Arrays.toString(b.tokens())).distinct().count());
  }
}
