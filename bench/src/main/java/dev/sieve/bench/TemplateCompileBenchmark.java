package dev.sieve.bench;

import dev.sieve.decoding.tokenizer.TiktokenTokenizer;
import dev.sieve.decoding.tokenizer.Vocabulary;
import dev.sieve.grammars.CompiledGrammar;
import dev.sieve.grammars.Expr;
import dev.sieve.grammars.GrammarCompiler;
import dev.sieve.grammars.VocabularyIndex;
import dev.sieve.grammars.template.GrammarTemplate;
import dev.sieve.grammars.template.RelationSchema;
import dev.sieve.grammars.template.TaskGrammars;
import dev.sieve.grammars.template.TemplateCache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-request cost of an input-dependent grammar (issue goal: a few hundred alternatives compile in
 * at most 5 ms at a 200k vocabulary): the entity disambiguation template filled with {@code choices}
 * seeded random candidate names (two or three words each, e.g. "Mora Velin (river)"), compiled for the
 * o200k vocabulary. {@code fillAndCompile} is a cold compile (new candidates every call; the vocabulary
 * index, built once per vocabulary, is shared); {@code cachedRepeat} is a repeated input answered by the
 * {@link TemplateCache}. The closed-IE template with 300 entity strings is measured the same way
 * ({@code extractionFillAndCompile}: every entity its own literal so that a triple's object can be required
 * to differ from its subject), next to the same triples with any entity on either side as one choice
 * ({@code extractionAnyPairFillAndCompile}: the template before that rule, to show what the rule costs).
 * {@code typedExtractionFillAndCompile} is the typed closed-IE template (the examples' default): the 300
 * entities each get one of 11 types at random and a 10-relation schema with domains and ranges decides which
 * relations follow a subject and which entities follow a relation.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class TemplateCompileBenchmark {
  @Param({"300"})
  public int choices;

  private Vocabulary vocabulary;
  private final GrammarTemplate disambiguation = TaskGrammars.entityDisambiguation();
  private final GrammarTemplate extraction = TaskGrammars.closedInformationExtraction(3);
  private final GrammarTemplate extractionAnyPair = anyPairExtraction(3);
  private final GrammarTemplate typedExtraction = TaskGrammars.typedClosedInformationExtraction(3);
  private static final String[] TYPES = {"person", "city", "country", "region", "landmark", "company", "university",
      "organization", "team", "book", "film"};
  /**
   * The closed-IE example's schema (examples' {@code ClosedInformationExtraction.SCHEMA}; the benchmarks do not
   * depend on the examples module), less its 'mountain' type, which no entity here has, so the grammars are
   * the same: two of its relations relate a type to itself (married to; located in).
   */
  private static final RelationSchema SCHEMA = new RelationSchema(List.of(
      new RelationSchema.Relation("born in", Set.of("person"), Set.of("city", "country", "region")),
      new RelationSchema.Relation("capital of", Set.of("city"), Set.of("country", "region")),
      new RelationSchema.Relation("located in", Set.of("landmark", "city", "region", "company", "university", "team"),
          Set.of("city", "country", "region")),
      new RelationSchema.Relation("founded", Set.of("person"), Set.of("company", "organization", "university", "team")),
      new RelationSchema.Relation("wrote", Set.of("person"), Set.of("book")),
      new RelationSchema.Relation("member of", Set.of("person", "country"), Set.of("organization")),
      new RelationSchema.Relation("married to", Set.of("person"), Set.of("person")),
      new RelationSchema.Relation("works for", Set.of("person"), Set.of("company", "organization", "university", "team")),
      new RelationSchema.Relation("directed", Set.of("person"), Set.of("film")),
      new RelationSchema.Relation("plays for", Set.of("person"), Set.of("team"))));
  private static final List<String> RELATIONS = List.of("born in", "capital of", "member of", "located in",
      "author of", "part of");
  private final SplittableRandom random = new SplittableRandom(42);
  private final TemplateCache cache = new TemplateCache(16);
  private GrammarTemplate.Bindings repeated;

  @Setup
  public void setup() {
    vocabulary = TiktokenTokenizer.named("o200k").vocabulary();
    VocabularyIndex.of(vocabulary);
    repeated = TaskGrammars.disambiguationBindings(names(choices));
    cache.compile(disambiguation, repeated, vocabulary);
  }

  private static final String[] SYLLABLES = {"ka", "mo", "ra", "vel", "in", "to", "sa", "ber", "lu", "na", "dor", "ie"};
  private static final String[] KINDS = {"", " (river)", " (city)", " (band)", ", Texas", " (film)"};

  private List<String> names(int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(word() + " " + word() + KINDS[random.nextInt(KINDS.length)]);
    }
    return out;
  }

  private String word() {
    StringBuilder sb = new StringBuilder();
    int k = 2 + random.nextInt(2);
    for (int i = 0; i < k; i++) {
      sb.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
    }
    sb.setCharAt(0, Character.toUpperCase(sb.charAt(0)));
    return sb.toString();
  }

  @Benchmark
  public CompiledGrammar fillAndCompile() {
    return GrammarCompiler.compileUncached(disambiguation.fill(TaskGrammars.disambiguationBindings(names(choices))),
        vocabulary, GrammarCompiler.Options.defaults());
  }

  @Benchmark
  public CompiledGrammar extractionFillAndCompile() {
    return GrammarCompiler.compileUncached(extraction.fill(TaskGrammars.extractionBindings(names(choices), RELATIONS)),
        vocabulary, GrammarCompiler.Options.defaults());
  }

  @Benchmark
  public CompiledGrammar typedExtractionFillAndCompile() {
    return GrammarCompiler.compileUncached(typedExtraction.fill(TaskGrammars.typedExtractionBindings(typedNames(choices), SCHEMA)),
        vocabulary, GrammarCompiler.Options.defaults());
  }

  /** {@code n} seeded random names, each with one of the types at random. */
  private Map<String, String> typedNames(int n) {
    Map<String, String> out = new HashMap<>();
    for (String name : names(n)) {
      out.put(name, TYPES[random.nextInt(TYPES.length)]);
    }
    return out;
  }

  @Benchmark
  public CompiledGrammar extractionAnyPairFillAndCompile() {
    return GrammarCompiler.compileUncached(extractionAnyPair.fill(
        GrammarTemplate.Bindings.of().choice("entity", names(choices)).choice("relation", RELATIONS)),
        vocabulary, GrammarCompiler.Options.defaults());
  }

  /** Closed IE triples whose subject and object are each any of the entities (one choice hole). */
  private static GrammarTemplate anyPairExtraction(int maxTriples) {
    GrammarTemplate.Builder b = GrammarTemplate.builder("cie-any-pair");
    Expr entity = b.choice("entity");
    Expr relation = b.choice("relation");
    b.rule("triple", Expr.seq(b.literal("[s] "), entity, b.literal(" [r] "), relation, b.literal(" [o] "), entity,
        b.literal(" [e]")));
    b.rule("triples", Expr.seq(Expr.rule("triple"),
        new Expr.Repeat(Expr.seq(b.literal(" "), Expr.rule("triple")), 0, maxTriples - 1)));
    return b.build("triples");
  }

  @Benchmark
  public CompiledGrammar cachedRepeat() {
    return cache.compile(disambiguation, repeated, vocabulary);
  }
}
