package dev.sieve.grammars;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.Operations;
import org.apache.lucene.util.automaton.Transition;

/**
 * Random sentences of a grammar IR, for property tests: rules expanded at random (repeats and deep
 * recursion cut short), each lexeme reference replaced by a random string of its language, and
 * sometimes a skipped lexeme (whitespace) between two lexemes. With {@code GLOBAL} lexing the text need
 * not lex back into the same lexemes, so callers filter the samples with ANTLR's interpreter.
 */
public final class SentenceSampler {
  private final Grammar grammar;
  private final Random random;
  private final List<Lexeme> skipped = new ArrayList<>();
  private final java.util.Map<String, List<Lexeme>> byTerminal = new java.util.HashMap<>();

  public SentenceSampler(Grammar grammar, long seed) {
    this.grammar = grammar;
    this.random = new Random(seed);
    for (Lexeme l : grammar.lexemes()) {
      if (l.skip() && l.mode().equals(Lexeme.DEFAULT_MODE)) {
        skipped.add(l);
      }
      String emitted = l.name();
      for (Lexeme.LexerCommand c : l.commands()) {
        if (c instanceof Lexeme.LexerCommand.Type t) {
          emitted = t.lexemeName();
        }
      }
      if (!l.skip() && l.mode().equals(Lexeme.DEFAULT_MODE)) {
        byTerminal.computeIfAbsent(emitted, k -> new ArrayList<>()).add(l);
      }
    }
  }

  /** One random sentence, or null when the expansion ran too deep. */
  public String sample(int maxDepth) {
    StringBuilder sb = new StringBuilder();
    return expand(new Expr.RuleRef(grammar.startRule()), sb, 0, maxDepth) ? sb.toString() : null;
  }

  private boolean expand(Expr e, StringBuilder out, int depth, int maxDepth) {
    if (depth > maxDepth * 3) {
      return false;
    }
    switch (e) {
      case Expr.Empty x -> {
        return true;
      }
      case Expr.Seq s -> {
        for (Expr item : s.items()) {
          if (!expand(item, out, depth + 1, maxDepth)) {
            return false;
          }
        }
        return true;
      }
      case Expr.Alt a -> {
        // Deep down, prefer the alternative that recurses least (the first without a rule reference).
        List<Expr> alts = a.alternatives();
        Expr pick = alts.get(random.nextInt(alts.size()));
        if (depth > maxDepth) {
          for (Expr alt : alts) {
            if (!mentionsRule(alt)) {
              pick = alt;
              break;
            }
          }
        }
        return expand(pick, out, depth + 1, maxDepth);
      }
      case Expr.Repeat r -> {
        int max = r.max() == Expr.Repeat.UNBOUNDED ? r.min() + 3 : r.max();
        if (depth > maxDepth) {
          max = r.min();
        }
        int n = r.min() + random.nextInt(max - r.min() + 1);
        for (int i = 0; i < n; i++) {
          if (!expand(r.body(), out, depth + 1, maxDepth)) {
            return false;
          }
        }
        return true;
      }
      case Expr.RuleRef ref -> {
        return expand(grammar.rules().get(ref.name()).body(), out, depth + 1, maxDepth);
      }
      case Expr.LexemeRef ref -> {
        if (ref.name().equals(GrammarCompiler.EOF)) {
          return true;
        }
        List<Lexeme> producers = byTerminal.get(ref.name());
        if (producers == null) {
          return false;
        }
        Lexeme l = producers.get(random.nextInt(producers.size()));
        if (!skipped.isEmpty() && out.length() > 0 && random.nextInt(3) == 0) {
          out.append(randomString(skipped.get(random.nextInt(skipped.size())).language(), 3));
        }
        out.append(randomString(l.language(), 6));
        return true;
      }
    }
  }

  private static boolean mentionsRule(Expr e) {
    return switch (e) {
      case Expr.RuleRef r -> true;
      case Expr.Seq s -> s.items().stream().anyMatch(SentenceSampler::mentionsRule);
      case Expr.Alt a -> a.alternatives().stream().anyMatch(SentenceSampler::mentionsRule);
      case Expr.Repeat r -> r.min() > 0 && mentionsRule(r.body());
      default -> false;
    };
  }

  /** A random string of the automaton's language, about {@code soft} code points long; mostly printable ASCII. */
  String randomString(Automaton language, int soft) {
    Prepared p = prepared.computeIfAbsent(language, l -> {
      Automaton live = Operations.removeDeadStates(l);
      return new Prepared(live, live.getNumStates() == 0 ? new int[0] : distancesToAccept(live));
    });
    Automaton a = p.automaton;
    if (a.getNumStates() == 0) {
      return "";
    }
    int[] toAccept = p.toAccept;
    StringBuilder sb = new StringBuilder();
    Transition t = new Transition();
    int s = 0;
    for (int len = 0; ; len++) {
      if (a.isAccept(s) && (len >= soft || random.nextInt(4) == 0)) {
        return sb.toString();
      }
      int count = a.getNumTransitions(s);
      if (count == 0) {
        return sb.toString();
      }
      List<Transition> choices = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Transition x = new Transition();
        a.getTransition(s, i, x);
        if (len < soft || toAccept[x.dest] < toAccept[s]) {
          choices.add(x);
        }
      }
      if (choices.isEmpty()) {
        a.getTransition(s, random.nextInt(count), t);
        choices.add(t);
      }
      Transition c = choices.get(random.nextInt(choices.size()));
      sb.appendCodePoint(pick(c.min, c.max));
      s = c.dest;
    }
  }

  private record Prepared(Automaton automaton, int[] toAccept) {}

  private final java.util.Map<Automaton, Prepared> prepared = new java.util.IdentityHashMap<>();

  private int pick(int min, int max) {
    int lo = Math.max(min, 0x20);
    int hi = Math.min(max, 0x7e);
    if (lo <= hi && random.nextInt(10) != 0) {
      return lo + random.nextInt(hi - lo + 1);
    }
    int span = Math.min(max - min, 0x3000);
    int cp = min + random.nextInt(span + 1);
    return (cp >= 0xd800 && cp <= 0xdfff) ? min : cp;
  }

  private static int[] distancesToAccept(Automaton a) {
    int n = a.getNumStates();
    int[] d = new int[n];
    Arrays.fill(d, Integer.MAX_VALUE);
    for (int s = 0; s < n; s++) {
      if (a.isAccept(s)) {
        d[s] = 0;
      }
    }
    Transition t = new Transition();
    for (boolean changed = true; changed; ) {
      changed = false;
      for (int s = 0; s < n; s++) {
        int count = a.initTransition(s, t);
        for (int i = 0; i < count; i++) {
          a.getNextTransition(t);
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
