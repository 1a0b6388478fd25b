package dev.sieve.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.grammars.Constraints;
import dev.sieve.grammars.Grammar;
import dev.sieve.grammars.GrammarException;
import dev.sieve.grammars.schema.JsonSchemaCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code sieve generate} flags that constrain the output: an ANTLR grammar, a JSON Schema, a regular
 * expression or a list of choices (one kind per run). The grammar is built once and compiled once per
 * vocabulary (cached); every request gets a fresh constraint, which ends generation with finish reason
 * {@code constraint} once nothing but end of sequence can follow.
 */
public final class ConstraintOptions implements RequestOptions {
  @Option(names = "--grammar", paramLabel = "NAME|FILE.g4",
      description = "Constrain the output to an ANTLR 4 grammar: a bundled name (json, csv, arithmetic, sql), a .g4 "
          + "file, or a folder of them; repeat for split grammars (lexer and parser files).")
  List<String> grammar = new ArrayList<>();

  @Option(names = "--start", paramLabel = "RULE",
      description = "The grammar's start rule (default: the bundled grammar's, else the first parser rule).")
  String start;

  @Option(names = "--json-schema", paramLabel = "FILE",
      description = "Constrain the output to JSON that the schema accepts (draft 2020-12 or 7).")
  Path jsonSchema;

  @Option(names = "--schema-indent", paramLabel = "N",
      description = "With --json-schema: pretty-print with N spaces per level (default: compact).")
  Integer schemaIndent;

  @Option(names = "--schema-lenient",
      description = "With --json-schema: drop unsupported keywords with a warning instead of failing.")
  boolean schemaLenient;

  @Option(names = "--regex", paramLabel = "REGEX",
      description = "Constrain the output to match the regular expression as a whole (Java/ECMAScript syntax).")
  String regex;

  @Option(names = "--choice", paramLabel = "TEXT", description = "Constrain the output to one of the choices; repeat.")
  List<String> choice = new ArrayList<>();

  private Grammar built;

  /** Whether any constraint flag was given. */
  boolean given() {
    return !grammar.isEmpty() || jsonSchema != null || regex != null || !choice.isEmpty();
  }

  /** The grammar the flags describe (built once), or null when none was given. */
  Grammar grammar() {
    if (built != null || !given()) {
      return built;
    }
    int kinds = (grammar.isEmpty() ? 0 : 1) + (jsonSchema == null ? 0 : 1) + (regex == null ? 0 : 1)
        + (choice.isEmpty() ? 0 : 1);
    if (kinds > 1) {
      throw new IllegalArgumentException("give one of --grammar, --json-schema, --regex or --choice");
    }
    if (start != null && grammar.isEmpty()) {
      throw new IllegalArgumentException("--start needs --grammar");
    }
    if ((schemaIndent != null || schemaLenient) && jsonSchema == null) {
      throw new IllegalArgumentException("--schema-indent and --schema-lenient need --json-schema");
    }
    try {
      if (!grammar.isEmpty()) {
        built = Constraints.grammar(grammar, start);
      } else if (jsonSchema != null) {
        built = Constraints.jsonSchema(jsonSchema, schemaOptions(jsonSchema, schemaIndent, schemaLenient));
      } else if (regex != null) {
        built = Constraints.regex(regex);
      } else {
        built = Constraints.choice(choice.toArray(new String[0]));
      }
    } catch (GrammarException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return built;
  }

  /** Schema options from the flags; warnings of a lenient compile go to stderr. */
  static JsonSchemaCompiler.Options schemaOptions(Path file, Integer indent, boolean lenient) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--json-schema: " + file + (Files.exists(file) ? " is not a file" : " does not exist"));
    }
    JsonSchemaCompiler.Options o = JsonSchemaCompiler.Options.defaults().withSourceName(file.toString());
    if (indent != null) {
      if (indent < 0 || indent > 16) {
        throw new IllegalArgumentException("--schema-indent must be 0 to 16, was " + indent);
      }
      o = o.withIndent(indent);
    }
    if (lenient) {
      o = o.withLenient(true, w -> System.err.println("sieve: warning: " + w));
    }
    return o;
  }

  @Override
  public List<LogitsProcessor> processors(GenerateContext ctx) {
    Grammar g = grammar();
    if (g == null) {
      return List.of();
    }
    try {
      return List.of(Constraints.constraint(g, ctx.tokenizer().vocabulary()));
    } catch (GrammarException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  @Override
  public void describe(GenerationResult result, ObjectNode json) {
    if (given()) {
      json.put("constraint", !grammar.isEmpty() ? "grammar" : jsonSchema != null ? "json-schema"
          : regex != null ? "regex" : "choice");
    }
  }
}
