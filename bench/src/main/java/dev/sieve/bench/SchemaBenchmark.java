package dev.sieve.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.decoding.logits.TokenMask;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.tokenizer.HuggingFaceTokenizer;
import dev.sieve.decoding.tokenizer.TiktokenTokenizer;
import dev.sieve.decoding.tokenizer.Tokenizer;
import dev.sieve.grammars.CompiledGrammar;
import dev.sieve.grammars.Grammar;
import dev.sieve.grammars.GrammarCompiler;
import dev.sieve.grammars.GrammarException;
import dev.sieve.grammars.GrammarMatcher;
import dev.sieve.grammars.schema.JsonSchemaCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JSON Schema constraints: compile time (schema to IR to compiled grammar, the vocabulary index already
 * built, as it is once per vocabulary) over every schema of the JSON Schema Test Suite (drafts 2020-12
 * and 7) that compiles, and over one typical API schema; and the time to fill one next-token mask while
 * force-decoding a typical instance of that schema, position by position, on the bundled (8k) and
 * o200k (200k) vocabularies. SampleTime mode, so JMH reports p50 and p99. The suite is read from
 * {@code -Dsieve.shared=DIR} (default {@code ../shared}).
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class SchemaBenchmark {
  /** A typical API response schema. */
  public static final String TYPICAL = """
      {"$schema":"https://json-schema.org/draft/2020-12/schema",
       "type":"object",
       "properties":{
         "id":{"type":"string","format":"uuid"},
         "name":{"type":"string","minLength":1,"maxLength":64},
         "email":{"type":"string","format":"email"},
         "age":{"type":"integer","minimum":0,"maximum":150},
         "created":{"type":"string","format":"date-time"},
         "roles":{"type":"array","items":{"enum":["admin","editor","viewer"]},"minItems":1,"maxItems":3},
         "address":{"type":"object","properties":{
             "street":{"type":"string"},"city":{"type":"string"},"zip":{"type":"string","pattern":"^[0-9]{5}$"}},
           "required":["city"],"additionalProperties":false},
         "score":{"type":"number","minimum":0,"maximum":100},
         "tags":{"type":"array","items":{"type":"string","maxLength":20}},
         "active":{"type":"boolean"}},
       "required":["id","name","email","roles"],
       "additionalProperties":false}""";
  public static final String TYPICAL_INSTANCE = "{\"id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\","
      + "\"name\":\"Ada Lovelace\",\"email\":\"ada@example.org\",\"age\":36,\"created\":\"2024-05-01T12:30:00Z\","
      + "\"roles\":[\"admin\",\"viewer\"],\"address\":{\"street\":\"12 St James's Square\",\"city\":\"London\","
      + "\"zip\":\"01234\"},\"score\":97.5,\"tags\":[\"math\",\"engines\",\"poetry\"],\"active\":true}";

  @Param({"bundled", "o200k"})
  public String vocabulary;

  private Tokenizer tokenizer;
  private final List<JsonNode> suiteSchemas = new ArrayList<>();
  private final List<Boolean> suiteDraft7 = new ArrayList<>();
  private int nextSchema;
  private Grammar typical;
  private GrammarMatcher[] positions;
  private int nextPosition;
  private TokenMask mask;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    tokenizer = vocabulary.equals("bundled") ? HuggingFaceTokenizer.load(BundledModel.path())
        : TiktokenTokenizer.named(vocabulary);
    ObjectMapper json = new ObjectMapper();
    Path tests = Path.of(System.getProperty("sieve.shared", "../shared"), "testdata", "json-schema-test-suite", "tests");
    if (!Files.isDirectory(tests)) {
      throw new IllegalStateException("JSON Schema Test Suite not found at " + tests + "; pass -Dsieve.shared=DIR");
    }
    for (String draft : List.of("draft2020-12", "draft7")) {
      List<Path> files;
      try (Stream<Path> s = Files.list(tests.resolve(draft))) {
        files = s.filter(f -> f.toString().endsWith(".json")).sorted().toList();
      }
      for (Path f : files) {
        for (JsonNode group : json.readTree(f.toFile())) {
          JsonNode schema = group.get("schema");
          boolean d7 = draft.equals("draft7");
          try {
            JsonSchemaCompiler.compile(schema, JsonSchemaCompiler.Options.defaults().withDraft7(d7));
            suiteSchemas.add(schema);
            suiteDraft7.add(d7);
          } catch (GrammarException e) {
            // unsupported: not part of the compile-time sample
          }
        }
      }
    }
    typical = JsonSchemaCompiler.compile(TYPICAL, JsonSchemaCompiler.Options.defaults());
    CompiledGrammar cg = GrammarCompiler.compile(typical, tokenizer.vocabulary());
    GrammarMatcher m = cg.newMatcher();
    int[] ids = tokenizer.encode(TYPICAL_INSTANCE);
    positions = new GrammarMatcher[ids.length + 1];
    for (int i = 0; i < ids.length; i++) {
      positions[i] = m.fork();
      if (!m.acceptToken(ids[i])) {
        throw new IllegalStateException("the typical instance is rejected at token " + i);
      }
    }
    positions[ids.length] = m.fork();
    mask = new TokenMask(tokenizer.vocabulary().size());
  }

  /** One suite schema per call, in turn: JSON Schema to IR to compiled grammar (no cache). */
  @Benchmark
  public CompiledGrammar compileSuiteSchema() {
    int i = nextSchema;
    nextSchema = (i + 1) % suiteSchemas.size();
    Grammar g = JsonSchemaCompiler.compile(suiteSchemas.get(i),
        JsonSchemaCompiler.Options.defaults().withDraft7(suiteDraft7.get(i)));
    return GrammarCompiler.compileUncached(g, tokenizer.vocabulary(), GrammarCompiler.Options.defaults());
  }

  /** The typical schema: JSON Schema to IR to compiled grammar (no cache). */
  @Benchmark
  public CompiledGrammar compileTypicalSchema() {
    Grammar g = JsonSchemaCompiler.compile(TYPICAL, JsonSchemaCompiler.Options.defaults());
    return GrammarCompiler.compileUncached(g, tokenizer.vocabulary(), GrammarCompiler.Options.defaults());
  }

  /** One next-token mask at the next position of the typical instance, in turn. */
  @Benchmark
  public TokenMask maskTypicalInstance() {
    int i = nextPosition;
    nextPosition = (i + 1) % positions.length;
    positions[i].fork().fillMask(mask);
    return mask;
  }
}
