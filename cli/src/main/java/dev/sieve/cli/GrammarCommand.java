package dev.sieve.cli;

import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.tokenizer.HuggingFaceTokenizer;
import dev.sieve.decoding.tokenizer.TiktokenTokenizer;
import dev.sieve.decoding.tokenizer.Tokenizer;
import dev.sieve.decoding.tokenizer.Vocabulary;
import dev.sieve.grammars.BundledGrammars;
import dev.sieve.grammars.CompiledGrammar;
import dev.sieve.grammars.Constraints;
import dev.sieve.grammars.Grammar;
import dev.sieve.grammars.GrammarCompiler;
import dev.sieve.grammars.GrammarException;
import dev.sieve.grammars.GrammarMatcher;
import dev.sieve.grammars.GrammarSampler;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sieve grammar check|sample|accepts}: work with a grammar, JSON Schema or regex without a model. */
@Command(name = "grammar", mixinStandardHelpOptions = true,
    description = "Check, sample or test a grammar (ANTLR .g4 files or a bundled name), a JSON Schema or a regex.",
    subcommands = {GrammarCommand.Check.class, GrammarCommand.Sample.class, GrammarCommand.Accepts.class},
    footer = {"", "Examples:",
        "  sieve grammar check MyLexer.g4 MyParser.g4 --start query",
        "  sieve grammar sample json --count 3 --seed 7",
        "  sieve grammar accepts --json-schema person.schema.json --tokenizer o200k alice.json bob.json"})
