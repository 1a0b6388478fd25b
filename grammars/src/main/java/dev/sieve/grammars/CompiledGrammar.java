package dev.sieve.grammars;

import dev.sieve.decoding.tokenizer.Vocabulary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.util.automaton.Automaton;

/**
 * A grammar compiled for one vocabulary: the lexer automata, the flattened CFG and the vocabulary's
 * byte trie. Immutable and thread-safe (its caches are concurrent); build once, share, and make a
 * {@link GrammarMatcher} or {@link GrammarConstraint} per sequence.
 */
public final class CompiledGrammar {
  final Grammar grammar;
  final Vocabulary vocabulary;
  final VocabularyIndex index;
  final GrammarCompiler.Options options;
  final LexerDfa dfa;
  final Cfg cfg;
  final boolean contextual;
  // Per lexeme (global index, declaration order):
  final String[] lexemeNames;
  final int[] lexTerminal; // terminal emitted, -1 for skip and more
  final boolean[] lexSkip;
  final boolean[] lexMore;
  final int[][] lexModeOps; // pairs (op, mode): 1 push, 2 pop, 3 set
  final long[] skipOrMoreLexemes; // bitset
  final long[][] terminalLexemes; // per terminal: the lexemes emitting it (bitset), null if none
  final boolean[] skipOnlyState; // per DFA state: every lexeme still reachable is skipped
  final boolean[] reachesSkipOnly; // per DFA state: it or a state after it is skipOnly (the whitespace cap may apply)
  final String[] modeNames;
  final String[] terminalNames;
  final long compileNanos;
  final PureWalkCache pureWalks;
  private final EarleySet initialSet;

  CompiledGrammar(Grammar grammar, Vocabulary vocabulary, GrammarCompiler.Options options) {
    long t0 = System.nanoTime();
    this.grammar = grammar;
    this.vocabulary = vocabulary;
    this.options = options;
    this.contextual = grammar.lexing() == Grammar.Lexing.CONTEXTUAL;
    List<Lexeme> lexemes = grammar.lexemes();
    int nl = lexemes.size();
    Map<String, Integer> modes = new LinkedHashMap<>();
    modes.put(Lexeme.DEFAULT_MODE, 0);
    for (Lexeme l : lexemes) {
      modes.putIfAbsent(l.mode(), modes.size());
      for (Lexeme.LexerCommand c : l.commands()) {
        if (c instanceof Lexeme.LexerCommand.PushMode p) {
          modes.putIfAbsent(p.mode(), modes.size());
        } else if (c instanceof Lexeme.LexerCommand.SetMode s) {
          modes.putIfAbsent(s.mode(), modes.size());
        }
      }
    }
    modeNames = modes.keySet().toArray(new String[0]);
    Map<String, Integer> terminals = new LinkedHashMap<>();
    lexemeNames = new String[nl];
    lexTerminal = new int[nl];
    lexSkip = new boolean[nl];
    lexMore = new boolean[nl];
    lexModeOps = new int[nl][];
    int[] lexMode = new int[nl];
    skipOrMoreLexemes = new long[(nl + 63) >>> 6];
    List<Automaton> languages = new ArrayList<>(nl);
    for (int i = 0; i < nl; i++) {
      Lexeme l = lexemes.get(i);
      lexemeNames[i] = l.name();
      lexMode[i] = modes.get(l.mode());
      languages.add(l.language());
      String emitted = l.name();
      List<Integer> ops = new ArrayList<>();
      for (Lexeme.LexerCommand c : l.commands()) {
        switch (c) {
          case Lexeme.LexerCommand.More m -> lexMore[i] = true;
          case Lexeme.LexerCommand.Type t -> emitted = t.lexemeName();
          case Lexeme.LexerCommand.PushMode p -> {
            ops.add(1);
            ops.add(modes.get(p.mode()));
          }
          case Lexeme.LexerCommand.PopMode p -> {
            ops.add(2);
            ops.add(0);
          }
          case Lexeme.LexerCommand.SetMode s -> {
            ops.add(3);
            ops.add(modes.get(s.mode()));
          }
        }
      }
      lexModeOps[i] = ops.stream().mapToInt(Integer::intValue).toArray();
      lexSkip[i] = l.skip();
      if (l.skip() || lexMore[i]) {
        lexTerminal[i] = -1;
        skipOrMoreLexemes[i >>> 6] |= 1L << i;
      } else {
        lexTerminal[i] = terminals.computeIfAbsent(emitted, k -> terminals.size());
      }
    }
    boolean[] producibleUpTo = new boolean[terminals.size()];
    for (int i = 0; i < nl; i++) {
      if (lexTerminal[i] >= 0) {
        producibleUpTo[lexTerminal[i]] = true;
      }
    }
    // Terminals referenced by rules but produced by no lexeme, and EOF.
    collectRefs(grammar, terminals);
    int eof = terminals.containsKey(GrammarCompiler.EOF) ? terminals.get(GrammarCompiler.EOF) : -1;
    boolean[] producible = new boolean[terminals.size()];
    System.arraycopy(producibleUpTo, 0, producible, 0, producibleUpTo.length);
    terminalNames = terminals.keySet().toArray(new String[0]);
    this.cfg = Cfg.build(grammar, terminals, producible, eof);
    terminalLexemes = new long[terminalNames.length][];
    for (int i = 0; i < nl; i++) {
      int t = lexTerminal[i];
      if (t >= 0) {
        if (terminalLexemes[t] == null) {
          terminalLexemes[t] = new long[skipOrMoreLexemes.length];
        }
        terminalLexemes[t][i >>> 6] |= 1L << i;
      }
    }
    this.dfa = LexerDfa.build(languages, lexMode, modeNames.length, options.determinizeWorkLimit());
    skipOnlyState = new boolean[dfa.numStates];
    for (int s = 1; s < dfa.numStates; s++) {
      boolean any = false;
      boolean onlySkip = true;
      long[] r = dfa.reachAny[s];
      for (int w = 0; w < r.length; w++) {
        if (r[w] != 0) {
          any = true;
        }
        if ((r[w] & ~skipLexemesOnly(w)) != 0) {
          onlySkip = false;
        }
      }
      skipOnlyState[s] = any && onlySkip;
    }
    long[][] skipReach = new long[dfa.numStates][1];
    for (int s = 0; s < dfa.numStates; s++) {
      skipReach[s][0] = skipOnlyState[s] ? 1L : 0L;
    }
    LexerDfa.propagate(dfa.next, dfa.numStates, skipReach);
    reachesSkipOnly = new boolean[dfa.numStates];
    for (int s = 0; s < dfa.numStates; s++) {
      reachesSkipOnly[s] = skipReach[s][0] != 0;
    }
    this.index = VocabularyIndex.of(vocabulary);
    this.pureWalks = new PureWalkCache((vocabulary.size() + 63) >>> 6);
    this.initialSet = EarleySet.initial(cfg);
    this.compileNanos = System.nanoTime() - t0;
  }

