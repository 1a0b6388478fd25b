package dev.sieve.decoding.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.logits.TokenHistory;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.model.TestModels;
import dev.sieve.decoding.speculative.SpeculationTuner;
import dev.sieve.decoding.speculative.SpeculativeMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Speculative decoding (token recycling) generates exactly what plain decoding generates: same tokens,
 * text, finish reason and logprobs, for greedy and seeded sampling, with penalties and constraints; only
 * the number of forward passes differs.
 */
class SpeculativeGenerationTest {
  private final OnnxLanguageModel model = TestModels.bundled();
  private final Generator generator = new Generator(model, StandardChainFactory.INSTANCE);

  private static final List<String> PROMPTS = List.of(
      "The colour of the sky is",
      "Once upon a time, there was a",
      "1, 2, 3, 4, 5, 6, 7,",
      "{\"name\": \"Ada\", \"age\": 36, \"city\": \"",
      "Rain falls on the",
      "Q: What is the capital of France?\nA:",
      "SELECT name, email FROM customers WHERE",
      "red green blue red green blue red green");

  /** Prompts: the fixed ones plus seeded random word salads (some repetitive). */
  private static List<String> prompts(int extra, long seed) {
    String[] words = {"the", "cat", "sat", "on", "a", "mat", "and", "then", "it", "rained", "over", "hills", "of", "green", "{",
        "}", "\"key\":", "42,", "while", "we", "sang"};
    List<String> out = new ArrayList<>(PROMPTS);
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < extra; i++) {
      StringBuilder sb = new StringBuilder();
      int n = 2 + r.nextInt(12);
      for (int w = 0; w < n; w++) {
        sb.append(w == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
      }
      out.add(sb.toString());
    }
    return out;
  }

  private GenerationConfig.Builder base(int maxNew) {
    return generator.defaults().toBuilder().maxNewTokens(maxNew).eosTokenIds(-7);
  }

  private static GenerationConfig spec(GenerationConfig c, SpeculativeMode mode, int size) {
    return c.toBuilder().speculative(mode).draftTreeSize(size).build();
  }

  private static void assertSameOutput(GenerationResult plain, GenerationResult speculative, String what) {
    assertArrayEquals(plain.tokens(), speculative.tokens(), what + ": tokens");
    assertEquals(plain.text(), speculative.text(), what + ": text");
    assertEquals(plain.finishReason(), speculative.finishReason(), what + ": finish reason");
    // a tree forward computes the same logits through differently batched kernels: equal to float rounding
    assertEquals(plain.logprobs().size(), speculative.logprobs().size(), what + ": logprobs");
    for (int i = 0; i < plain.logprobs().size(); i++) {
      TokenLogprob a = plain.logprobs().get(i);
      TokenLogprob b = speculative.logprobs().get(i);
      assertEquals(a.token(), b.token(), what + ": logprob token " + i);
      assertEquals(a.logprob(), b.logprob(), 1e-5, what + ": logprob " + i);
      assertEquals(a.top().size(), b.top().size());
      for (int j = 0; j < a.top().size(); j++) {
        assertEquals(a.top().get(j).logprob(), b.top().get(j).logprob(), 1e-5, what + ": alternative " + j + " of " + i);
      }
    }
  }

  private void assertSameAsPlain(GenerationRequest request, GenerationConfig plain, String what) {
    GenerationResult p = generator.generate(request.withConfig(plain));
    for (GenerationConfig c : List.of(spec(plain, SpeculativeMode.RECYCLE, 8), spec(plain, SpeculativeMode.RECYCLE, 80),
        spec(plain, SpeculativeMode.AUTO, 32))) {
      GenerationResult s = generator.generate(request.withConfig(c));
      assertSameOutput(p, s, what + " " + c.speculative().label() + "/" + c.draftTreeSize());
      assertTrue(s.measurements().containsKey("speculative.forwards"), "speculative measurements are reported");
    }
  }

  @Test
  void greedyOutputIsPlainGreedyOutputTokenForToken() {
    generator.resetSpeculation(); // the first requests start cold, the later ones hot
    int[] lengths = {1, 2, 5, 17, 40, 64};
    List<String> prompts = prompts(6, 11);
    for (int i = 0; i < prompts.size(); i++) {
      GenerationConfig plain = base(lengths[i % lengths.length]).doSample(false).build();
      assertSameAsPlain(GenerationRequest.text(prompts.get(i)), plain, "greedy '" + prompts.get(i) + "'");
    }
  }

