package dev.sieve.grammars;

import java.util.List;
import java.util.Objects;
import org.apache.lucene.util.automaton.Automata;
import org.apache.lucene.util.automaton.Automaton;

/**
 * A token kind of the grammar: a regular language over Unicode code points (a Lucene automaton).
 *
 * @param name the lexeme's name (ANTLR token name, or a generated one)
 * @param language the texts this lexeme matches, over code points; need not be deterministic
 * @param skip skipped or on a hidden channel: may appear between other lexemes, never seen by the parser
 * @param mode the lexer mode this lexeme belongs to ({@link #DEFAULT_MODE} unless the grammar has modes)
 * @param commands lexer commands run on a match (mode changes, more, type); empty for most lexemes
 */
public record Lexeme(String name, Automaton language, boolean skip, String mode, List<LexerCommand> commands) {
  public static final String DEFAULT_MODE = "DEFAULT_MODE";

  public Lexeme {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(language, "language");
    Objects.requireNonNull(mode, "mode");
    commands = List.copyOf(commands);
  }

  /** An ordinary lexeme of the default mode. */
  public static Lexeme of(String name, Automaton language) {
    return new Lexeme(name, language, false, DEFAULT_MODE, List.of());
  }

  /** A lexeme that may appear between others and is dropped before parsing (whitespace, comments). */
  public static Lexeme skipped(String name, Automaton language) {
    return new Lexeme(name, language, true, DEFAULT_MODE, List.of());
  }

  /** A lexeme matching exactly one string. */
  public static Lexeme literal(String name, String text) {
    return of(name, Automata.makeString(text));
  }

  /** Lexer commands of ANTLR lexer rules that the engine honours. */
  public sealed interface LexerCommand {
    record PushMode(String mode) implements LexerCommand {}

    record PopMode() implements LexerCommand {}

    record SetMode(String mode) implements LexerCommand {}

    /** Keep matching: the text so far becomes a prefix of the next lexeme. */
    record More() implements LexerCommand {}

    /** Emit the match as another token type. */
    record Type(String lexemeName) implements LexerCommand {}
  }
}
