package dev.sieve.grammars.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.generate.BeamSearch;
import dev.sieve.decoding.generate.FinishReason;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.tokenizer.HuggingFaceTokenizer;
import dev.sieve.decoding.tokenizer.Vocabulary;
import dev.sieve.grammars.AntlrOracle;
import dev.sieve.grammars.CompiledGrammar;
import dev.sieve.grammars.Grammar;
import dev.sieve.grammars.GrammarMatcher;
import dev.sieve.grammars.SentenceSampler;
import dev.sieve.grammars.antlr.AntlrGrammarLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Filled templates equal hand-written ANTLR grammars of the same inputs: seeded random sentences of
 * either are accepted by both (the template through the engine's matcher, the .g4 through ANTLR's
 * interpreter), and so are or are not their one-character mutations.
 */
class TemplateEquivalenceTest {
  private static HuggingFaceTokenizer tokenizer;
  private static Vocabulary vocabulary;

  @BeforeAll
  static void load() throws Exception {
    tokenizer = HuggingFaceTokenizer.load(BundledModel.path());
    vocabulary = tokenizer.vocabulary();
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  @Test
  void closedInformationExtractionEqualsItsHandWrittenGrammar() {
    GrammarTemplate t = TaskGrammars.closedInformationExtraction(2);
    GrammarTemplate.Bindings b = TaskGrammars.extractionBindings(List.of("Barack Obama", "Obama", "Honolulu"),
        List.of("born in", "capital of", "member of"));
    assertEquivalent(t, b, "cie.g4", "triples", 7, 8);
  }

  @Test
  void aTriplesObjectIsAnotherEntityThanItsSubject() {
    AntlrOracle oracle = new AntlrOracle(List.of(resource("cie.g4")), "triples");
    GrammarTemplate t = TaskGrammars.closedInformationExtraction(2);
    List<String> entities = List.of("Barack Obama", "Obama", "Honolulu");
    CompiledGrammar g = new TemplateCache(4).compile(t, TaskGrammars.extractionBindings(entities,
        List.of("born in", "capital of", "member of")), vocabulary);
    for (String s : entities) {
      for (String o : entities) {
        String triple = "[s] " + s + " [r] born in [o] " + o + " [e]";
        assertEquals(!s.equals(o), accepts(g, triple), triple);
        assertEquals(!s.equals(o), oracle.accepts(triple), "ANTLR on " + triple);
      }
    }
    assertTrue(!accepts(g, "[s] Obama [r] born in [o] Honolulu [e] [s] Honolulu [r] born in [o] Honolulu [e]"),
        "a self-relation as the second triple");
  }

  @Test
  void everyOrderedPairOfDistinctEntitiesIsATripleAndNoSelfPairIs() {
    // Seeded sets of 2..40 entities, some prefixes of others ("Ann", "Ann Lee") and some sharing words:
    // exactly the pairs (s, o) with s != o are accepted, whatever the shape of the entity tree.
    Random random = new Random(5);
    String[] words = {"Ann", "Lee", "Ann Lee", "Paris", "Paris, Texas", "Bo", "Bob", "Al Nassr", "Nassr", "Rome"};
    GrammarTemplate t = TaskGrammars.closedInformationExtraction(1);
    for (int n : new int[] {2, 3, 4, 5, 7, 10, 17, 40}) {
      List<String> entities = new java.util.ArrayList<>();
      for (int i = 0; entities.size() < n; i++) {
        String e = i < words.length && random.nextBoolean() ? words[i] : "E" + i + (random.nextBoolean() ? " Lee" : "");
        if (!entities.contains(e)) {
          entities.add(e);
        }
      }
      CompiledGrammar g = GrammarCompiler.compileFresh(t.fill(TaskGrammars.extractionBindings(entities, List.of("of"))),
          vocabulary);
      for (String s : entities) {
        for (String o : entities) {
          String triple = "[s] " + s + " [r] of [o] " + o + " [e]";
          assertEquals(!s.equals(o), accepts(g, triple), n + " entities: " + triple);
        }
      }
      assertTrue(!accepts(g, "[s] Nobody [r] of [o] " + entities.get(0) + " [e]"), "an entity outside the input");
    }
  }

  /** The typed test schema of cie-typed.g4. */
  private static final RelationSchema SCHEMA = new RelationSchema(List.of(
      new RelationSchema.Relation("born in", Set.of("person"), Set.of("city", "region")),
      new RelationSchema.Relation("married to", Set.of("person"), Set.of("person")),
      new RelationSchema.Relation("located in", Set.of("city", "region", "university"), Set.of("city", "region")),
      new RelationSchema.Relation("works for", Set.of("person"), Set.of("university")),
      new RelationSchema.Relation("directed", Set.of("person"), Set.of("film"))));

  private static Map<String, String> obamas() {
    Map<String, String> types = new LinkedHashMap<>();
    types.put("Barack Obama", "person");
    types.put("Michelle Obama", "person");
    types.put("Honolulu", "city");
    types.put("Hawaii", "region");
    types.put("Harvard", "university");
    return types;
  }

  @Test
  void typedClosedInformationExtractionEqualsItsHandWrittenGrammar() {
    assertEquivalent(TaskGrammars.typedClosedInformationExtraction(2), TaskGrammars.typedExtractionBindings(obamas(), SCHEMA),
        "cie-typed.g4", "triples", 17, 12);
  }

  @Test
  void typedTriplesAreExactlyTheWellTypedOnes() {
    // Every (subject, relation, object) over the entities, the schema's relations and one outside it.
    AntlrOracle oracle = new AntlrOracle(List.of(resource("cie-typed.g4")), "triples");
    Map<String, String> types = obamas();
    CompiledGrammar g = new TemplateCache(4).compile(TaskGrammars.typedClosedInformationExtraction(1),
        TaskGrammars.typedExtractionBindings(types, SCHEMA), vocabulary);
    int accepted = 0;
    List<String> relations = new java.util.ArrayList<>(SCHEMA.names());
    relations.add("capital of");
    for (String s : types.keySet()) {
      for (String r : relations) {
        for (String o : types.keySet()) {
          String triple = "[s] " + s + " [r] " + r + " [o] " + o + " [e]";
          boolean wellTyped = !s.equals(o) && SCHEMA.allows(types.get(s), r, types.get(o));
          assertEquals(wellTyped, accepts(g, triple), triple);
          assertEquals(wellTyped, oracle.accepts(triple), "ANTLR on " + triple);
          accepted += wellTyped ? 1 : 0;
        }
      }
    }
    assertEquals(12, accepted, "born in: 2 people x 2 places; married to: 2; works for: 2; located in: 2 between the places, 2 from Harvard");
  }

  @Test
  void typedTriplesOnSeededRandomTypedEntities() {
    // Seeded sets of 2..60 entities of 5 types, some sharing words and some prefixes of others, within a
    // type and across types (a literal "Paris" beside "Paris Hilton" in another type's lexeme): a triple is
    // accepted exactly when it is well-typed and its object is not its subject, whatever the sets and trees.
    Random random = new Random(9);
    String[] kinds = {"person", "city", "region", "university", "film"};
    String[] overlapping = {"Ann", "Ann Lee", "Lee", "Paris", "Paris Hilton", "Paris, Texas", "Par", "Hilton"};
    GrammarTemplate t = TaskGrammars.typedClosedInformationExtraction(1);
    int checked = 0;
    for (int n : new int[] {2, 3, 4, 6, 8, 9, 12, 17, 60}) {
      Map<String, String> types = new LinkedHashMap<>();
      for (int i = 0; types.size() < n; i++) {
        String e = random.nextInt(3) == 0 ? overlapping[random.nextInt(overlapping.length)]
            : (random.nextBoolean() ? "Ann " : "") + "E" + i + (random.nextBoolean() ? " Lee" : "");
        types.putIfAbsent(e, kinds[random.nextInt(kinds.length)]);
      }
      GrammarTemplate.Bindings b;
      try {
        b = TaskGrammars.typedExtractionBindings(types, SCHEMA);
      } catch (IllegalArgumentException e) {
        continue; // no well-typed triple among these: that error has its own test
      }
      checked++;
      CompiledGrammar g = GrammarCompiler.compileFresh(t.fill(b), vocabulary);
      List<String> entities = new java.util.ArrayList<>(types.keySet());
      // All pairs up to 17 entities; a seeded sample of them at 60.
      for (int k = 0; k < Math.min(entities.size() * entities.size(), 400); k++) {
        String s = entities.get(n <= 17 ? k / n : random.nextInt(n));
        String o = entities.get(n <= 17 ? k % n : random.nextInt(n));
        for (String r : SCHEMA.names()) {
          String triple = "[s] " + s + " [r] " + r + " [o] " + o + " [e]";
          assertEquals(!s.equals(o) && SCHEMA.allows(types.get(s), r, types.get(o)), accepts(g, triple), n + " entities " + types + ": " + triple);
        }
      }
    }
    assertTrue(checked >= 7, "only " + checked + " of 9 sets had a well-typed triple");
  }

  @Test
  void typedExtractionNeedsOneWellTypedTriple() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TaskGrammars.typedExtractionBindings(Map.of("Honolulu", "city", "Jaws", "film"), SCHEMA));
    assertTrue(e.getMessage().startsWith("no well-typed triple"), e.getMessage());
    // One person alone cannot be married to herself.
    assertThrows(IllegalArgumentException.class,
        () -> TaskGrammars.typedExtractionBindings(Map.of("Ann", "person", "Jaws", "film"),
            new RelationSchema(List.of(new RelationSchema.Relation("married to", Set.of("person"), Set.of("person"))))));
  }

  @Test
  void typedEntitiesInAnotherOrderCompileOnce() {
    TemplateCache cache = new TemplateCache(8);
    GrammarTemplate t = TaskGrammars.typedClosedInformationExtraction(2);
    Map<String, String> reversed = new LinkedHashMap<>();
    List<String> keys = new java.util.ArrayList<>(obamas().keySet());
    java.util.Collections.reverse(keys);
    keys.forEach(k -> reversed.put(k, obamas().get(k)));
    CompiledGrammar a = cache.compile(t, TaskGrammars.typedExtractionBindings(obamas(), SCHEMA), vocabulary);
    CompiledGrammar b = cache.compile(t, TaskGrammars.typedExtractionBindings(reversed, SCHEMA), vocabulary);
    Map<String, String> retyped = obamas();
    retyped.put("Harvard", "city");
    CompiledGrammar c = cache.compile(t, TaskGrammars.typedExtractionBindings(retyped, SCHEMA), vocabulary);
    assertSame(a, b);
    assertTrue(a != c, "another type is another grammar");
    assertEquals(1, cache.hits());
  }

  @Test
  void closedInformationExtractionNeedsTwoDistinctEntities() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TaskGrammars.extractionBindings(List.of("Obama", "Obama"), List.of("born in")));
    assertTrue(e.getMessage().contains("at least two distinct entities"), e.getMessage());
  }

  @Test
  void entityDisambiguationEqualsItsHandWrittenGrammar() {
    GrammarTemplate t = TaskGrammars.entityDisambiguation();
    GrammarTemplate.Bindings b = TaskGrammars.disambiguationBindings(
        List.of("Paris", "Paris, Texas", "Paris Hilton", "Paris (mythology)"));
    assertEquivalent(t, b, "disambiguation.g4", "answer", 11, 4);
  }

  @Test
  void constituencyParsingEqualsItsHandWrittenGrammar() {
    GrammarTemplate t = TaskGrammars.constituencyParsing();
    GrammarTemplate.Bindings b = TaskGrammars.parsingBindings(List.of("the", "cat", "sat"),
        List.of("S", "NP", "VP", "DT", "NN", "VBD"));
    assertEquivalent(t, b, "constituency.g4", "parse", 13, 8);
  }

  @Test
  void aParseKeepsTheWordsInOrder() {
    CompiledGrammar g = new TemplateCache(4).compile(TaskGrammars.constituencyParsing(),
        TaskGrammars.parsingBindings(List.of("the", "cat", "sat", "down"), List.of("S", "NP", "VP")), vocabulary);
    assertTrue(accepts(g, "(S (NP the cat) (VP sat down))"));
    assertTrue(accepts(g, "(S (NP the cat) sat down)"));
    assertTrue(!accepts(g, "(S (NP the cat) (VP down sat))"), "words out of order");
    assertTrue(!accepts(g, "(S (NP the cat) (VP sat))"), "a word left out");
    assertTrue(!accepts(g, "(S (NP the the cat) (VP sat down))"), "a word twice");
    assertTrue(!accepts(g, "(S (S (NP the cat) (VP sat down)))"), "a bracket with one child over several words");
  }

  @Test
  void repeatedBindingsCompileOnce() {
    TemplateCache cache = new TemplateCache(8);
    GrammarTemplate t = TaskGrammars.entityDisambiguation();
    CompiledGrammar a = cache.compile(t, TaskGrammars.disambiguationBindings(List.of("Paris", "Paris, Texas")), vocabulary);
    CompiledGrammar b = cache.compile(t, TaskGrammars.disambiguationBindings(List.of("Paris, Texas", "Paris")), vocabulary);
    CompiledGrammar c = cache.compile(t, TaskGrammars.disambiguationBindings(List.of("Paris", "Texas")), vocabulary);
    assertSame(a, b, "the same candidates in another order are the same grammar");
    assertTrue(a != c);
    assertEquals(1, cache.hits());
    assertEquals(2, cache.misses());
  }

  @Test
  void repeatedEntitiesCompileOnceWhateverTheirOrder() {
    TemplateCache cache = new TemplateCache(8);
    GrammarTemplate t = TaskGrammars.closedInformationExtraction(2);
    List<String> relations = List.of("born in", "capital of");
    CompiledGrammar a = cache.compile(t, TaskGrammars.extractionBindings(List.of("Tokyo", "Japan", "Kyoto"), relations), vocabulary);
    CompiledGrammar b = cache.compile(t, TaskGrammars.extractionBindings(List.of("Kyoto", "Tokyo", "Japan"), relations), vocabulary);
    CompiledGrammar c = cache.compile(t, TaskGrammars.extractionBindings(List.of("Tokyo", "Japan"), relations), vocabulary);
    assertSame(a, b, "the same entities in another order are the same grammar");
    assertTrue(a != c);
    assertEquals(1, cache.hits());
    assertEquals(2, cache.misses());
  }

  @Test
  void fragmentsAreCachedByContentWhateverTheOrderOfTheirRules() {
    GrammarTemplate.Builder tb = GrammarTemplate.builder("fragment");
    tb.rule("start", tb.fragment("body"));
    GrammarTemplate t = tb.build("start");
    java.util.function.BiFunction<Boolean, String, GrammarTemplate.Bindings> bindings = (tailFirst, word) -> {
      GrammarTemplate.Fragment f = new GrammarTemplate.Fragment();
      dev.sieve.grammars.Expr alpha = f.literal("alpha");
      dev.sieve.grammars.Expr tail = f.literal(word);
      dev.sieve.grammars.Expr body = dev.sieve.grammars.Expr.seq(alpha, dev.sieve.grammars.Expr.rule("tail"));
      if (tailFirst) {
        f.rule("tail", tail).rule("body", body);
      } else {
        f.rule("body", body).rule("tail", tail);
      }
      return GrammarTemplate.Bindings.of().fragment("body", f);
    };
    TemplateCache cache = new TemplateCache(4);
    CompiledGrammar beta = cache.compile(t, bindings.apply(false, "beta"), vocabulary);
    assertSame(beta, cache.compile(t, bindings.apply(true, "beta"), vocabulary), "the same rules in another order");
    CompiledGrammar gamma = cache.compile(t, bindings.apply(false, "gamma"), vocabulary);
    assertTrue(beta != gamma, "another literal is another grammar");
    assertTrue(accepts(gamma, "alphagamma") && !accepts(gamma, "alphabeta"));
    assertEquals(1, cache.hits());
    assertEquals(2, cache.misses());
  }

  @Test
  void holesMustBeFilledAndNamed() {
    GrammarTemplate t = TaskGrammars.closedInformationExtraction(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> t.fill(GrammarTemplate.Bindings.of().choice("relation", List.of("x"))));
    assertTrue(e.getMessage().contains("'pair'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> t.fill(TaskGrammars.extractionBindings(List.of("x", "w"), List.of("y")).choice("subject", List.of("z"))));
    assertTrue(e.getMessage().contains("no choice hole 'subject'"), e.getMessage());
  }

  @Test
  void greedyAndBeamOutputsOnTheBundledModelAreAcceptedByAntlr() throws Exception {
    try (OnnxLanguageModel model = OnnxLanguageModel.load(BundledModel.path())) {
      Vocabulary v = model.tokenizer().vocabulary();
      TemplateCache cache = new TemplateCache(4);
      record Task(GrammarTemplate t, GrammarTemplate.Bindings b, String g4, String start, String prompt) {}
      List<Task> tasks = List.of(
          new Task(TaskGrammars.closedInformationExtraction(2), TaskGrammars.extractionBindings(
              List.of("Barack Obama", "Obama", "Honolulu"), List.of("born in", "capital of", "member of")),
              "cie.g4", "triples", "Barack Obama was born in Honolulu.\nTriples:"),
          new Task(TaskGrammars.entityDisambiguation(), TaskGrammars.disambiguationBindings(
              List.of("Paris", "Paris, Texas", "Paris Hilton", "Paris (mythology)")),
              "disambiguation.g4", "answer", "The hotel heiress [Paris] was seen in Texas.\nEntity:"),
          new Task(TaskGrammars.constituencyParsing(), TaskGrammars.parsingBindings(List.of("the", "cat", "sat"),
              List.of("S", "NP", "VP", "DT", "NN", "VBD")), "constituency.g4", "parse", "the cat sat\nTree:"));
      for (Task task : tasks) {
        CompiledGrammar g = cache.compile(task.t(), task.b(), v);
        AntlrOracle oracle = new AntlrOracle(List.of(resource(task.g4())), task.start());
        int[] prompt = model.tokenizer().encode(task.prompt());
        for (int beams : new int[] {1, 4}) {
          // 96 tokens: the model spells entity and relation names out in short tokens (a full two-triple
          // extraction takes about 75), so the grammar, not the length, ends every output
          List<BeamSearch.Beam> out = new BeamSearch(model, beams, 96).search(prompt, List.of(g.newConstraint()), v.eosTokenIds());
          assertEquals(beams, out.size(), task.g4());
          for (BeamSearch.Beam b : out) {
            String text = model.tokenizer().decode(b.tokens());
            assertTrue(b.finishReason() != FinishReason.LENGTH, task.g4() + ": ran out of length: " + text);
            assertTrue(oracle.accepts(text), task.g4() + ": ANTLR rejects the constrained output " + text);
          }
        }
      }
    }
  }

  private static void assertEquivalent(GrammarTemplate t, GrammarTemplate.Bindings b, String g4, String start, long seed,
      int distinct) {
    Grammar filled = t.fill(b);
    CompiledGrammar compiled = GrammarCompiler.compileFresh(filled, vocabulary);
    AntlrGrammarLoader.Source source = resource(g4);
    AntlrOracle oracle = new AntlrOracle(List.of(source), start);
    Grammar handWritten = AntlrGrammarLoader.fromSources(List.of(source), start);
    Set<String> samples = new LinkedHashSet<>();
    SentenceSampler fromTemplate = new SentenceSampler(filled, seed);
    SentenceSampler fromG4 = new SentenceSampler(handWritten, seed);
    for (int i = 0; i < 60; i++) {
      String s = fromTemplate.sample(6);
      if (s != null) {
        assertTrue(accepts(compiled, s), "the template's own sentence " + s);
        assertTrue(oracle.accepts(s), "ANTLR rejects the template's sentence " + s);
        samples.add(s);
      }
      String h = fromG4.sample(6);
      if (h != null && oracle.accepts(h)) {
        assertTrue(accepts(compiled, h), "the template rejects the hand-written grammar's sentence " + h);
        samples.add(h);
      }
    }
    assertTrue(samples.size() >= distinct, "too few distinct samples: " + samples);
    Random random = new Random(seed);
    int rejected = 0;
    for (String s : samples) {
      for (int k = 0; k < 4; k++) {
        String m = mutate(s, random);
        boolean antlr = oracle.accepts(m);
        assertEquals(antlr, accepts(compiled, m), "template and ANTLR disagree on " + m);
        rejected += antlr ? 0 : 1;
      }
    }
    assertTrue(rejected > 0);
  }

  /** Deletes, inserts or replaces one character. */
  private static String mutate(String s, Random random) {
    String alphabet = " ()[]abceinorstSNPV,";
    int at = random.nextInt(s.length() + 1);
    char c = alphabet.charAt(random.nextInt(alphabet.length()));
    return switch (random.nextInt(3)) {
      case 0 -> at < s.length() ? s.substring(0, at) + s.substring(at + 1) : s.substring(0, s.length() - 1);
      case 1 -> s.substring(0, at) + c + s.substring(at);
      default -> at < s.length() ? s.substring(0, at) + c + s.substring(at + 1) : s + c;
    };
  }

  private static boolean accepts(CompiledGrammar g, String text) {
    GrammarMatcher m = g.newMatcher();
    return m.acceptString(text) && m.isComplete();
  }

  private static AntlrGrammarLoader.Source resource(String name) {
    try (InputStream in = TemplateEquivalenceTest.class.getResourceAsStream(name)) {
      return new AntlrGrammarLoader.Source(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Compiles without any cache. */
  private static final class GrammarCompiler {
    static CompiledGrammar compileFresh(Grammar g, Vocabulary v) {
      return dev.sieve.grammars.GrammarCompiler.compileUncached(g, v, dev.sieve.grammars.GrammarCompiler.Options.defaults());
    }
  }
}
