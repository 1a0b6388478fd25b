package dev.sieve.decoding.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.model.ForwardInput;
import dev.sieve.decoding.model.KvCache;
import dev.sieve.decoding.model.Logits;
import dev.sieve.decoding.model.ModelException;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.model.TestModels;
import dev.sieve.decoding.prompt.PromptLayout;
import dev.sieve.decoding.prompt.PromptMessage;
import dev.sieve.decoding.prompt.PromptSegment;
import dev.sieve.decoding.sampling.GreedySampler;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Set-based prompts on the bundled model: the output cannot depend on the order of a set's members, bit for
 * bit, and a prompt without sets (or with one-member sets) decodes exactly as the plain prompt does.
 */
class SetBasedGenerationTest {
  private static final String[] WORDS = {"apple", "river", "quiet", "engine", "purple", "letter", "winter", "garden",
      "copper", "signal", "forest", "market", "silver", "window", "planet", "candle", "pocket", "ladder"};
  private final OnnxLanguageModel model = TestModels.bundled();
  private final Generator generator = new Generator(model, DecodingChainFactory.greedy());

  private static String phrase(Random rnd, int words) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words; i++) {
      sb.append(i == 0 ? "" : " ").append(WORDS[rnd.nextInt(WORDS.length)]);
    }
    return sb.toString();
  }

  private static List<String> members(Random rnd, int n) {
    List<String> m = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      m.add("\n- " + phrase(rnd, 1 + rnd.nextInt(4))); // members of different lengths
    }
    return m;
  }

  /** Every ordering of {@code items}. */
  private static <T> List<List<T>> permutations(List<T> items) {
    if (items.size() <= 1) {
      return List.of(items);
    }
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      List<T> rest = new ArrayList<>(items);
      T head = rest.remove(i);
      for (List<T> p : permutations(rest)) {
        List<T> q = new ArrayList<>();
        q.add(head);
        q.addAll(p);
        out.add(q);
      }
    }
    return out;
  }

  /** The raw bits of the logits of every step of greedy decoding, then the chosen tokens. */
  private record Trace(List<int[]> logitBits, int[] tokens) {
    void assertSame(Trace other, String what) {
      assertEquals(logitBits.size(), other.logitBits.size(), what);
      for (int i = 0; i < logitBits.size(); i++) {
        assertArrayEquals(logitBits.get(i), other.logitBits.get(i), what + ": logits of step " + i);
      }
      assertArrayEquals(tokens, other.tokens, what + ": tokens");
    }
  }

  private static int[] bits(float[] v) {
    int[] b = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Float.floatToRawIntBits(v[i]);
    }
    return b;
  }

  /** Greedy decoding on the decoder loop, recording the model's logits (before the chain) at each step. */
  private Trace trace(PromptLayout layout, List<LogitsProcessor> chain, int steps) {
    try (SequenceDecoder seq = new SequenceDecoder(model, layout.tokens(), chain, GreedySampler.INSTANCE, false)) {
      float[] logits = seq.prefill(layout.forwardInput());
      assertEquals(layout.nextPosition(), seq.cache().nextPosition(0), "generation continues after the longest member");
      List<int[]> seen = new ArrayList<>();
      int[] tokens = new int[steps];
      for (int s = 0; s < steps; s++) {
        seen.add(bits(logits));
        tokens[s] = seq.choose(logits);
        seq.accept(tokens[s]);
        logits = seq.feed(tokens[s]);
      }
      return new Trace(seen, tokens);
    }
  }

  private static List<PromptSegment> prompt(String prefix, List<String> setA, String middle, List<String> setB, String suffix) {
    return List.of(PromptSegment.text(prefix), PromptSegment.set(setA), PromptSegment.text(middle), PromptSegment.set(setB),
        PromptSegment.text(suffix));
  }

  /**
   * Seeded prompts with two sets each (3 or 4 members): every permutation of the first set, with several
   * orders of the second, gives the same logits bytes at every step and the same tokens, with no processor
   * and with a constraint.
   */
  @Test
  void everyPermutationOfTheMembersGivesBitIdenticalLogitsAndTokens() {
    Random rnd = new Random(20241);
    for (int p = 0; p < 3; p++) {
      int sizeA = p == 0 ? 4 : 3;
      String prefix = "Question " + p + ": which of these is " + phrase(rnd, 2) + "?";
      List<String> a = members(rnd, sizeA);
      List<String> b = members(rnd, 3);
      String middle = "\nAlso consider:";
      String suffix = "\nThe answer is";
      List<List<String>> ordersOfB = p == 0 ? List.of(b, b.reversed()) : permutations(b);
      Trace reference = trace(PromptLayout.encode(prompt(prefix, a, middle, b, suffix), model.tokenizer()), List.of(), 8);
      Supplier<List<LogitsProcessor>> constrained = () -> List.of(new DigitsConstraint(model.tokenizer().vocabulary(), 6));
      Trace referenceConstrained = trace(PromptLayout.encode(prompt(prefix, a, middle, b, suffix), model.tokenizer()),
          constrained.get(), 6);
      int runs = 0;
      for (List<String> pa : permutations(a)) {
        for (List<String> pb : ordersOfB) {
          PromptLayout layout = PromptLayout.encode(prompt(prefix, pa, middle, pb, suffix), model.tokenizer());
          String what = "prompt " + p + ", order " + pa + " / " + pb;
          reference.assertSame(trace(layout, List.of(), 8), what);
          if (runs++ % 3 == 0) { // a third of the orders again under the constraint
            referenceConstrained.assertSame(trace(layout, constrained.get(), 6), what + " (constrained)");
          }
        }
      }
    }
  }

  /** Through the Generator, with the model's sampling defaults (seeded) and logprobs: the same result for every order. */
  @Test
  void generationWithSamplingIsTheSameForEveryOrder() {
    Generator standard = new Generator(model);
    GenerationConfig config = standard.defaults().toBuilder().maxNewTokens(10).seed(11).logprobs(3).build();
    List<String> options = List.of(" a red apple", " the old bridge over the river", " winter", " a letter");
    GenerationResult first = null;
    for (List<String> order : permutations(options)) {
      GenerationResult r = standard.generate(GenerationRequest.setBased(List.of(PromptSegment.text("Pick one of:"),
          PromptSegment.set(order), PromptSegment.text(". I pick"))).withConfig(config));
      if (first == null) {
        first = r;
        continue;
      }
      assertArrayEquals(first.promptTokens(), r.promptTokens());
      assertArrayEquals(first.tokens(), r.tokens(), order.toString());
      assertEquals(first.text(), r.text());
      for (int i = 0; i < first.logprobs().size(); i++) {
        assertEquals(first.logprobs().get(i), r.logprobs().get(i), order + " logprob " + i);
      }
    }
  }

  /** A set inside a user message of a chat: same output for every order. */
  @Test
  void chatWithASetIsTheSameForEveryOrder() {
    GenerationConfig config = generator.defaults().toBuilder().doSample(false).maxNewTokens(12).build();
    List<String> options = List.of("\n- a cat", "\n- a boat", "\n- a cloud");
    GenerationResult first = null;
    for (List<String> order : permutations(options)) {
      GenerationResult r = generator.generate(GenerationRequest.setBasedChat(List.of(new PromptMessage("user",
          List.of(PromptSegment.text("Which one floats?"), PromptSegment.set(order), PromptSegment.text("\nAnswer with one.")))))
          .withConfig(config));
      assertTrue(model.tokenizer().vocabulary().isSpecial(r.promptTokens()[0]), "the chat template's tokens are special");
      if (first == null) {
        first = r;
      } else {
        assertArrayEquals(first.tokens(), r.tokens(), order.toString());
      }
    }
  }

  /** One-member sets (and no sets at all) are the ordinary prompt: the same logits bytes and the same output. */
  @Test
  void withOneMemberPerSetItIsPlainDecoding() {
    Random rnd = new Random(7);
    for (int p = 0; p < 3; p++) {
      String prefix = "Once upon a time, " + phrase(rnd, 3);
      String member = " and " + phrase(rnd, 2);
      String suffix = ", said the " + phrase(rnd, 1);
      PromptLayout layout = PromptLayout.encode(List.of(PromptSegment.text(prefix), PromptSegment.set(member),
          PromptSegment.text(suffix)), model.tokenizer());
      int[] plainIds = concat(model.tokenizer().encode(prefix), model.tokenizer().encode(member), model.tokenizer().encode(suffix));
      assertArrayEquals(plainIds, layout.tokens());
      long[] expectedPositions = new long[plainIds.length];
      Arrays.setAll(expectedPositions, i -> i);
      assertArrayEquals(expectedPositions, layout.positions());
      // the plain path: positions and causal pattern from the runtime, no explicit bias
      Trace plain;
      try (SequenceDecoder seq = new SequenceDecoder(model, plainIds, List.of(), GreedySampler.INSTANCE, false)) {
        float[] logits = seq.prefill();
        List<int[]> seen = new ArrayList<>();
        int[] tokens = new int[8];
        for (int s = 0; s < 8; s++) {
          seen.add(bits(logits));
          tokens[s] = seq.choose(logits);
          seq.accept(tokens[s]);
          logits = seq.feed(tokens[s]);
        }
        plain = new Trace(seen, tokens);
      }
      plain.assertSame(trace(layout, List.of(), 8), "prompt " + p);
      GenerationConfig config = generator.defaults().toBuilder().doSample(false).maxNewTokens(10).logprobs(2).build();
      GenerationResult a = generator.generate(GenerationRequest.tokens(plainIds).withConfig(config));
      GenerationResult b = generator.generate(GenerationRequest.layout(layout).withConfig(config));
      assertArrayEquals(a.tokens(), b.tokens());
      assertEquals(a.logprobs(), b.logprobs());
      // text segments only: the text prompt
      GenerationResult c = generator.generate(GenerationRequest.setBased(List.of(PromptSegment.text(prefix))).withConfig(config));
      GenerationResult d = generator.generate(GenerationRequest.text(prefix).withConfig(config));
      assertArrayEquals(d.tokens(), c.tokens());
      assertEquals(d.logprobs(), c.logprobs());
    }
  }

  /**
   * What each member sees is what it would see alone: the logits at a member's last token equal those of
   * the prefix followed by that member only (numerically: another pattern sums in another order).
   */
  @Test
  void eachMemberSeesThePrefixAndItselfOnly() {
    List<String> members = List.of(" the first choice", " two", " a third and longer choice");
    String prefix = "Choose:";
    PromptLayout layout = PromptLayout.encode(List.of(PromptSegment.text(prefix), PromptSegment.set(members),
        PromptSegment.text(" done")), model.tokenizer());
    int[] pre = model.tokenizer().encode(prefix);
    Logits all;
    try (KvCache cache = model.newCache(1)) {
      all = model.forward(cache, layout.forwardInput().allLogits());
    }
    int[] laid = layout.tokens();
    for (String m : members) {
      int[] ids = model.tokenizer().encode(m);
      int start = indexOf(laid, ids, pre.length);
      float[] alone;
      try (KvCache cache = model.newCache(1)) {
        alone = model.forward(cache, ForwardInput.of(concat(pre, ids))).last(0);
      }
      float[] inSet = all.row(0, start + ids.length - 1);
      for (int v = 0; v < alone.length; v++) {
        assertEquals(alone[v], inSet[v], 1e-4, m + " token " + v);
      }
    }
  }

  @Test
  void modelsWithoutAttentionBiasGetAClearError() throws URISyntaxException {
    Path dir = Path.of(getClass().getResource("/models/tiny-plain/model.onnx").toURI()).getParent();
    try (OnnxLanguageModel plain = OnnxLanguageModel.load(dir)) {
      Generator g = new Generator(plain, DecodingChainFactory.greedy());
      ModelException e = assertThrows(ModelException.class, () -> g.generate(GenerationRequest.setBased(
          List.of(PromptSegment.text("a"), PromptSegment.set("b", "c"), PromptSegment.text("d")))));
      assertTrue(e.getMessage().startsWith("set-based prompts need a model with an attention_bias input and a position_ids input"),
          e.getMessage());
    }
  }

  private static int[] concat(int[]... parts) {
    int n = 0;
    for (int[] p : parts) {
      n += p.length;
    }
    int[] out = new int[n];
    int at = 0;
    for (int[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static int indexOf(int[] hay, int[] needle, int from) {
    for (int i = from; i + needle.length <= hay.length; i++) {
      if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("member not found in the layout");
  }
}
