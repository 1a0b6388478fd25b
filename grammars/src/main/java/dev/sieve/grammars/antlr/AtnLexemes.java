package dev.sieve.grammars.antlr;

import dev.sieve.grammars.GrammarException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.ATN;
import org.antlr.v4.runtime.atn.ATNState;
import org.antlr.v4.runtime.atn.ActionTransition;
import org.antlr.v4.runtime.atn.AtomTransition;
import org.antlr.v4.runtime.atn.DecisionState;
import org.antlr.v4.runtime.atn.LexerAction;
import org.antlr.v4.runtime.atn.NotSetTransition;
import org.antlr.v4.runtime.atn.RuleStopState;
import org.antlr.v4.runtime.atn.RuleTransition;
import org.antlr.v4.runtime.atn.Transition;
import org.antlr.v4.runtime.atn.WildcardTransition;
import org.antlr.v4.runtime.misc.Interval;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.tool.LexerGrammar;
import org.antlr.v4.tool.Rule;
import org.apache.lucene.util.automaton.Automaton;

/**
 * Turns one lexer rule of ANTLR's lexer ATN into a Lucene automaton over code points: fragments are
 * inlined (recursive rules, not regular, are matched up to {@value #MAX_NESTING} levels deep), sets,
 * ranges, {@code ~} and {@code .} become code
 * point ranges (surrogates excluded), the lexer commands met on the way are collected. A rule with a
 * non-greedy loop is converted by simulating ANTLR's own lexer (see {@link #buildNonGreedy}).
 * {@code EOF} inside a lexer rule matches the empty string (for a greedy rule such as
 * {@code '--' ~[\r\n]* ('\n' | EOF)} this accepts what ANTLR accepts: the text cannot be extended
 * but by the newline; a non-greedy rule takes the EOF branch only where no shorter match exists).
 */
final class AtnLexemes {
  static final int MAX_CODE_POINT = 0x10FFFF;
  /** How deep a recursive lexer rule (such as a nested comment) is matched. */
  static final int MAX_NESTING = 8;

  /** The automaton and commands of one rule. */
  record Result(Automaton language, List<LexerAction> actions) {}

  private record Stack(int follow, int rule, Stack next) {
    int count(int r) {
      int n = 0;
      for (Stack s = this; s != null; s = s.next) {
        if (s.rule == r) {
          n++;
        }
      }
      return n;
    }
  }

  private record Config(int state, Stack stack) {}

  private final LexerGrammar lg;
  private final ATN atn;
  private final Rule rule;
  private final String file;
  private boolean nonGreedy;
  private boolean eofAsEmpty;
  private final Set<Integer> actionIndexes = new LinkedHashSet<>();

  private AtnLexemes(LexerGrammar lg, Rule rule, String file) {
    this.lg = lg;
    this.atn = lg.atn;
    this.rule = rule;
    this.file = file;
  }

  static Result convert(LexerGrammar lg, Rule rule, String file, int workLimit) {
    return new AtnLexemes(lg, rule, file).run(workLimit);
  }

  /**
   * A recursive lexer rule (nested comments) is not regular: it is matched up to {@link #MAX_NESTING}
   * levels deep, a documented deviation; this says whether {@code rt} would go deeper.
   */
  private boolean tooDeep(RuleTransition rt, Stack stack) {
    int depth = (rt.ruleIndex == rule.index ? 1 : 0) + (stack == null ? 0 : stack.count(rt.ruleIndex));
    return depth >= MAX_NESTING;
  }

  private GrammarException error(String message) {
    int line = rule.ast == null ? 0 : rule.ast.getLine();
    int col = rule.ast == null ? 0 : rule.ast.getCharPositionInLine();
    return new GrammarException(file, line, col, rule.name, message);
  }

  private Result run(int workLimit) {
    Automaton a = build(true);
    if (nonGreedy) {
      a = buildNonGreedy();
    }
    List<LexerAction> actions = new ArrayList<>();
    for (int ai : actionIndexes) {
      actions.add(atn.lexerActions[ai]);
    }
    return new Result(a, actions);
  }

