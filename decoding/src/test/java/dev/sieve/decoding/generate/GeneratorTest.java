package dev.sieve.decoding.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.logits.TokenHistory;
import dev.sieve.decoding.model.ForwardInput;
import dev.sieve.decoding.model.KvCache;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.model.TestModels;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class GeneratorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final OnnxLanguageModel model = TestModels.bundled();
  private final Generator generator = new Generator(model, DecodingChainFactory.greedy());

  private GenerationConfig greedy(int maxNewTokens) {
    return generator.defaults().toBuilder().doSample(false).maxNewTokens(maxNewTokens).build();
  }

  private static int[] ints(JsonNode n) {
    int[] a = new int[n.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = n.get(i).asInt();
    }
    return a;
  }

  /** Text prompts, chat prompts (through the chat template) and token prompts all continue as the fixture says. */
  @Test
  void greedyGenerationFollowsTheParityFixture() throws IOException {
    JsonNode fixture = JSON.readTree(TestModels.bundledDir().resolve("parity.json").toFile());
    for (JsonNode c : fixture.path("cases")) {
      String name = c.path("name").asText();
      int[] prompt = ints(c.path("input_ids"));
      int[] expected = ints(c.path("torch").path("greedy_ids"));
      GenerationRequest request = "chat".equals(c.path("kind").asText())
          ? GenerationRequest.chat(List.of(ChatMessage.user(c.path("prompt").asText())))
          : GenerationRequest.text(c.path("prompt").asText());
      request = request.withConfig(greedy(expected.length).toBuilder().eosTokenIds(new int[] {-7}).build());
      assertArrayEquals(prompt, generator.promptTokens(request), name + " prompt");
      GenerationResult r = generator.generate(request);
      assertArrayEquals(expected, r.tokens(), name);
      assertEquals(c.path("greedy_text").asText(), r.text(), name);
      assertEquals(FinishReason.LENGTH, r.finishReason());
      GenerationResult fromIds = generator.generate(GenerationRequest.tokens(prompt).withConfig(request.config()));
      assertArrayEquals(expected, fromIds.tokens(), name + " from ids");
    }
  }

  @Test
  void stopStringsMatchAcrossTokenBoundariesAndAreLeftOut() {
    GenerationConfig base = greedy(16).toBuilder().eosTokenIds(new int[] {-7}).build();
    GenerationRequest plain = GenerationRequest.text("Abdication: the act of").withConfig(base);
    GenerationResult full = generator.generate(plain);
    String text = full.text();
    // a stop string that starts inside one token and ends inside a later one
    int[] ids = full.tokens();
    String first = model.tokenizer().decode(new int[] {ids[0]});
    String stop = text.substring(first.length() - 2, first.length() + 3);
    int at = text.indexOf(stop);
    List<String> deltas = new ArrayList<>();
    GenerationResult r = generator.generate(plain.withConfig(base.toBuilder().addStopString(stop).build())
        .withListener(GenerationListener.text(deltas::add)));
    assertEquals(FinishReason.STOP, r.finishReason());
    assertEquals(text.substring(0, at), r.text());
    assertEquals(r.text(), String.join("", deltas));
    for (String d : deltas) {
      assertFalse(d.contains(stop));
    }
    // a stop string that never completes: its held-back prefix is released at the end
    String never = text.substring(text.length() - 2) + "\u0000";
    List<String> d2 = new ArrayList<>();
    GenerationResult r2 = generator.generate(plain.withConfig(base.toBuilder().addStopString(never).build())
        .withListener(GenerationListener.text(d2::add)));
    assertEquals(FinishReason.LENGTH, r2.finishReason());
    assertEquals(text, r2.text());
    assertEquals(text, String.join("", d2));
  }

  @Test
  void endOfSequenceAndLengthLimits() {
    GenerationRequest req = GenerationRequest.text("A wise man once said that");
    GenerationResult five = generator.generate(req.withConfig(greedy(5)));
    assertEquals(5, five.tokens().length);
    assertEquals(FinishReason.LENGTH, five.finishReason());
    int third = five.tokens()[2];
    GenerationResult eos = generator.generate(req.withConfig(greedy(5).toBuilder().eosTokenIds(third).build()));
    assertEquals(FinishReason.EOS, eos.finishReason());
    int firstThird = 0;
    while (five.tokens()[firstThird] != third) {
      firstThird++;
    }
    assertArrayEquals(Arrays.copyOf(five.tokens(), firstThird), eos.tokens(), "the end token is not part of the output");
    GenerationResult none = generator.generate(req.withConfig(greedy(0)));
    assertEquals(0, none.tokens().length);
    assertEquals(FinishReason.LENGTH, none.finishReason());
  }

  /** The lazy check picks what eager masking picks, and stops with CONSTRAINT once the constraint is finished. */
  @Test
  void constraintsLazyAndEagerAgree() {
    var vocab = model.tokenizer().vocabulary();
    GenerationRequest req = GenerationRequest.text("The year was").withConfig(greedy(10));
    DigitsConstraint lazy = new DigitsConstraint(vocab, 4);
    GenerationResult a = generator.generate(req.withProcessors(List.of(lazy)));
    assertEquals(FinishReason.CONSTRAINT, a.finishReason());
    assertEquals(4, a.tokens().length);
    assertTrue(a.text().matches("[0-9]+"), a.text());
    assertEquals(4, a.measurements().get("constraint.lazy_checks"));
    int resamples = (Integer) a.measurements().get("constraint.resamples");
    assertEquals(resamples, a.measurements().get("digits.mask_fills"), "masks are filled only on rejection");
    // logprobs force eager masking: same tokens, and every alternative is allowed
    DigitsConstraint eager = new DigitsConstraint(vocab, 4);
    GenerationResult b = generator.generate(req.withProcessors(List.of(eager))
        .withConfig(greedy(10).toBuilder().logprobs(3).build()));
    assertArrayEquals(a.tokens(), b.tokens());
    assertEquals(4, b.measurements().get("digits.mask_fills"));
    for (TokenLogprob lp : b.logprobs()) {
      for (TokenLogprob.Alternative alt : lp.top()) {
        assertTrue(model.tokenizer().decode(new int[] {alt.token()}).matches("[0-9]+"));
      }
    }
    // a constraint followed by another processor is applied eagerly too
    LogitsProcessor after = (TokenHistory h, float[] logits) -> logits[0] += 0f;
    GenerationResult c = generator.generate(req.withProcessors(List.of(new DigitsConstraint(vocab, 4), after)));
    assertArrayEquals(a.tokens(), c.tokens());
    assertFalse(c.measurements().containsKey("constraint.lazy_checks"));
  }

  @Test
  void logprobsAreTheLogSoftmaxOfTheProcessedLogits() {
    int[] prompt = model.tokenizer().encode("SELECT name, email FROM customers WHERE");
    float[] logits;
    try (KvCache cache = model.newCache(1)) {
      logits = model.forward(cache, ForwardInput.of(prompt)).last(0);
    }
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) max = Math.max(max, v);
    double sum = 0;
    for (float v : logits) sum += Math.exp(v - max);
    double logZ = max + Math.log(sum);
    GenerationResult r = generator.generate(GenerationRequest.tokens(prompt).withConfig(greedy(3).toBuilder().logprobs(5).build()));
    assertEquals(3, r.logprobs().size());
    TokenLogprob first = r.logprobs().get(0);
    assertEquals(r.tokens()[0], first.token());
    assertEquals(logits[first.token()] - logZ, first.logprob(), 1e-4);
    assertEquals(5, first.top().size());
    assertEquals(first.token(), first.top().get(0).token(), "greedy picks the most likely");
    for (int k = 1; k < 5; k++) {
      assertTrue(first.top().get(k - 1).logprob() >= first.top().get(k).logprob());
      assertEquals(logits[first.top().get(k).token()] - logZ, first.top().get(k).logprob(), 1e-4);
    }
  }

  @Test
  void streamsTokenEventsAndReportsTimings() {
    List<Integer> tokens = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    GenerationResult[] finished = new GenerationResult[1];
    GenerationResult r = generator.generate(GenerationRequest.text("Once upon a time").withConfig(greedy(12))
        .withListener(new GenerationListener() {
          @Override
          public void onToken(int index, int token, String textDelta, TokenLogprob logprob) {
            assertEquals(tokens.size(), index);
            tokens.add(token);
            text.append(textDelta);
          }

          @Override
          public void onTrailingText(String textDelta) {
            text.append(textDelta);
          }

          @Override
          public void onFinish(GenerationResult result) {
            finished[0] = result;
          }
        }));
    assertArrayEquals(r.tokens(), tokens.stream().mapToInt(Integer::intValue).toArray());
    assertEquals(r.text(), text.toString());
    assertEquals(r, finished[0]);
    Timings t = r.timings();
    assertTrue(t.prefillMs() > 0 && t.decodeMs() > 0 && t.tokensPerSecond() > 0, t.toString());
    assertTrue(t.forwardMs() <= t.totalMs() && t.forwardMs() >= t.prefillMs(), t.toString());
    assertEquals(r.tokens().length, t.generatedTokens());
  }

  /** Eight generations on four threads share one model; each equals the same generation run alone. */
  @Test
  void concurrentGenerationsOnOneModelEqualEachRunAlone() throws Exception {
    String[] prompts = {"Once upon a time", "The capital of France is", "def fibonacci(n):", "A wise man once said that",
        "SELECT * FROM", "Rain falls on the", "{\"name\": ", "In the beginning"};
    List<GenerationResult> alone = new ArrayList<>();
    for (String p : prompts) {
      alone.add(generator.generate(GenerationRequest.text(p).withConfig(greedy(12))));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<GenerationResult>> futures = new ArrayList<>();
      for (String p : prompts) {
        futures.add(pool.submit(() -> generator.generate(GenerationRequest.text(p).withConfig(greedy(12)))));
      }
      for (int i = 0; i < prompts.length; i++) {
        GenerationResult r = futures.get(i).get();
        assertArrayEquals(alone.get(i).tokens(), r.tokens(), prompts[i]);
        assertEquals(alone.get(i).text(), r.text());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The default generator reads generation_config.json (sampling at 0.7, top-k 40, top-p 0.95): seeded, repeatable. */
  @Test
  void seededSamplingWithTheModelDefaultsRepeats() {
    Generator standard = new Generator(model);
    assertTrue(standard.defaults().doSample());
    GenerationRequest req = GenerationRequest.text("Once upon a time");
    GenerationConfig seeded = standard.defaults().toBuilder().maxNewTokens(12).seed(7).build();
    GenerationResult a = standard.generate(req.withConfig(seeded));
    GenerationResult b = standard.generate(req.withConfig(seeded));
    assertArrayEquals(a.tokens(), b.tokens());
    assertEquals(a.text(), b.text());
    boolean differs = false;
    for (long seed = 8; seed < 14 && !differs; seed++) {
      differs = !Arrays.equals(a.tokens(), standard.generate(req.withConfig(seeded.toBuilder().seed(seed).build())).tokens());
    }
    assertTrue(differs, "other seeds give other samples");
    // without do_sample the standard chain is plain greedy
    GenerationResult g = standard.generate(req.withConfig(greedy(12)));
    assertArrayEquals(generator.generate(req.withConfig(greedy(12))).tokens(), g.tokens());
  }

  /** A forked decoder continues exactly as the original would: cache, history, processors and sampler copied. */
  @Test
  void aForkedSequenceContinuesLikeTheOriginal() {
    int[] prompt = model.tokenizer().encode("The year was");
    var vocab = model.tokenizer().vocabulary();
    try (SequenceDecoder seq = new SequenceDecoder(model, prompt, List.of(new DigitsConstraint(vocab, 6)),
        new dev.sieve.decoding.sampling.MultinomialSampler(3), false)) {
      float[] logits = seq.prefill();
      int t = seq.choose(logits);
      seq.accept(t);
      logits = seq.feed(t);
      try (SequenceDecoder fork = seq.fork()) {
        float[] forkLogits = logits.clone();
        for (int i = 0; i < 3; i++) {
          int a = seq.choose(logits);
          int b = fork.choose(forkLogits);
          assertEquals(a, b, "step " + i);
          seq.accept(a);
          fork.accept(b);
          logits = seq.feed(a);
          forkLogits = fork.feed(b);
        }
        assertArrayEquals(seq.history().toArray(), fork.history().toArray());
        assertEquals(seq.cache().length(), fork.cache().length());
      }
    }
  }

  @Test
  void rollingBackAndRefeedingRepeatsTheSameSteps() {
    int[] prompt = model.tokenizer().encode("def fibonacci(n):");
    try (SequenceDecoder seq = new SequenceDecoder(model, prompt, List.of(), new dev.sieve.decoding.sampling.GreedySampler(), false)) {
      float[] logits = seq.prefill();
      int[] first = new int[5];
      for (int i = 0; i < 5; i++) {
        first[i] = seq.choose(logits);
        seq.accept(first[i]);
        logits = seq.feed(first[i]);
      }
      seq.rollback(2);
      assertEquals(prompt.length + 3, seq.history().length());
      assertEquals(prompt.length + 2, seq.cache().length());
      logits = seq.feed(seq.history().last());
      for (int i = 3; i < 5; i++) {
        int t = seq.choose(logits);
        assertEquals(first[i], t, "step " + i);
        seq.accept(t);
        logits = seq.feed(t);
      }
      assertThrows(IllegalArgumentException.class, () -> seq.rollback(6));
    }
  }

  @Test
  void badRequestsFailClearly() {
    assertThrows(IllegalArgumentException.class, () -> generator.generate(GenerationRequest.text("")));
    int[] tooLong = new int[1024];
    Arrays.fill(tooLong, 208);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> generator.generate(GenerationRequest.tokens(tooLong).withConfig(greedy(4))));
    assertTrue(e.getMessage().contains("1024"), e.getMessage());
    IllegalStateException sampling = assertThrows(IllegalStateException.class,
        () -> generator.generate(GenerationRequest.text("x").withConfig(greedy(4).toBuilder().doSample(true).build())));
    assertTrue(sampling.getMessage().contains("DecodingChainFactory"), sampling.getMessage());
  }
}
