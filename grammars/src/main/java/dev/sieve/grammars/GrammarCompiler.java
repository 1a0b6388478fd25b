package dev.sieve.grammars;

import dev.sieve.decoding.tokenizer.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.Operations;
import org.apache.lucene.util.automaton.Transition;

/**
 * Compiles a {@link Grammar} for a vocabulary. {@link #compile(Grammar, Vocabulary)} uses a shared
 * default compiler whose bounded LRU cache is keyed by (grammar content, vocabulary fingerprint).
 */
public final class GrammarCompiler {
  /** The lexeme name a rule uses for the end of input (ANTLR's {@code EOF}). */
  public static final String EOF = "EOF";

  /**
   * Compilation options.
   *
   * @param maxSkipBytes how many consecutive bytes of skipped lexemes (whitespace, comments) may appear
   *     between two lexemes the parser sees; past it skipped text is allowed only where nothing else is
   *     (default {@value #DEFAULT_MAX_SKIP_BYTES})
   * @param determinizeWorkLimit Lucene's work limit when determinizing a lexeme's automaton
   */
  public record Options(int maxSkipBytes, int determinizeWorkLimit) {
    public static final int DEFAULT_MAX_SKIP_BYTES = 128;

    public Options {
      if (maxSkipBytes < 1) {
        throw new IllegalArgumentException("maxSkipBytes must be at least 1, was " + maxSkipBytes);
      }
    }

    public static Options defaults() {
      return new Options(DEFAULT_MAX_SKIP_BYTES, Operations.DEFAULT_DETERMINIZE_WORK_LIMIT * 10);
    }

    public Options withMaxSkipBytes(int n) {
      return new Options(n, determinizeWorkLimit);
    }
  }

  private static final GrammarCompiler DEFAULT = new GrammarCompiler(64);

  private final int capacity;
  private final Map<String, CompiledGrammar> cache;

  /** A compiler with its own LRU cache of {@code capacity} compiled grammars. */
  public GrammarCompiler(int capacity) {
    this.capacity = capacity;
    this.cache = new LinkedHashMap<>(16, 0.75f, true);
  }

  /** Compiles (or takes from the shared cache) with default options. */
  public static CompiledGrammar compile(Grammar grammar, Vocabulary vocabulary) {
    return DEFAULT.get(grammar, vocabulary, Options.defaults());
  }

  /** Compiles (or takes from the shared cache). */
  public static CompiledGrammar compile(Grammar grammar, Vocabulary vocabulary, Options options) {
    return DEFAULT.get(grammar, vocabulary, options);
  }

  /** Compiles without any cache (for measuring cold compiles). */
  public static CompiledGrammar compileUncached(Grammar grammar, Vocabulary vocabulary, Options options) {
    return new CompiledGrammar(grammar, vocabulary, options);
  }

  /** From this compiler's cache, compiling on a miss. */
  public CompiledGrammar get(Grammar grammar, Vocabulary vocabulary, Options options) {
    String key = fingerprint(grammar) + "/" + vocabulary.fingerprint() + "/" + options;
    synchronized (cache) {
      CompiledGrammar c = cache.get(key);
      if (c != null) {
        return c;
      }
    }
    CompiledGrammar built = new CompiledGrammar(grammar, vocabulary, options);
    synchronized (cache) {
      CompiledGrammar c = cache.get(key);
      if (c != null) {
        return c;
      }
      cache.put(key, built);
      while (cache.size() > capacity) {
        cache.remove(cache.keySet().iterator().next());
      }
      return built;
    }
  }

  /** A content hash of a grammar: rules, lexemes (with their automata), start rule and lexing. */
  public static String fingerprint(Grammar g) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      StringBuilder sb = new StringBuilder();
      sb.append(g.name()).append('\n').append(g.startRule()).append('\n').append(g.lexing()).append('\n');
      for (Rule r : g.rules().values()) {
        sb.append(r).append('\n');
      }
      sha.update(sb.toString().getBytes(StandardCharsets.UTF_8));
      Transition t = new Transition();
      for (Lexeme l : g.lexemes()) {
        sb.setLength(0);
        sb.append(l.name()).append(' ').append(l.skip()).append(' ').append(l.mode()).append(' ')
            .append(l.commands()).append('\n');
        Automaton a = l.language();
        for (int s = 0; s < a.getNumStates(); s++) {
          sb.append(s).append(a.isAccept(s) ? '*' : ' ');
          int n = a.initTransition(s, t);
          for (int i = 0; i < n; i++) {
            a.getNextTransition(t);
            sb.append(t.min).append('-').append(t.max).append('>').append(t.dest).append(',');
          }
          sb.append('\n');
        }
        sha.update(sb.toString().getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