  /** A configuration of ANTLR's lexer simulation: ATN state, rule stack, whether it passed a non-greedy decision. */
  private record NgConfig(int state, Stack stack, boolean passedNonGreedy) {}

  /**
   * A rule with non-greedy loops, by ANTLR's own lexer simulation (its {@code LexerATNSimulator}):
   * configurations are kept in priority order, and once one reaches the end of the rule, those of lower
   * priority that passed a non-greedy decision are dropped. A subset construction over these ordered
   * sets gives a deterministic automaton over code points with exactly ANTLR's matches. An EOF branch
   * accepts where the text could end (the input's end is not known while generating; for rules such as
   * {@code '//' .*? (NEWLINE | EOF)} this is what ANTLR accepts, as any further character extends them).
   */
  private Automaton buildNonGreedy() {
    Automaton.Builder b = new Automaton.Builder();
    Map<List<NgConfig>, Integer> ids = new HashMap<>();
    List<List<NgConfig>> states = new ArrayList<>();
    LinkedHashSet<NgConfig> first = new LinkedHashSet<>();
    int startState = atn.ruleToStartState[rule.index].stateNumber;
    ngClosure(new NgConfig(startState, null, isNonGreedyDecision(startState)), first, false, new java.util.HashSet<>());
    List<NgConfig> start = List.copyOf(first);
    ids.put(start, b.createState());
    states.add(start);
    for (int si = 0; si < states.size(); si++) {
      List<NgConfig> set = states.get(si);
      boolean accept = false;
      java.util.TreeSet<Integer> cuts = new java.util.TreeSet<>();
      for (NgConfig x : set) {
        ATNState st = atn.states.get(x.state);
        if (st instanceof RuleStopState && x.stack == null) {
          accept = true;
        }
        for (int i = 0; i < st.getNumberOfTransitions(); i++) {
          Transition t = st.transition(i);
          if (t.isEpsilon() || isEofAtom(t)) {
            continue;
          }
          for (Interval iv : ranges(t).getIntervals()) {
            cuts.add(Math.max(0, iv.a));
            cuts.add(Math.min(MAX_CODE_POINT, iv.b) + 1);
          }
        }
      }
      if (!accept) {
        eofAsEmpty = true;
        for (NgConfig x : set) {
          if (closure(new Config(x.state, x.stack), new ArrayList<>())) {
            accept = true;
            break;
          }
        }
      }
      if (accept) {
        b.setAccept(si, true);
      }
      Integer prev = null;
      for (int cut : cuts) {
        if (prev != null) {
          List<NgConfig> target = move(set, prev);
          if (!target.isEmpty()) {
            Integer to = ids.get(target);
            if (to == null) {
              to = b.createState();
              ids.put(target, to);
              states.add(target);
              if (states.size() > 200_000) {
                throw error("lexer rule too large to compile (over 200000 automaton states)");
              }
            }
            addRange(b, si, to, prev, cut - 1);
          }
        }
        prev = cut;
      }
    }
    return b.finish();
  }

  private boolean isNonGreedyDecision(int state) {
    return atn.states.get(state) instanceof DecisionState d && d.nonGreedy;
  }

  /** ANTLR's getReachableConfigSet for one code point. */
  private List<NgConfig> move(List<NgConfig> set, int c) {
    LinkedHashSet<NgConfig> reach = new LinkedHashSet<>();
    boolean reached = false;
    for (NgConfig x : set) {
      if (reached && x.passedNonGreedy) {
        continue;
      }
      ATNState st = atn.states.get(x.state);
      for (int i = 0; i < st.getNumberOfTransitions(); i++) {
        Transition t = st.transition(i);
        if (t.isEpsilon() || isEofAtom(t) || !matches(t, c)) {
          continue;
        }
        NgConfig target = new NgConfig(t.target.stateNumber, x.stack,
            x.passedNonGreedy || isNonGreedyDecision(t.target.stateNumber));
        if (ngClosure(target, reach, reached, new java.util.HashSet<>())) {
          reached = true;
          break;
        }
      }
    }
    return List.copyOf(reach);
  }