  @Test
  void seededSamplingIsPlainSeededSamplingTokenForToken() {
    List<String> prompts = prompts(4, 12);
    for (int i = 0; i < prompts.size(); i++) {
      GenerationConfig.Builder b = base(24 + 8 * (i % 4)).doSample(true).seed(1000 + i);
      switch (i % 4) {
        case 0 -> b.temperature(1.0).topK(0);
        case 1 -> b.temperature(0.7).topK(40);
        case 2 -> b.temperature(1.2).topK(0).topP(0.9);
        default -> b.temperature(0.9).topK(0).minP(0.05);
      }
      assertSameAsPlain(GenerationRequest.text(prompts.get(i)), b.build(), "sampled '" + prompts.get(i) + "'");
    }
  }

  @Test
  void penaltiesSeeTheSameHistoryWithAndWithoutSpeculation() {
    for (int i = 0; i < 4; i++) {
      GenerationConfig plain = base(48).doSample(i % 2 == 1).seed(77 + i).temperature(0.8).topK(50)
          .repetitionPenalty(1.3).frequencyPenalty(0.4).presencePenalty(0.3).build();
      assertSameAsPlain(GenerationRequest.text(PROMPTS.get(7 - i)), plain, "penalised " + i);
    }
  }

  @Test
  void constraintsLazyAndEagerGiveTheSameOutputWithSpeculation() {
    var vocab = model.tokenizer().vocabulary();
    for (int i = 0; i < 4; i++) {
      GenerationConfig.Builder b = base(30).doSample(i >= 2).seed(5 + i).temperature(1.1).topK(0);
      if (i % 2 == 1) {
        b.logprobs(3); // eager masking, and logprobs of the masked distribution compared too
      }
      GenerationConfig plain = b.build();
      GenerationRequest req = GenerationRequest.text("The year was " + (1900 + 17 * i) + ", then");
      GenerationResult p = generator.generate(req.withConfig(plain).withProcessors(List.of(new DigitsConstraint(vocab, 12))));
      GenerationResult s = generator.generate(req.withConfig(spec(plain, SpeculativeMode.RECYCLE, 32))
          .withProcessors(List.of(new DigitsConstraint(vocab, 12))));
      assertSameOutput(p, s, "digits " + i);
      assertEquals(FinishReason.CONSTRAINT, s.finishReason());
    }
  }

  @Test
  void stopStringsAndEndOfSequenceEndSpeculativeGenerationWhereThePlainOneEnds() {
    GenerationResult full = generator.generate(GenerationRequest.text(PROMPTS.get(1)).withConfig(base(40).doSample(false).build()));
    String stop = full.text().substring(20, 23);
    int eos = full.tokens()[25];
    List<GenerationConfig> configs = List.of(
        base(40).doSample(false).addStopString(stop).build(),
        base(40).doSample(false).eosTokenIds(eos).build(),
        generator.defaults().toBuilder().maxNewTokens(120).doSample(true).seed(3).build());
    for (GenerationConfig c : configs) {
      assertSameAsPlain(GenerationRequest.text(PROMPTS.get(1)), c, c.toString());
    }
    GenerationResult stopped = generator.generate(GenerationRequest.text(PROMPTS.get(1)).withConfig(spec(configs.get(0), SpeculativeMode.RECYCLE, 80)));
    assertEquals(FinishReason.STOP, stopped.finishReason());
  }

  /** A stateful processor sees the same calls, in the same order: drafts never reach the chain's state. */
  @Test
  void statefulProcessorsSeeOnlyAcceptedTokensAndNoRollback() {
    GenerationConfig plain = base(40).doSample(true).seed(9).temperature(0.9).topK(0).build();
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    GenerationRequest req = GenerationRequest.text(PROMPTS.get(7));
    GenerationResult p = generator.generate(req.withConfig(plain).withProcessors(List.of(a)));
    GenerationResult s = generator.generate(req.withConfig(spec(plain, SpeculativeMode.RECYCLE, 32)).withProcessors(List.of(b)));
    assertSameOutput(p, s, "recorded");
    assertEquals(a.events, b.events);
    assertFalse(b.events.stream().anyMatch(e -> e.startsWith("rollback")), "verification never rolls the chain back");
    assertTrue((Double) s.measurements().get("speculative.accepted_per_forward") > 1, "drafts were accepted: " + s.measurements());
  }

