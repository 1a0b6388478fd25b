package dev.sieve.grammars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.generate.FinishReason;
import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.logits.LogitBiasProcessor;
import dev.sieve.decoding.logits.TokenMask;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.tokenizer.Vocabulary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Beam search through the generator ({@code GenerationConfig.numBeams}) under a bundled grammar, with the
 * standard chain (a logit bias before the constraint, so the chain has more than one processor to fork per
 * beam): the output of 2 and 4 beams is one ANTLR's interpreter accepts, or, cut by the length limit, a
 * prefix the grammar can still complete.
 */
class BeamGenerationTest {
  private static OnnxLanguageModel model;
  private static Generator generator;

  @BeforeAll
  static void load() {
    model = OnnxLanguageModel.load(BundledModel.path());
    generator = new Generator(model);
  }

  @AfterAll
  static void close() {
    if (model != null) {
      model.close();
    }
  }

  private static final Map<String, String> PROMPTS = Map.of(
      "json", "A JSON object describing a cat:\n",
      "csv", "name,age,city\n",
      "arithmetic", "Compute: ",
      "sql", "Write a SQL query that selects name from customers where city = 'Paris'.");

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "csv", "arithmetic", "sql"})
  void beamOutputsUnderAGrammarAreValid(String name) throws IOException {
    Vocabulary v = model.tokenizer().vocabulary();
    CompiledGrammar cg = GrammarCompiler.compile(BundledGrammars.load(name), v);
    AntlrOracle oracle = SoundnessTest.oracle(name);
    Map<Integer, Float> eosBias = new HashMap<>();
    for (int e : v.eosTokenIds()) {
      eosBias.put(e, 8f);
    }
    int complete = 0;
    StringBuilder seen = new StringBuilder();
    for (int beams : new int[] {2, 4}) {
      GenerationConfig config = GenerationConfig.builder().maxNewTokens(48).doSample(false).numBeams(beams).build();
      // SQL in the model's chat format (without the [respond] token first, the model drifts into an endless comment)
      GenerationRequest request = name.equals("sql")
          ? SoundnessTest.chatAnswer(model, PROMPTS.get(name)) : GenerationRequest.text(PROMPTS.get(name));
      GenerationResult r = generator.generate(request.withConfig(config)
          .withProcessors(List.of(new LogitBiasProcessor(eosBias), cg.newConstraint())));
      String what = name + ", " + beams + " beams (" + r.finishReason() + "): '" + Conformance.escape(r.text()) + "'";
      seen.append('\n').append(what);
      assertEquals(beams, r.measurements().get("beam_search.beams"));
      // Replayed token by token, as it was generated: skipped text (a comment) may run past the whitespace
      // cap where nothing else is allowed, which one acceptString step over the whole text would not allow.
      GrammarMatcher m = cg.newMatcher();
      ByteArrayOutputStream replayed = new ByteArrayOutputStream();
      for (int t : r.tokens()) {
        assertTrue(m.acceptToken(t), "the engine rejects its own beam output at token " + t + " after '"
            + Conformance.escape(replayed.toString(StandardCharsets.UTF_8)) + "': " + what);
        replayed.writeBytes(v.tokenBytes(t));
      }
      assertEquals(r.text(), replayed.toString(StandardCharsets.UTF_8), "the text is the tokens' bytes");
      if (r.finishReason() == FinishReason.LENGTH) {
        assertEquals(48, r.tokens().length, what);
        TokenMask mask = new TokenMask(v.size());
        m.fillMask(mask);
        assertTrue(mask.cardinality() > 0, "dead end after " + what);
      } else {
        assertTrue(r.finishReason() == FinishReason.EOS || r.finishReason() == FinishReason.CONSTRAINT, what);
        assertTrue(oracle.accepts(r.text()), "ANTLR rejects " + what);
        complete++;
      }
    }
    assertTrue(complete >= 1, name + ": no beam output ended on its own:" + seen);
  }
}