  private boolean matches(Transition t, int c) {
    if (t instanceof WildcardTransition) {
      return true;
    }
    if (t instanceof NotSetTransition ns) {
      return !ns.set.contains(c);
    }
    IntervalSet label = t.label();
    return label != null && label.contains(c);
  }

  /** ANTLR's lexer closure: depth first in priority order; true once the rule's end has been reached. */
  private boolean ngClosure(NgConfig config, LinkedHashSet<NgConfig> out, boolean reached, java.util.Set<NgConfig> seen) {
    if (!seen.add(config)) {
      return reached;
    }
    ATNState s = atn.states.get(config.state);
    if (s instanceof RuleStopState) {
      if (config.stack == null) {
        out.add(config);
        return true;
      }
      return ngClosure(new NgConfig(config.stack.follow, config.stack.next, config.passedNonGreedy), out, reached, seen);
    }
    if (!s.onlyHasEpsilonTransitions() && (!reached || !config.passedNonGreedy)) {
      out.add(config);
    }
    for (int i = 0; i < s.getNumberOfTransitions(); i++) {
      Transition t = s.transition(i);
      NgConfig next;
      switch (t.getSerializationType()) {
        case Transition.RULE -> {
          RuleTransition rt = (RuleTransition) t;
          if (tooDeep(rt, config.stack)) {
            continue;
          }
          next = new NgConfig(rt.target.stateNumber, new Stack(rt.followState.stateNumber, rt.ruleIndex, config.stack),
              config.passedNonGreedy || isNonGreedyDecision(rt.target.stateNumber));
        }
        case Transition.PREDICATE, Transition.PRECEDENCE -> throw error(
            "semantic predicates in lexer rules cannot be honoured (they need target-language code)");
        default -> {
          if (!t.isEpsilon()) {
            continue;
          }
          next = new NgConfig(t.target.stateNumber, config.stack,
              config.passedNonGreedy || isNonGreedyDecision(t.target.stateNumber));
        }
      }
      reached = ngClosure(next, out, reached, seen);
    }
    return reached;
  }

  /** The rule's automaton; EOF atoms match the empty string, or nothing when {@code eofAsEmpty} is false. */
  private Automaton build(boolean eofAsEmpty) {
    this.eofAsEmpty = eofAsEmpty;
    Automaton.Builder b = new Automaton.Builder();
    Map<Config, Integer> ids = new HashMap<>();
    ArrayDeque<Config> work = new ArrayDeque<>();
    Config start = new Config(atn.ruleToStartState[rule.index].stateNumber, null);
    ids.put(start, b.createState());
    work.add(start);
    List<int[]> edges = new ArrayList<>();
    while (!work.isEmpty()) {
      Config c = work.poll();
      int from = ids.get(c);
      List<Config> closure = new ArrayList<>();
      boolean accept = closure(c, closure);
      if (accept) {
        b.setAccept(from, true);
      }
      for (Config x : closure) {
        ATNState s = atn.states.get(x.state);
        for (int i = 0; i < s.getNumberOfTransitions(); i++) {
          Transition t = s.transition(i);
          if (t.isEpsilon() || isEofAtom(t)) {
            continue;
          }
          IntervalSet set = ranges(t);
          Config target = new Config(t.target.stateNumber, x.stack);
          Integer to = ids.get(target);
          if (to == null) {
            to = b.createState();
            ids.put(target, to);
            work.add(target);
            if (ids.size() > 200_000) {
              throw error("lexer rule too large to compile (over 200000 automaton states)");
            }
          }
          for (Interval iv : set.getIntervals()) {
            edges.add(new int[] {from, to, iv.a, iv.b});
          }
        }
      }
    }
    for (int[] e : edges) {
      addRange(b, e[0], e[1], e[2], e[3]);
    }
    return b.finish();
  }

