package dev.sieve.grammars;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.decoding.tokenizer.Vocabulary;
import dev.sieve.grammars.antlr.AntlrGrammarLoader;
import dev.sieve.grammars.regex.RegexCompiler;
import dev.sieve.grammars.schema.JsonSchemaCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.util.automaton.Automata;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.Operations;

/**
 * The entry point for the constraints users ask for most: JSON Schema, a regular expression, one of a
 * list of strings, or an ANTLR grammar. Each builds a {@link Grammar}; {@link #compile} turns any of them
 * into a {@link CompiledGrammar} for a vocabulary through the shared cache of {@link GrammarCompiler},
 * so the same constraint on the same vocabulary compiles once.
 *
 * <pre>{@code
 * GrammarConstraint c = Constraints.constraint(Constraints.jsonSchema(Path.of("person.json")), vocabulary);
 * }</pre>
 */
public final class Constraints {
  private Constraints() {}

  /** Exactly one of {@code choices} (at least one). */
  public static Grammar choice(String... choices) {
    if (choices.length == 0) {
      throw new IllegalArgumentException("choice needs at least one string");
    }
    List<Automaton> alts = new ArrayList<>();
    for (String c : choices) {
      alts.add(Automata.makeString(c));
    }
    return single("choice", Operations.union(alts));
  }

  /**
   * Outputs that match {@code pattern} as a whole (Java/ECMAScript syntax, see {@link RegexCompiler});
   * back-references and look-around are a {@link dev.sieve.grammars.regex.RegexSyntaxException}.
   */
  public static Grammar regex(String pattern) {
    return single("regex", RegexCompiler.fullMatch(pattern));
  }

  /** JSON texts the schema accepts (compact layout, strict: unsupported keywords are errors). */
  public static Grammar jsonSchema(String schemaJson) {
    return JsonSchemaCompiler.compile(schemaJson, JsonSchemaCompiler.Options.defaults());
  }

  /** JSON texts the schema accepts, with options (whitespace, lenient, additionalProperties default). */
  public static Grammar jsonSchema(JsonNode schema, JsonSchemaCompiler.Options options) {
    return JsonSchemaCompiler.compile(schema, options);
  }

  /** JSON texts the schema file accepts; errors name the file. */
  public static Grammar jsonSchema(Path schemaFile) {
    return JsonSchemaCompiler.compile(schemaFile, JsonSchemaCompiler.Options.defaults());
  }

  /** JSON texts the schema file accepts, with options. */
  public static Grammar jsonSchema(Path schemaFile, JsonSchemaCompiler.Options options) {
    return JsonSchemaCompiler.compile(schemaFile, options);
  }

  /**
   * An ANTLR grammar: a bundled name ({@link BundledGrammars#names()}) or .g4 files (split grammars as
   * several files); {@code startRule} null for a bundled grammar's default start rule.
   */
  public static Grammar grammar(List<String> namesOrFiles, String startRule) {
    if (namesOrFiles.size() == 1 && BundledGrammars.exists(namesOrFiles.get(0))) {
      String name = namesOrFiles.get(0);
      return BundledGrammars.load(name, startRule == null ? BundledGrammars.startRule(name) : startRule);
    }
    List<AntlrGrammarLoader.Source> sources = new ArrayList<>();
    for (String f : namesOrFiles) {
      Path p = Path.of(f);
      if (!Files.exists(p)) {
        throw new GrammarException(f, 0, 0, null, "no such file (bundled grammars: " + BundledGrammars.names() + ")");
      }
      try {
        List<Path> files = Files.isDirectory(p)
            ? Files.list(p).filter(x -> x.toString().endsWith(".g4")).sorted().toList() : List.of(p);
        for (Path x : files) {
          sources.add(new AntlrGrammarLoader.Source(x.toString(), Files.readString(x)));
        }
      } catch (java.io.IOException e) {
        throw new GrammarException(f, 0, 0, null, "cannot read: " + e.getMessage());
      }
    }
    if (startRule == null) {
      // No start rule given: the first rule of the parser grammar, as ANTLR's own test rig suggests.
      var parser = AntlrGrammarLoader.toolGrammars(sources).parser();
      if (parser.rules.isEmpty()) {
        throw new GrammarException(sources.get(0).fileName(), 0, 0, null, "the grammar has no parser rules");
      }
      startRule = parser.rules.keySet().iterator().next();
    }
    return AntlrGrammarLoader.fromSources(sources, startRule);
  }

  /** Compiles for a vocabulary, from the shared cache. */
  public static CompiledGrammar compile(Grammar grammar, Vocabulary vocabulary) {
    return GrammarCompiler.compile(grammar, vocabulary);
  }

  /** A fresh constraint (logits processor) for one sequence. */
  public static GrammarConstraint constraint(Grammar grammar, Vocabulary vocabulary) {
    return compile(grammar, vocabulary).newConstraint();
  }

  /** A grammar of one lexeme; an empty output is allowed when the language holds the empty string. */
  private static Grammar single(String name, Automaton language) {
    Automaton nonEmpty = Operations.minus(language, Automata.makeEmptyString(), Operations.DEFAULT_DETERMINIZE_WORK_LIMIT);
    boolean emptyOk = Operations.run(Operations.determinize(language, Operations.DEFAULT_DETERMINIZE_WORK_LIMIT), "");
    Grammar.Builder b = Grammar.builder(name).lexing(Grammar.Lexing.CONTEXTUAL);
    if (Operations.isEmpty(nonEmpty)) {
      if (!emptyOk) {
        throw new GrammarException(name + " matches no text");
      }
      return b.rule("start", Expr.empty()).build("start");
    }
    b.lexeme(Lexeme.of("TEXT", nonEmpty));
    Expr text = Expr.lexeme("TEXT");
    return b.rule("start", emptyOk ? Expr.optional(text) : text).build("start");
  }
}
