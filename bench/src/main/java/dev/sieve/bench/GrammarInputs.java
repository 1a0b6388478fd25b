package dev.sieve.bench;

import dev.sieve.grammars.BundledGrammars;
import dev.sieve.grammars.Grammar;
import dev.sieve.grammars.antlr.AntlrGrammarLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The grammars and real inputs the grammar benchmarks use: {@code json} (the bundled grammar, driven by
 * the grammars-v4 JSON examples), {@code sqlite} and {@code java8} (grammars-v4 grammars and examples).
 * The test material is found through {@code -Dsieve.shared=DIR}, the {@code SIEVE_SHARED} environment
 * variable, or a {@code shared/testdata} folder beside or above the working directory.
 */
final class GrammarInputs {
  private GrammarInputs() {}

  static Path grammarsV4() {
    String p = System.getProperty("sieve.shared", System.getenv("SIEVE_SHARED"));
    if (p != null && !p.isBlank()) {
      return Path.of(p, "testdata", "grammars-v4");
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      for (Path c : List.of(d.resolve("shared"), d.resolveSibling("shared"))) {
        if (Files.isDirectory(c.resolve("testdata/grammars-v4"))) {
          return c.resolve("testdata/grammars-v4");
        }
      }
    }
    throw new IllegalStateException("grammars-v4 test material not found: pass -Dsieve.shared=DIR (see bench/RESULTS.md)");
  }

  private static String folder(String name) {
    return switch (name) {
      case "json" -> "json";
      case "sqlite" -> "sql/sqlite";
      case "java8" -> "java/java8";
      default -> throw new IllegalArgumentException("unknown benchmark grammar " + name);
    };
  }

  /** The .g4 sources of a benchmark grammar. */
  static List<AntlrGrammarLoader.Source> sources(String name) {
    if (name.equals("json")) {
      try (var in = GrammarInputs.class.getClassLoader().getResourceAsStream(BundledGrammars.resource("json"))) {
        return List.of(new AntlrGrammarLoader.Source("json.g4", new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Path dir = grammarsV4().resolve(folder(name));
    List<String> files = name.equals("sqlite") ? List.of("SQLiteLexer.g4", "SQLiteParser.g4")
        : List.of("Java8Lexer.g4", "Java8Parser.g4");
    List<AntlrGrammarLoader.Source> out = new ArrayList<>();
    for (String f : files) {
      try {
        out.add(new AntlrGrammarLoader.Source(f, Files.readString(dir.resolve(f))));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  static String startRule(String name) {
    return switch (name) {
      case "json" -> BundledGrammars.startRule("json");
      case "sqlite" -> "parse";
      default -> "compilationUnit";
    };
  }

  static Grammar load(String name) {
    return AntlrGrammarLoader.fromSources(sources(name), startRule(name));
  }

  /** The example inputs (at most {@code maxBytes} each), in name order. */
  static List<String> examples(String name, int maxBytes) {
    Path dir = grammarsV4().resolve(folder(name)).resolve("examples");
    try (Stream<Path> s = Files.list(dir)) {
      List<String> out = new ArrayList<>();
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        if (Files.size(p) <= maxBytes && !p.toString().endsWith(".tree") && !p.toString().endsWith(".errors")) {
          out.add(Files.readString(p, StandardCharsets.UTF_8));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