  /** Records every call with the history length it saw. */
  private static final class Recorder implements LogitsProcessor {
    final List<String> events = new ArrayList<>();

    @Override
    public void process(TokenHistory history, float[] logits) {
      events.add("process@" + history.length() + ":" + history.last());
    }

    @Override
    public void accept(int token) {
      events.add("accept " + token);
    }

    @Override
    public void rollback(int n) {
      events.add("rollback " + n);
    }
  }

  @Test
  void acceptanceStatisticsAddUpAndRepetitiveTextIsDraftedWell() {
    generator.resetSpeculation();
    GenerationConfig c = spec(base(64).doSample(false).build(), SpeculativeMode.RECYCLE, 16);
    GenerationRequest req = GenerationRequest.text("one two three four one two three four one two three four one two");
    GenerationResult cold = generator.generate(req.withConfig(c));
    Map<String, Object> m = cold.measurements();
    int forwards = (Integer) m.get("speculative.forwards");
    long accepted = (Long) m.get("speculative.accepted_drafts");
    long drafted = (Long) m.get("speculative.drafted");
    assertEquals(FinishReason.LENGTH, cold.finishReason());
    // every token after the first comes either from a forward's root or from an accepted draft
    assertEquals(cold.tokens().length - 1, forwards + accepted, m.toString());
    assertEquals((double) Math.round(1000.0 * (forwards + accepted) / forwards) / 1000, (Double) m.get("speculative.accepted_per_forward"), 1e-9);
    assertEquals(Math.round(1000.0 * accepted / drafted) / 1000.0, (Double) m.get("speculative.acceptance_rate"), 1e-9);
    assertTrue((Double) m.get("speculative.accepted_per_forward") >= 2.0, "repetitive text drafts well: " + m);
    assertTrue(drafted <= 15L * forwards, "no tree exceeds its size");
    // the recycler is kept across requests: the same request again starts hot and needs fewer forwards
    GenerationResult hot = generator.generate(req.withConfig(c));
    assertArrayEquals(cold.tokens(), hot.tokens());
    assertTrue((Integer) hot.measurements().get("speculative.forwards") < forwards, hot.measurements() + " vs " + m);
  }

  /**
   * The acceptance rule keeps the target distribution: over many seeds, the first two sampled tokens
   * (the second usually taken from the draft tree) follow the model's own top-3 distribution, by a
   * chi-square test of the nine outcomes against probabilities computed from plain forwards.
   */
  @Test
  void sampledPairsFollowTheTargetDistribution() {
    int[] prompt = model.tokenizer().encode("Once upon a time");
    int k = 3;
    double[] p1 = new double[model.capabilities().vocabSize()];
    int[] first;
    Map<Integer, double[]> second = new java.util.HashMap<>();
    try (var cache = model.newCache(1)) {
      float[] l = model.forward(cache, dev.sieve.decoding.model.ForwardInput.of(prompt)).last(0);
      first = topK(l, k, p1);
      for (int t : first) {
        try (var fork = cache.fork()) {
          double[] p2 = new double[p1.length];
          topK(model.forward(fork, dev.sieve.decoding.model.ForwardInput.of(t)).last(0), k, p2);
          second.put(t, p2);
        }
      }
    }
    GenerationConfig c = spec(base(3).doSample(true).temperature(1.0).topK(k).build(), SpeculativeMode.RECYCLE, 16);
    Map<Long, Integer> counts = new java.util.HashMap<>();
    int n = 540;
    long fromDrafts = 0;
    for (int seed = 0; seed < n; seed++) {
      GenerationResult r = generator.generate(GenerationRequest.tokens(prompt).withConfig(c.toBuilder().seed(seed).build()));
      int[] t = r.tokens();
      counts.merge(((long) t[0] << 32) | t[1], 1, Integer::sum);
      fromDrafts += (Long) r.measurements().get("speculative.accepted_drafts");
    }
    assertTrue(fromDrafts > n / 2, "most second tokens came from the draft tree: " + fromDrafts);
    double chi2 = 0;
    int cells = 0;
    for (int a : first) {
      double[] p2 = second.get(a);
      for (int b = 0; b < p2.length; b++) {
        if (p2[b] > 0) {
          double expected = n * p1[a] * p2[b];
          double observed = counts.getOrDefault(((long) a << 32) | b, 0);
          chi2 += (observed - expected) * (observed - expected) / expected;
          cells++;
        }
      }
    }
    assertEquals(9, cells);
    // 8 degrees of freedom: P(chi2 > 26.12) = 0.001
    assertTrue(chi2 < 26.12, "chi-square " + chi2 + " for " + counts);
  }

