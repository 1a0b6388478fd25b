package dev.sieve.grammars;

import dev.sieve.grammars.antlr.AntlrGrammarLoader;
import java.util.List;
import java.util.Map;

/**
 * The grammars that ship with Sieve, as resources {@code dev/sieve/grammars/bundled/NAME.g4}:
 * {@code json}, {@code csv}, {@code arithmetic} and {@code sql} (a SQL query grammar).
 */
public final class BundledGrammars {
  private static final Map<String, String> START_RULES =
      Map.of("json", "json", "csv", "file", "arithmetic", "expression", "sql", "statements");

  private BundledGrammars() {}

  /** The names of the bundled grammars. */
  public static List<String> names() {
    return List.of("json", "csv", "arithmetic", "sql");
  }

  /** Whether {@code name} is a bundled grammar. */
  public static boolean exists(String name) {
    return START_RULES.containsKey(name);
  }

  /** The start rule of a bundled grammar. */
  public static String startRule(String name) {
    String s = START_RULES.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no bundled grammar '" + name + "'; bundled: " + names());
    }
    return s;
  }

  /** The resource holding a bundled grammar's .g4 text. */
  public static String resource(String name) {
    startRule(name);
    return "dev/sieve/grammars/bundled/" + name + ".g4";
  }

  /** Loads a bundled grammar from its default start rule. */
  public static Grammar load(String name) {
    return load(name, startRule(name));
  }

  /** Loads a bundled grammar from a chosen start rule. */
  public static Grammar load(String name, String startRule) {
    return AntlrGrammarLoader.fromResources(List.of(resource(name)), startRule);
  }
}
