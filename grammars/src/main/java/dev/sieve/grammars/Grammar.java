package dev.sieve.grammars;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The grammar IR every front end compiles to (ANTLR .g4, regex, choice, JSON Schema, templates):
 * lexemes (regular languages over Unicode code points) and parser rules over them.
 *
 * <p>Immutable. A {@link GrammarCompiler} turns it into a {@code CompiledGrammar} for one vocabulary.
 *
 * @param name for messages and reports
 * @param startRule the rule whose sentences are the allowed outputs
 * @param rules parser rules by name, in declaration order
 * @param lexemes in declaration order: on equal longest matches the earlier one wins (ANTLR's rule)
 * @param lexing how the input is split into lexemes
 */
public record Grammar(
    String name, String startRule, Map<String, Rule> rules, List<Lexeme> lexemes, Lexing lexing) {

  /** How text is split into lexemes. */
  public enum Lexing {
    /**
     * ANTLR's semantics: the lexer knows nothing of the parser; at every point the longest match among
     * all lexemes of the current mode wins, the first declared on ties. Outputs are exactly what ANTLR's
     * own lexer and parser accept.
     */
    GLOBAL,
    /**
     * Only lexemes the parser can accept next compete (longest match, first declared on ties). Lets
     * generated grammars (JSON Schema, templates) use overlapping lexemes, such as a property name
     * literal and a general string, without one shadowing the other.
     */
    CONTEXTUAL
  }

  public Grammar {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(startRule, "startRule");
    rules = Collections.unmodifiableMap(new LinkedHashMap<>(rules));
    lexemes = List.copyOf(lexemes);
    Objects.requireNonNull(lexing, "lexing");
    if (!rules.containsKey(startRule)) {
      throw new IllegalArgumentException("grammar " + name + " has no start rule '" + startRule + "'");
    }
  }

  public Lexeme lexeme(String name) {
    for (Lexeme l : lexemes) {
      if (l.name().equals(name)) {
        return l;
      }
    }
    return null;
  }

  /** A builder that keeps declaration order. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Collects rules and lexemes in declaration order. */
  public static final class Builder {
    private final String name;
    private final Map<String, Rule> rules = new LinkedHashMap<>();
    private final List<Lexeme> lexemes = new ArrayList<>();
    private final java.util.Set<String> lexemeNames = new java.util.HashSet<>();
    private Lexing lexing = Lexing.GLOBAL;

    private Builder(String name) {
      this.name = name;
    }

    public Builder rule(String ruleName, Expr body) {
      if (rules.putIfAbsent(ruleName, new Rule(ruleName, body)) != null) {
        throw new IllegalArgumentException("rule '" + ruleName + "' defined twice in " + name);
      }
      return this;
    }

    public Builder lexeme(Lexeme lexeme) {
      // A set of names, not a scan of the list: per-request grammars may have hundreds of lexemes.
      if (!lexemeNames.add(lexeme.name())) {
        throw new IllegalArgumentException("lexeme '" + lexeme.name() + "' defined twice in " + name);
      }
      lexemes.add(lexeme);
      return this;
    }

    public Builder lexing(Lexing lexing) {
      this.lexing = lexing;
      return this;
    }

    public boolean hasRule(String ruleName) {
      return rules.containsKey(ruleName);
    }

    public boolean hasLexeme(String lexemeName) {
      return lexemeNames.contains(lexemeName);
    }

    public Grammar build(String startRule) {
      return new Grammar(name, startRule, rules, lexemes, lexing);
    }
  }
}
