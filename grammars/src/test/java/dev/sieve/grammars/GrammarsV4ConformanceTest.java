package dev.sieve.grammars;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Completeness against the grammars-v4 collection: for every grammar, its example inputs that ANTLR
 * accepts are accepted token by token (bundled vocabulary, cl100k, o200k) with end of sequence allowed
 * at the end, and the same inputs with one token deleted or replaced are rejected no later than where
 * ANTLR reports its error (see {@link Conformance}). Grammars the engine cannot honour must fail to load
 * with a clear error. The per-grammar table is written to {@code target/grammars-v4-conformance.md}
 * (grammars/README.md carries a copy).
 *
 * <p>To keep the suite's time modest, at most {@link #LIMITS} examples per grammar are checked, the
 * larger ones left out, the mask filled every few tokens, and a few changes tried per example.
 */
class GrammarsV4ConformanceTest {
  /** At most 3 examples of at most 3000 bytes per grammar, 4 changes each, the full mask every 8 tokens. */
  static final Conformance.Limits LIMITS = new Conformance.Limits(3, 3000, 4, 8, 5);

  /** Grammars that cannot be supported, with the reason their loading must give. */
  static final Map<String, String> UNSUPPORTED = Map.of(
      "lua", "superClass=LuaParserBase needs target-language code",
      "prolog", "recursive lexer rule",
      "kotlin/kotlin", "recursive lexer rule");

  private static final List<String> rows = new ArrayList<>();
  private static Map<String, Tokenizer> tokenizers;

  @TestFactory
  Stream<DynamicTest> everyGrammarAcceptsItsExamplesAndRejectsChangedOnesInTime() {
    var root = GrammarsV4.root();
    Assumptions.assumeTrue(root.isPresent(), GrammarsV4.absentMessage());
    tokenizers = ConformanceReport.tokenizers();
    return GrammarsV4.entries(root.get()).stream().map(e -> DynamicTest.dynamicTest(e.id(), () -> {
      Conformance.Result r = Conformance.run(e, tokenizers, LIMITS);
      synchronized (rows) {
        rows.add(ConformanceReport.row(r));
      }
      String reason = UNSUPPORTED.get(e.folder());
      if (reason != null) {
        assertTrue(r.loadError != null && r.loadError.contains(reason),
            e.id() + " should be refused (" + reason + "), got: " + r.loadError);
        assertTrue(r.loadError.matches("(?s).*\\.g4:\\d+:\\d+: .*"), "file, line and column in: " + r.loadError);
        return;
      }
      assertNull(r.loadError, e.id() + " should compile");
      List<String> failures = new ArrayList<>();
      r.byVocabulary.values().forEach(v -> v.failures.forEach(f -> failures.add("[" + v.vocabulary + "] " + f)));
      assertTrue(failures.isEmpty(), e.id() + ":\n" + String.join("\n", failures));
      assertTrue(r.antlrRejects.isEmpty(), e.id() + ": ANTLR rejects examples " + r.antlrRejects);
    }));
  }

  @AfterAll
  static void writeTable() throws IOException {
    if (rows.isEmpty()) {
      return;
    }
    Path out = Path.of("target", "grammars-v4-conformance.md");
    Files.createDirectories(out.getParent());
    StringBuilder sb = new StringBuilder(ConformanceReport.header(tokenizers));
    rows.forEach(r -> sb.append(r).append('\n'));
    Files.writeString(out, sb.toString());
  }
}