  private long skipLexemesOnly(int w) {
    long bits = 0;
    for (int b = 0; b < 64; b++) {
      int l = w * 64 + b;
      if (l < lexSkip.length && lexSkip[l]) {
        bits |= 1L << b;
      }
    }
    return bits;
  }

  private static void collectRefs(Grammar g, Map<String, Integer> terminals) {
    for (Rule r : g.rules().values()) {
      collect(r.body(), terminals);
    }
  }

  private static void collect(Expr e, Map<String, Integer> terminals) {
    switch (e) {
      case Expr.LexemeRef l -> terminals.computeIfAbsent(l.name(), k -> terminals.size());
      case Expr.Seq s -> s.items().forEach(i -> collect(i, terminals));
      case Expr.Alt a -> a.alternatives().forEach(i -> collect(i, terminals));
      case Expr.Repeat r -> collect(r.body(), terminals);
      default -> {}
    }
  }

  /** Lexemes that skip, continue (more), or whose terminal the parser takes in {@code set}. Memoised on the set. */
  long[] allowedLexemes(EarleySet set) {
    long[] a = set.allowedLexemes;
    if (a != null) {
      return a;
    }
    a = skipOrMoreLexemes.clone();
    long[] terms = set.allowedTerminals;
    for (int w = 0; w < terms.length; w++) {
      for (long bits = terms[w]; bits != 0; bits &= bits - 1) {
        long[] lx = terminalLexemes[w * 64 + Long.numberOfTrailingZeros(bits)];
        if (lx != null) {
          for (int i = 0; i < a.length; i++) {
            a[i] |= lx[i];
          }
        }
      }
    }
    set.allowedLexemes = a;
    return a;
  }

  EarleySet initialSet() {
    return initialSet;
  }

  /** A matcher at the start of the output. */
  public GrammarMatcher newMatcher() {
    return new GrammarMatcher(this);
  }

  /** A constraint (logits processor) at the start of the output. */
  public GrammarConstraint newConstraint() {
    return new GrammarConstraint(newMatcher());
  }

  public Grammar grammar() {
    return grammar;
  }

  public Vocabulary vocabulary() {
    return vocabulary;
  }

  public GrammarCompiler.Options options() {
    return options;
  }

  /** Sizes and timings, for {@code sieve grammar check}. */
  public Stats stats() {
    return new Stats(grammar.rules().size(), lexemeNames.length, terminalNames.length, modeNames.length,
        cfg.numNonterminals, cfg.numProductions(), cfg.itemNext.length, dfa.numStates, dfa.lexemeStates,
        index.nodes(), compileNanos / 1_000_000.0);
  }

  /**
   * Sizes of a compiled grammar.
   *
   * @param rules parser rules in the IR
   * @param lexemes lexer rules that can match text (fragments excluded)
   * @param terminals token kinds the parser sees
   * @param modes lexer modes
   * @param nonterminals after flattening repeats and alternatives
   * @param productions of the flattened CFG
   * @param earleyItems dotted items
   * @param lexerStates states of the byte-level lexer automaton (all modes)
   * @param lexemeAutomatonStates sum of the per-lexeme byte automaton sizes
   * @param vocabularyTrieNodes nodes of the vocabulary trie
   * @param compileMillis time to compile (the vocabulary index excluded when it was cached)
   */
  public record Stats(int rules, int lexemes, int terminals, int modes, int nonterminals, int productions,
      int earleyItems, int lexerStates, int lexemeAutomatonStates, int vocabularyTrieNodes, double compileMillis) {}
}
