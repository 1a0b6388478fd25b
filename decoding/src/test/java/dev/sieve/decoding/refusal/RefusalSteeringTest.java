package dev.sieve.decoding.refusal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.generate.ChatMessage;
import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.logits.TokenHistory;
import dev.sieve.decoding.model.TestModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Steering during real generations with the bundled model, on every third held-out prompt. */
class RefusalSteeringTest {
  private final Generator generator = new Generator(TestModels.bundled());
  private final RefusalTokens tokens = HeldOut.tokens();
  private final List<LabelledPrompt> prompts = everyThird(HeldOut.prompts());

  private static List<LabelledPrompt> everyThird(List<LabelledPrompt> all) {
    List<LabelledPrompt> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += 3) {
      out.add(all.get(i));
    }
    return out;
  }

  private GenerationConfig greedy(int n) {
    return generator.defaults().toBuilder().doSample(false).maxNewTokens(n).build();
  }

  private GenerationResult generate(String prompt, GenerationConfig config, RefusalSteering steering) {
    GenerationRequest r = GenerationRequest.chat(List.of(ChatMessage.user(prompt))).withConfig(config);
    return generator.generate(steering == null ? r : r.withProcessors(List.of(steering)));
  }

  private int[] firstTokens(RefusalPolicy policy) {
    int[] first = new int[prompts.size()];
    for (int p = 0; p < first.length; p++) {
      first[p] = generate(prompts.get(p).prompt(), greedy(1), policy == null ? null : new RefusalSteering(policy)).tokens()[0];
    }
    return first;
  }

  private static int count(int[] ids, int id) {
    int n = 0;
    for (int i : ids) {
      n += i == id ? 1 : 0;
    }
    return n;
  }

  @Test
  void aLowThresholdRaisesOnlyItsCategoryAndAHighOneLowersOnlyItsCategory() {
    int horizon = tokens.tokenId(tokens.indexOf("horizon"));
    int[] plain = firstTokens(null);
    // the bundled model is sure of its horizon refusals (half of them have p > 0.99999) and gives horizon
    // p > 1e-5 on about a fifth of the should-answer prompts, hence thresholds this close to 0 and 1
    int[] raised = firstTokens(RefusalPolicy.builder(tokens).threshold("horizon", 1e-5).build());
    int[] lowered = firstTokens(RefusalPolicy.builder(tokens).threshold("horizon", 0.9999).build());
    int up = 0;
    int down = 0;
    for (int p = 0; p < plain.length; p++) {
      if (raised[p] != plain[p]) {
        up++;
        assertEquals(horizon, raised[p], "a low horizon threshold turns prompts into horizon refusals, nothing else: " + prompts.get(p));
      }
      if (lowered[p] != plain[p]) {
        down++;
        assertEquals(horizon, plain[p], "a high horizon threshold only takes away horizon refusals: " + prompts.get(p));
        assertEquals(tokens.respondId(), lowered[p], "... and answers instead");
      }
    }
    assertTrue(up >= 3, "the low threshold changed " + up + " prompts");
    assertTrue(down >= 3, "the high threshold changed " + down + " prompts");
    assertTrue(count(raised, horizon) > count(plain, horizon));
    assertTrue(count(lowered, horizon) < count(plain, horizon));
  }

  @Test
  void biasesRaiseAndLowerTheirCategoryAndADisabledCategoryIsNeverEmitted() {
    int ability = tokens.tokenId(tokens.indexOf("ability"));
    int[] plain = firstTokens(null);
    int[] up = firstTokens(RefusalPolicy.builder(tokens).bias("ability", 8).build());
    int[] down = firstTokens(RefusalPolicy.builder(tokens).bias("ability", -8).build());
    int[] off = firstTokens(RefusalPolicy.builder(tokens).disable("ability").build());
    assertTrue(count(up, ability) > count(plain, ability), count(up, ability) + " vs " + count(plain, ability));
    assertTrue(count(down, ability) < count(plain, ability), count(down, ability) + " vs " + count(plain, ability));
    assertEquals(0, count(off, ability));
    for (int p = 0; p < plain.length; p++) {
      if (plain[p] != ability) {
        assertEquals(plain[p], down[p], "lowering ability leaves every other prompt's first token alone");
        assertEquals(plain[p], off[p]);
      }
    }
  }

  @Test
  void theRecordedDecisionIsTheOneCalibrationComputes() {
    RefusalPolicy policy = RefusalPolicy.builder(tokens).threshold("illposed", 0.05).threshold("private", 0.5).build();
    RefusalCalibration offline = HeldOut.calibration();
    for (LabelledPrompt lp : prompts.subList(0, 30)) {
      RefusalSteering steering = new RefusalSteering(policy);
      GenerationResult r = generate(lp.prompt(), greedy(1), steering);
      RefusalDecision online = steering.decision().orElseThrow();
      RefusalDecision expected = policy.decide(HeldOut.scorer().scoreMessages(List.of(lp.prompt()), 1.0).get(0));
      assertEquals(expected.refused(), online.refused(), lp.toString());
      assertEquals(expected.category(), online.category(), lp.toString());
      assertEquals(expected.probability(), online.probability(), 1e-4);
      assertEquals(online.refused() ? tokens.tokenId(online.categoryIndex()) : tokens.respondId(), r.tokens()[0]);
      Map<String, Object> m = r.measurements();
      assertEquals(online.refused(), m.get("refusal.refused"));
      assertEquals(online.refused() ? online.category() : "none", m.get("refusal.category"));
      assertEquals(online.probability(), (double) m.get("refusal.probability"));
    }
    assertTrue(offline.rates(policy).accuracy() > 0, "the same policy runs over the scored prompts");
  }

  @Test
  void withoutControlsGreedyGenerationIsUnchangedAndTheModelsOwnChoiceIsRecorded() {
    for (LabelledPrompt lp : prompts.subList(0, 8)) {
      GenerationResult plain = generate(lp.prompt(), greedy(12), null);
      RefusalSteering steering = new RefusalSteering(RefusalPolicy.none(tokens));
      GenerationResult watched = generate(lp.prompt(), greedy(12), steering);
      assertArrayEquals(plain.tokens(), watched.tokens());
      RefusalDecision d = steering.decision().orElseThrow();
      int c = tokens.categoryOfToken(plain.tokens()[0]);
      assertEquals(c >= 0, d.refused());
      assertEquals(c, d.categoryIndex());
    }
  }

  @Test
  void aThresholdDecidesTheFirstTokenEvenWhenSampling() {
    GenerationConfig sampling = generator.defaults().toBuilder().doSample(true).temperature(1.5).maxNewTokens(3).seed(5).build();
    RefusalPolicy policy = RefusalPolicy.builder(tokens).threshold("private", 0.2).threshold("horizon", 0.2)
        .threshold("ability", 0.2).threshold("illposed", 0.2).build();
    for (LabelledPrompt lp : prompts.subList(0, 20)) {
      RefusalSteering steering = new RefusalSteering(policy);
      GenerationResult r = generate(lp.prompt(), sampling, steering);
      RefusalDecision d = steering.decision().orElseThrow();
      assertEquals(d.refused() ? tokens.tokenId(d.categoryIndex()) : tokens.respondId(), r.tokens()[0]);
      assertTrue(!d.refused() || d.probability() >= 0.2);
    }
  }

  @Test
  void laterPositionsAreLeftAloneAndRollbackPastTheFirstTokenForgetsTheDecision() {
    RefusalSteering s = new RefusalSteering(RefusalPolicy.builder(tokens).threshold("horizon", 0.0).build());
    int[] prompt = HeldOut.scorer().chatPrompt("Hello");
    TokenHistory h = new TokenHistory(prompt);
    float[] logits = new float[TestModels.bundled().capabilities().vocabSize()];
    s.process(h, logits);
    assertEquals(0f, logits[tokens.tokenId(0)]);
    assertEquals(Float.NEGATIVE_INFINITY, logits[tokens.respondId()], "threshold 0: horizon is forced");
    s.accept(tokens.tokenId(0));
    h.append(tokens.tokenId(0));
    RefusalSteering copy = (RefusalSteering) s.fork();
    float[] later = new float[logits.length];
    s.process(h, later);
    assertArrayEquals(new float[logits.length], later);
    assertEquals("horizon", s.decision().orElseThrow().category());
    s.rollback(1);
    assertFalse(s.decision().isPresent());
    assertEquals("horizon", copy.decision().orElseThrow().category(), "a fork keeps its own state");
    assertNotEquals(s.decision(), copy.decision());
  }
}
