package dev.sieve.decoding.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.model.TestModels;
import dev.sieve.decoding.speculative.SpeculativeMode;
import dev.sieve.decoding.tokenizer.Vocabulary;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Beam search through the generator: {@code GenerationConfig.numBeams}. */
class GeneratorBeamSearchTest {
  private final OnnxLanguageModel model = TestModels.bundled();
  private final Generator generator = new Generator(model, DecodingChainFactory.greedy());
  private final Vocabulary vocab = model.tokenizer().vocabulary();
  private static final int[] NO_EOS = {-7};

  private GenerationConfig.Builder config(int beams, int maxNew) {
    return generator.defaults().toBuilder().doSample(false).maxNewTokens(maxNew).numBeams(beams);
  }

  @Test
  void oneBeamIsTheDefaultAndLeavesDecodingAsItWas() {
    assertEquals(1, GenerationConfig.defaults().numBeams());
    GenerationRequest request = GenerationRequest.text("The capital of France is");
    GenerationResult plain = generator.generate(request.withConfig(generator.defaults().toBuilder().doSample(false)
        .maxNewTokens(12).eosTokenIds(NO_EOS).build()));
    GenerationResult oneBeam = generator.generate(request.withConfig(config(1, 12).eosTokenIds(NO_EOS).build()));
    assertArrayEquals(plain.tokens(), oneBeam.tokens());
    assertFalse(oneBeam.measurements().containsKey("beam_search.beams"));
  }

  @Test
  void theResultIsTheBestBeamOfTheSearch() {
    GenerationRequest request = GenerationRequest.text("A wise man once said");
    int[] prompt = generator.promptTokens(request);
    BeamSearch.Beam best = new BeamSearch(model, 4, 10).search(prompt, List.of(), NO_EOS).get(0);
    StringBuilder streamed = new StringBuilder();
    GenerationResult r = generator.generate(request.withConfig(config(4, 10).eosTokenIds(NO_EOS).build())
        .withListener(GenerationListener.text(streamed::append)));
    assertArrayEquals(best.tokens(), r.tokens());
    assertEquals(model.tokenizer().decode(best.tokens()), r.text());
    assertEquals(r.text(), streamed.toString(), "the listener gets the text");
    assertEquals(FinishReason.LENGTH, r.finishReason());
    assertEquals(4, r.measurements().get("beam_search.beams"));
    assertEquals(best.score(), (double) r.measurements().get("beam_search.score"), 1e-9);
    assertTrue(r.timings().forwardMs() > 0 && r.timings().prefillMs() > 0);
  }

  @Test
  void aStopStringEndsABeamAndIsLeftOutOfTheText() {
    GenerationRequest request = GenerationRequest.text("A wise man once said");
    String free = generator.generate(request.withConfig(config(4, 16).eosTokenIds(NO_EOS).build())).text();
    assertTrue(free.length() > 10, free);
    String stop = free.substring(free.length() / 2, free.length() / 2 + 2); // a piece of the output without stops
    GenerationResult r = generator.generate(request.withConfig(config(4, 16).eosTokenIds(NO_EOS).addStopString(stop).build()));
    assertEquals(FinishReason.STOP, r.finishReason());
    String all = model.tokenizer().decode(r.tokens());
    assertTrue(all.contains(stop) && all.startsWith(r.text()), all);
    assertFalse(r.text().contains(stop), r.text());
    assertTrue(r.tokens().length < 16);
  }

  @Test
  void beamsUnderAConstraintOnlyTakeAllowedTokens() {
    GenerationRequest request = GenerationRequest.text("Her phone number is")
        .withProcessors(List.of(new DigitsConstraint(vocab, 3)));
    GenerationResult r = generator.generate(request.withConfig(config(4, 8).build()));
    assertTrue(r.tokens().length >= 1 && r.tokens().length <= 3, r.toString());
    assertTrue(r.text().chars().allMatch(Character::isDigit), r.text());
    assertTrue(r.finishReason() == FinishReason.EOS || r.finishReason() == FinishReason.CONSTRAINT);
  }

  @Test
  void whatBeamSearchCannotDoIsRefusedWithOneMessage() {
    assertThrows(IllegalArgumentException.class, () -> GenerationConfig.builder().numBeams(0));
    GenerationRequest request = GenerationRequest.text("Hello");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> generator.generate(request.withConfig(config(4, 4).doSample(true).build())));
    assertEquals("beam search (4 beams) does not sample: set do_sample false", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> generator.generate(request.withConfig(config(2, 4).speculative(SpeculativeMode.RECYCLE).build())));
    assertTrue(e.getMessage().contains("speculative"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> generator.generate(request.withConfig(config(2, 4).logprobs(2).build())));
    assertTrue(e.getMessage().contains("logprobs"), e.getMessage());
  }
}
