package dev.sieve.grammars;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.Operations;
import org.apache.lucene.util.automaton.Transition;

/**
 * Random sentences of a {@link Grammar}: rules expanded at random (alternatives uniformly, repeats
 * geometrically), falling back to the cheapest derivation past a size budget so every sample ends; each
 * lexeme a random string of its language (printable ASCII preferred where the language allows it).
 * Between two lexemes a grammar with skipped lexemes gets one of them (a space, when allowed), so that
 * texts lex as sampled. Seeded: the same seed gives the same sentences.
 *
 * <p>The sample is built from the IR without the lexer, so under {@link Grammar.Lexing#GLOBAL} lexing a
 * sentence may lex differently from how it was built; {@link #sample(CompiledGrammar, Random, int)} keeps
 * only texts the compiled grammar's matcher accepts.
 */
public final class GrammarSampler {
  private static final double INF = Double.POSITIVE_INFINITY;
  private final Grammar grammar;
  private final Map<String, Double> ruleCost = new HashMap<>();
  private final Map<String, Automaton> languages = new HashMap<>();
  private final Map<String, int[]> distanceToAccept = new HashMap<>();
  private final String separator;
  private int budget;

  public GrammarSampler(Grammar grammar) {
    this.grammar = grammar;
    for (Lexeme l : grammar.lexemes()) {
      if (!l.skip() && l.mode().equals(Lexeme.DEFAULT_MODE) && !hasMore(l)) {
        languages.put(l.name(), Operations.removeDeadStates(l.language()));
      }
    }
    String sep = null;
    for (Lexeme l : grammar.lexemes()) {
      if (l.skip() && sep == null) {
        Automaton a = Operations.determinize(l.language(), Operations.DEFAULT_DETERMINIZE_WORK_LIMIT);
        sep = Operations.run(a, " ") ? " " : Operations.run(a, "\n") ? "\n" : null;
      }
    }
    this.separator = grammar.lexing() == Grammar.Lexing.GLOBAL ? sep : null;
    // Cheapest derivation size of each rule, by fixpoint.
    for (String r : grammar.rules().keySet()) {
      ruleCost.put(r, INF);
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Rule r : grammar.rules().values()) {
        double c = cost(r.body());
        if (c < ruleCost.get(r.name())) {
          ruleCost.put(r.name(), c);
          changed = true;
        }
      }
    }
  }

  private static boolean hasMore(Lexeme l) {
    return l.commands().stream().anyMatch(c -> !(c instanceof Lexeme.LexerCommand.Type));
  }

  private double cost(Expr e) {
    return switch (e) {
      case Expr.Empty x -> 0;
      case Expr.Seq s -> s.items().stream().mapToDouble(this::cost).sum();
      case Expr.Alt a -> a.alternatives().stream().mapToDouble(this::cost).min().orElse(INF);
      case Expr.Repeat r -> r.min() == 0 ? 0 : r.min() * cost(r.body());
      case Expr.RuleRef r -> ruleCost.getOrDefault(r.name(), INF) + 1;
      case Expr.LexemeRef l -> l.name().equals(GrammarCompiler.EOF) ? 0
          : languages.containsKey(l.name()) && !Operations.isEmpty(languages.get(l.name())) ? 1 : INF;
    };
  }

  /** Whether the grammar derives any sentence this sampler can build. */
  public boolean canSample() {
    return ruleCost.get(grammar.startRule()) < INF;
  }

  /** One random sentence; {@code size} bounds the number of expansions before the sampler heads for the end. */
  public String sample(Random random, int size) {
    if (!canSample()) {
      throw new GrammarException("grammar " + grammar.name() + " derives no sentence from rule "
          + grammar.startRule());
    }
    budget = size;
    List<String> pieces = new ArrayList<>();
    expand(Expr.rule(grammar.startRule()), random, pieces);
    return String.join(separator == null ? "" : separator, pieces);
  }

  /**
   * A random sentence that the compiled grammar accepts (byte by byte) and completes, or null when
   * {@code attempts} samples all lex differently from how they were built.
   */
  public String sample(CompiledGrammar compiled, Random random, int attempts) {
    for (int i = 0; i < attempts; i++) {
      String s = sample(random, 40);
      GrammarMatcher m = compiled.newMatcher();
      if ((s.isEmpty() || m.acceptString(s)) && m.isComplete()) {
        return s;
      }
    }
    return null;
  }

  private void expand(Expr e, Random random, List<String> out) {
    switch (e) {
      case Expr.Empty x -> {}
      case Expr.Seq s -> s.items().forEach(i -> expand(i, random, out));
      case Expr.Alt a -> {
        List<Expr> ok = new ArrayList<>();
        double best = INF;
        Expr cheapest = null;
        for (Expr x : a.alternatives()) {
          double c = cost(x);
          if (c < INF) {
            ok.add(x);
          }
          if (c < best) {
            best = c;
            cheapest = x;
          }
        }
        expand(budget <= 0 ? cheapest : ok.get(random.nextInt(ok.size())), random, out);
      }
      case Expr.Repeat r -> {
        int n = r.min();
        int max = r.max() == Expr.Repeat.UNBOUNDED ? Integer.MAX_VALUE : r.max();
        while (n < max && budget > 0 && random.nextDouble() < 0.6) {
          n++;
        }
        for (int i = 0; i < n; i++) {
          expand(r.body(), random, out);
        }
      }
      case Expr.RuleRef r -> {
        budget--;
        expand(grammar.rules().get(r.name()).body(), random, out);
      }
      case Expr.LexemeRef l -> {
        if (!l.name().equals(GrammarCompiler.EOF)) {
          out.add(randomString(l.name(), random));
        }
      }
    }
  }

  private String randomString(String lexeme, Random random) {
    Automaton a = languages.get(lexeme);
    int[] dist = distanceToAccept.computeIfAbsent(lexeme, k -> distances(a));
    StringBuilder sb = new StringBuilder();
    int s = 0;
    Transition t = new Transition();
    for (int steps = 0; ; steps++) {
      int n = a.getNumTransitions(s);
      if (a.isAccept(s) && (n == 0 || random.nextDouble() < (steps > 12 ? 0.5 : 0.15))) {
        return sb.toString();
      }
      // Past a length budget, only transitions that get closer to acceptance.
      List<int[]> choices = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        a.getTransition(s, i, t);
        if (dist[t.dest] == Integer.MAX_VALUE) {
          continue;
        }
        if (steps > 24 && dist[t.dest] >= dist[s]) {
          continue;
        }
        choices.add(new int[] {t.min, t.max, t.dest});
      }
      if (choices.isEmpty()) {
        return sb.toString(); // accept state with no way on
      }
      int[] c = choices.get(random.nextInt(choices.size()));
      sb.appendCodePoint(pick(c[0], c[1], random));
      s = c[2];
    }
  }

  /** A code point of [lo, hi]: printable ASCII when the range has some (mostly), never a surrogate. */
  private static int pick(int lo, int hi, Random random) {
    int plo = Math.max(lo, 0x20);
    int phi = Math.min(hi, 0x7E);
    if (plo <= phi && random.nextInt(10) < 9) {
      return plo + random.nextInt(phi - plo + 1);
    }
    for (int i = 0; i < 8; i++) {
      int cp = lo + random.nextInt(hi - lo + 1);
      if (cp < 0xD800 || cp > 0xDFFF) {
        return cp;
      }
    }
    return lo >= 0xD800 && lo <= 0xDFFF ? 0xE000 : lo;
  }

  /** Shortest number of steps from each state to an accept state. */
  private static int[] distances(Automaton a) {
    int n = a.getNumStates();
    int[] d = new int[n];
    java.util.Arrays.fill(d, Integer.MAX_VALUE);
    boolean changed = true;
    for (int s = 0; s < n; s++) {
      if (a.isAccept(s)) {
        d[s] = 0;
      }
    }
    Transition t = new Transition();
    while (changed) {
      changed = false;
      for (int s = 0; s < n; s++) {
        int cnt = a.getNumTransitions(s);
        for (int i = 0; i < cnt; i++) {
          a.getTransition(s, i, t);
          if (d[t.dest] != Integer.MAX_VALUE && d[t.dest] + 1 < d[s]) {
            d[s] = d[t.dest] + 1;
            changed = true;
          }
        }
      }
    }
    return d;
  }
}