  /** The top-k ids of {@code logits}, and their softmax renormalized over those k into {@code probs}. */
  private static int[] topK(float[] logits, int k, double[] probs) {
    int[] ids = java.util.stream.IntStream.range(0, logits.length).boxed()
        .sorted((x, y) -> Float.compare(logits[y], logits[x])).limit(k).mapToInt(Integer::intValue).toArray();
    double z = 0;
    for (int id : ids) {
      z += Math.exp(logits[id] - logits[ids[0]]);
    }
    for (int id : ids) {
      probs[id] = Math.exp(logits[id] - logits[ids[0]]) / z;
    }
    return ids;
  }

  /** A model without attention_bias verifies a single chain with its own causal mask; the output is the same. */
  @Test
  void aModelWithoutAttentionBiasVerifiesAChain() throws Exception {
    java.nio.file.Path dir = java.nio.file.Path.of(getClass().getResource("/models/tiny-plain/model.onnx").toURI()).getParent();
    try (OnnxLanguageModel plainLayout = OnnxLanguageModel.load(dir)) {
      Generator g = new Generator(plainLayout, StandardChainFactory.INSTANCE);
      for (int i = 0; i < 4; i++) {
        GenerationConfig c = g.defaults().toBuilder().maxNewTokens(40).eosTokenIds(-7).doSample(i % 2 == 1).seed(i).build();
        GenerationRequest req = GenerationRequest.tokens(3 + i, 17, 5, 3 + i, 17, 5, 3 + i);
        GenerationResult p = g.generate(req.withConfig(c));
        GenerationResult s = g.generate(req.withConfig(spec(c, SpeculativeMode.RECYCLE, 80)));
        assertSameOutput(p, s, "plain layout " + i);
        assertEquals(false, s.measurements().get("speculative.tree_attention"));
        assertTrue(String.valueOf(s.measurements().get("speculative.note")).contains("single chain"));
      }
    }
  }

  /**
   * Where {@code auto} decodes plainly, it still drafts the tree it would verify and walks it with the
   * tokens chosen: the tuner learns what trees would yield on this text without a tree forward, so it can
   * switch to trees when the text turns repetitive.
   */
  @Test
  void autoDecodingPlainlyLearnsWhatTreesWouldYieldFromShadowTrees() {
    Generator g = new Generator(model, StandardChainFactory.INSTANCE);
    SpeculationTuner tuner = g.tuner(80);
    // measured costs (more than the tuner's warm-up) that make every tree lose: auto decodes plainly
    for (int i = 0; i < 8; i++) {
      tuner.recordCost(1, 1_000_000);
      tuner.recordCost(4, 50_000_000);
    }
    assertEquals(1, tuner.bestSize());
    assertTrue(Double.isNaN(tuner.acceptedPerForward(8)));
    GenerationConfig plain = base(64).doSample(false).build();
    GenerationRequest req = GenerationRequest.text("one two three four one two three four one two three four one two");
    GenerationResult p = g.generate(req.withConfig(plain));
    GenerationResult s = g.generate(req.withConfig(spec(plain, SpeculativeMode.AUTO, 80)));
    assertSameOutput(p, s, "auto, plain by cost");
    int treeForwards = (Integer) s.measurements().get("speculative.tree_forwards");
    assertTrue(treeForwards <= 2, "at most a re-measurement of the smallest tree: " + s.measurements());
    for (int size : new int[] {4, 8, 16}) {
      assertTrue(tuner.shadowAcceptedPerForward(size) >= 2.0, size + " nodes would have yielded 2 or more tokens per forward: " + tuner);
    }
  }

  @Test
  void plainModeReportsNothingSpeculative() {
    GenerationResult r = generator.generate(GenerationRequest.text(PROMPTS.get(0)).withConfig(base(4).build()));
    assertFalse(r.measurements().keySet().stream().anyMatch(k -> k.startsWith("speculative.")));
  }
}