  private static void addRange(Automaton.Builder b, int from, int to, int lo, int hi) {
    // Surrogate code points never occur in UTF-8 text.
    lo = Math.max(lo, 0);
    hi = Math.min(hi, MAX_CODE_POINT);
    if (lo > hi) {
      return;
    }
    if (hi < 0xD800 || lo > 0xDFFF) {
      b.addTransition(from, to, lo, hi);
      return;
    }
    if (lo < 0xD800) {
      b.addTransition(from, to, lo, 0xD7FF);
    }
    if (hi > 0xDFFF) {
      b.addTransition(from, to, 0xE000, hi);
    }
  }

  private static boolean hasEof(Transition t) {
    if (t.isEpsilon() || t instanceof WildcardTransition || t instanceof NotSetTransition) {
      return false;
    }
    IntervalSet label = t.label();
    return label != null && label.contains(Token.EOF);
  }

  private static boolean isEofAtom(Transition t) {
    return t instanceof AtomTransition at && at.label == Token.EOF;
  }

  private IntervalSet ranges(Transition t) {
    if (t instanceof WildcardTransition) {
      return IntervalSet.of(0, MAX_CODE_POINT);
    }
    if (t instanceof NotSetTransition ns) {
      return ns.set.complement(IntervalSet.of(0, MAX_CODE_POINT));
    }
    IntervalSet label = t.label();
    if (label == null) {
      throw error("unsupported transition " + t.getClass().getSimpleName());
    }
    IntervalSet copy = new IntervalSet(label);
    copy.remove(Token.EOF);
    return copy;
  }

  /** Epsilon closure of c into out (configs with a consuming transition); true when the rule can end here. */
  private boolean closure(Config c, List<Config> out) {
    boolean accept = false;
    ArrayDeque<Config> stack = new ArrayDeque<>();
    java.util.HashSet<Config> seen = new java.util.HashSet<>();
    stack.push(c);
    seen.add(c);
    while (!stack.isEmpty()) {
      Config x = stack.pop();
      ATNState s = atn.states.get(x.state);
      if (s instanceof DecisionState d && d.nonGreedy) {
        nonGreedy = true;
      }
      if (s instanceof RuleStopState) {
        if (x.stack == null) {
          accept = true;
        } else {
          Config back = new Config(x.stack.follow, x.stack.next);
          if (seen.add(back)) {
            stack.push(back);
          }
        }
        continue;
      }
      boolean consuming = false;
      for (int i = 0; i < s.getNumberOfTransitions(); i++) {
        Transition t = s.transition(i);
        Config next;
        switch (t.getSerializationType()) {
          case Transition.RULE -> {
            RuleTransition rt = (RuleTransition) t;
            if (tooDeep(rt, x.stack)) {
              continue;
            }
            next = new Config(rt.target.stateNumber, new Stack(rt.followState.stateNumber, rt.ruleIndex, x.stack));
          }
          case Transition.PREDICATE, Transition.PRECEDENCE -> throw error(
              "semantic predicates in lexer rules cannot be honoured (they need target-language code)");
          case Transition.ACTION -> {
            ActionTransition at = (ActionTransition) t;
            // As ANTLR does, only the token's own rule runs commands: those of rules it references are ignored.
            if (x.stack == null && at.actionIndex >= 0 && atn.lexerActions != null
                && at.actionIndex < atn.lexerActions.length) {
              actionIndexes.add(at.actionIndex);
            }
            next = new Config(t.target.stateNumber, x.stack);
          }
          default -> {
            if (hasEof(t)) {
              // EOF alone, or in a set (ANTLR's optimizer merges ('\n' | EOF) into one set transition)
              if (!isEofAtom(t)) {
                consuming = true;
              }
              if (!eofAsEmpty) {
                continue;
              }
              next = new Config(t.target.stateNumber, x.stack);
            } else if (t.isEpsilon()) {
              next = new Config(t.target.stateNumber, x.stack);
            } else {
              consuming = true;
              continue;
            }
          }
        }
        if (seen.add(next)) {
          stack.push(next);
        }
      }
      if (consuming) {
        out.add(x);
      }
    }
    return accept;
  }
}