public final class GrammarCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** Where the grammar comes from: .g4 files or a bundled name, --json-schema or --regex. */
  static final class Source {
    @Option(names = "--start", paramLabel = "RULE", description = "The start rule (default: the bundled grammar's, "
        + "else the first parser rule).")
    String start;

    @Option(names = "--json-schema", paramLabel = "FILE", description = "A JSON Schema instead of grammar files.")
    Path jsonSchema;

    @Option(names = "--schema-indent", paramLabel = "N", description = "With --json-schema: N spaces per level.")
    Integer schemaIndent;

    @Option(names = "--schema-lenient", description = "With --json-schema: drop unsupported keywords with a warning.")
    boolean schemaLenient;

    @Option(names = "--regex", paramLabel = "REGEX", description = "A regular expression instead of grammar files.")
    String regex;

    @Option(names = "--tokenizer", paramLabel = "NAME",
        description = "The vocabulary to compile for: bundled, r50k, cl100k or o200k. Default: ${DEFAULT-VALUE}.")
    String tokenizer = "bundled";

    /** The grammar from the sources given (grammar files or a bundled name in {@code files}). */
    Grammar grammar(List<String> files) {
      int kinds = (files.isEmpty() ? 0 : 1) + (jsonSchema == null ? 0 : 1) + (regex == null ? 0 : 1);
      if (kinds != 1) {
        throw new CliException(kinds == 0 ? "give grammar files (or a bundled name: " + BundledGrammars.names()
            + "), --json-schema FILE or --regex REGEX" : "give grammar files, --json-schema or --regex, not several");
      }
      if (start != null && files.isEmpty()) {
        throw new CliException("--start needs grammar files");
      }
      try {
        if (!files.isEmpty()) {
          return Constraints.grammar(files, start);
        }
        if (jsonSchema != null) {
          return Constraints.jsonSchema(jsonSchema, ConstraintOptions.schemaOptions(jsonSchema, schemaIndent, schemaLenient));
        }
        return Constraints.regex(regex);
      } catch (GrammarException e) {
        throw new CliException(e.getMessage(), e);
      }
    }

    Tokenizer tokenizer() {
      if (tokenizer.equals("bundled")) {
        try {
          return HuggingFaceTokenizer.load(BundledModel.path());
        } catch (IOException e) {
          throw new CliException("cannot load the bundled tokenizer: " + e.getMessage(), e);
        }
      }
      try {
        return TiktokenTokenizer.named(tokenizer);
      } catch (IllegalArgumentException e) {
        throw new CliException("--tokenizer: expected bundled, r50k, cl100k or o200k, got '" + tokenizer + "'");
      }
    }

    CompiledGrammar compile(Grammar g, Vocabulary v) {
      try {
        return GrammarCompiler.compile(g, v);
      } catch (GrammarException e) {
        throw new CliException(e.getMessage(), e);
      }
    }
  }

  /** Grammar files are the arguments ending in .g4, folders, or a bundled name; the rest are inputs. */
  static boolean isGrammarSource(String arg, boolean first) {
    return arg.endsWith(".g4") || Files.isDirectory(Path.of(arg)) || (first && BundledGrammars.exists(arg));
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Compile and report rules, lexemes, automaton sizes and compile time, or the errors.")
  static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Source source = new Source();

    @Parameters(paramLabel = "FILE.g4|NAME", arity = "0..*", description = "Grammar files or a bundled grammar name.")
    List<String> files = new ArrayList<>();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      long t0 = System.nanoTime();
      Grammar g = source.grammar(files);
      double loadMs = (System.nanoTime() - t0) / 1e6;
      Tokenizer tok = source.tokenizer();
      CompiledGrammar cg = source.compile(g, tok.vocabulary());
      CompiledGrammar.Stats s = cg.stats();
      out.printf("grammar %s: start rule %s, %s lexing%n", g.name(), g.startRule(), g.lexing().name().toLowerCase());
      out.printf("  rules %d, lexemes %d, terminals %d, lexer modes %d%n", s.rules(), s.lexemes(), s.terminals(), s.modes());
      out.printf("  parser: %d nonterminals, %d productions, %d Earley items%n", s.nonterminals(), s.productions(),
          s.earleyItems());
      out.printf("  lexer automaton: %d states (lexemes alone: %d byte states)%n", s.lexerStates(),
          s.lexemeAutomatonStates());
      out.printf("  vocabulary %s: %d tokens, trie of %d nodes%n", source.tokenizer, tok.vocabulary().size(),
          s.vocabularyTrieNodes());
      out.printf("  time: load %.1f ms, compile %.1f ms%n", loadMs, s.compileMillis());
      return 0;
    }
  }

  @Command(name = "sample", mixinStandardHelpOptions = true, description = "Print random sentences of the grammar.")
  static final class Sample implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Source source = new Source();

    @Parameters(paramLabel = "FILE.g4|NAME", arity = "0..*", description = "Grammar files or a bundled grammar name.")
    List<String> files = new ArrayList<>();

    @Option(names = "--count", paramLabel = "N", description = "How many sentences. Default: ${DEFAULT-VALUE}.")
    int count = 5;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed = 0;

    @Override
    public Integer call() {
      if (count < 1) {
        throw new CliException("--count must be at least 1");
      }
      PrintWriter out = spec.commandLine().getOut();
      Grammar g = source.grammar(files);
      CompiledGrammar cg = source.compile(g, source.tokenizer().vocabulary());
      GrammarSampler sampler = new GrammarSampler(g);
      if (!sampler.canSample()) {
        throw new CliException("grammar " + g.name() + " derives no sentence from rule " + g.startRule());
      }
      Random random = new Random(seed);
      int printed = 0;
      for (int i = 0; i < count; i++) {
        String s = sampler.sample(cg, random, 50);
        if (s != null) {
          out.println(s);
          printed++;
        }
      }
      if (printed < count) {
        spec.commandLine().getErr().println("sieve grammar sample: " + (count - printed)
            + " samples lexed differently from how they were built and were left out");
      }
      return 0;
    }
  }

  @Command(name = "accepts", mixinStandardHelpOptions = true,
      description = {"Force-decode each input file through the grammar's mask, token by token of its canonical encoding.",
          "Prints one line per input, 'ok' or 'rejected at byte N (token ...)'; exits 1 if any input is rejected."})
  static final class Accepts implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Source source = new Source();

    @Parameters(paramLabel = "FILE.g4|NAME|INPUT", arity = "1..*",
        description = "Grammar files (or a bundled name) first, unless --json-schema or --regex; then the input files.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
      List<String> grammarFiles = new ArrayList<>();
      List<String> inputs = new ArrayList<>();
      boolean other = source.jsonSchema != null || source.regex != null;
      for (String a : args) {
        if (!other && inputs.isEmpty() && isGrammarSource(a, grammarFiles.isEmpty())) {
          grammarFiles.add(a);
        } else {
          inputs.add(a);
        }
      }
      if (inputs.isEmpty()) {
        throw new CliException("give at least one input file after the grammar");
      }
      PrintWriter out = spec.commandLine().getOut();
      Grammar g = source.grammar(grammarFiles);
      Tokenizer tok = source.tokenizer();
      CompiledGrammar cg = source.compile(g, tok.vocabulary());
      Vocabulary v = tok.vocabulary();
      boolean allOk = true;
      for (String input : inputs) {
        String text;
        try {
          text = Files.readString(Path.of(input), StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new CliException(input + ": cannot read: " + e.getMessage());
        }
        String verdict = verdict(cg, tok, v, text);
        allOk &= verdict.equals("ok");
        out.println(input + ": " + verdict);
      }
      return allOk ? 0 : 1;
    }

    static String verdict(CompiledGrammar cg, Tokenizer tok, Vocabulary v, String text) {
      GrammarMatcher m = cg.newMatcher();
      int[] ids = tok.encode(text);
      int offset = 0;
      for (int id : ids) {
        if (!m.acceptToken(id)) {
          return "rejected at byte " + offset + " (token " + id + " " + quote(v.tokenBytes(id)) + ")";
        }
        offset += v.tokenBytes(id).length;
      }
      if (!m.isAllowed(v.eosTokenIds()[0])) {
        return "rejected at byte " + offset + " (end of input: the text is incomplete)";
      }
      return "ok";
    }

    private static String quote(byte[] b) {
      String s = new String(b, StandardCharsets.UTF_8);
      StringBuilder sb = new StringBuilder("'");
      s.codePoints().forEach(c -> {
        if (c == '\n') {
          sb.append("\\n");
        } else if (c == '\t') {
          sb.append("\\t");
        } else if (c == '\'') {
          sb.append("\\'");
        } else if (c < 0x20) {
          sb.append(String.format("\\x%02x", c));
        } else {
          sb.appendCodePoint(c);
        }
      });
      return sb.append('\'').toString();
    }
  }
}
