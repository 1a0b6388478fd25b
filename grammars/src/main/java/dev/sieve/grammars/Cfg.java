package dev.sieve.grammars;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parser side of a compiled grammar: the IR's rules flattened into a context-free grammar over
 * terminal ids (alternatives and repeats become fresh nonterminals), with the Earley tables.
 *
 * <p>Symbols: nonterminals are {@code 0..numNonterminals-1}, terminal {@code t} is
 * {@code numNonterminals + t}. Production 0 is the augmented start {@code S' -> start}. Productions that
 * can derive no text (they need a terminal no lexeme produces) are removed, so every Earley item left
 * can be completed: the parser never reaches a dead end. Immutable.
 */
final class Cfg {
  static final int END = -1;

  final int numNonterminals;
  final int numTerminals;
  final String[] nonterminalNames;
  final int[] prodLhs;
  final int[][] prodRhs;
  /** First dotted item of each production. */
  final int[] itemBase;
  /** For each dotted item: the symbol after the dot, or {@link #END}. */
  final int[] itemNext;
  final int[] itemProd;
  /** Productions of each nonterminal: the initial item of each. */
  final int[][] predictItems;
  final boolean[] nullable;
  final int acceptItem; // S' -> start .
  final int eofTerminal;

  private Cfg(String[] ntNames, int numTerminals, List<Integer> lhs, List<int[]> rhs, int eofTerminal) {
    this.numNonterminals = ntNames.length;
    this.numTerminals = numTerminals;
    this.nonterminalNames = ntNames;
    this.eofTerminal = eofTerminal;
    int np = lhs.size();
    prodLhs = new int[np];
    prodRhs = new int[np][];
    itemBase = new int[np];
    int items = 0;
    for (int p = 0; p < np; p++) {
      prodLhs[p] = lhs.get(p);
      prodRhs[p] = rhs.get(p);
      itemBase[p] = items;
      items += prodRhs[p].length + 1;
    }
    itemNext = new int[items];
    itemProd = new int[items];
    for (int p = 0; p < np; p++) {
      for (int d = 0; d <= prodRhs[p].length; d++) {
        itemNext[itemBase[p] + d] = d < prodRhs[p].length ? prodRhs[p][d] : END;
        itemProd[itemBase[p] + d] = p;
      }
    }
    int[] counts = new int[numNonterminals];
    for (int p = 0; p < np; p++) {
      counts[prodLhs[p]]++;
    }
    predictItems = new int[numNonterminals][];
    for (int n = 0; n < numNonterminals; n++) {
      predictItems[n] = new int[counts[n]];
      counts[n] = 0;
    }
    for (int p = 0; p < np; p++) {
      predictItems[prodLhs[p]][counts[prodLhs[p]]++] = itemBase[p];
    }
    nullable = new boolean[numNonterminals];
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int p = 0; p < np; p++) {
        if (nullable[prodLhs[p]]) {
          continue;
        }
        boolean all = true;
        for (int s : prodRhs[p]) {
          if (s >= numNonterminals || !nullable[s]) {
            all = false;
            break;
          }
        }
        if (all) {
          nullable[prodLhs[p]] = true;
          changed = true;
        }
      }
    }
    acceptItem = itemBase[0] + 1;
  }

  boolean isTerminal(int symbol) {
    return symbol >= numNonterminals;
  }

  int numProductions() {
    return prodLhs.length;
  }

  /**
   * Flattens the IR rules into a CFG.
   *
   * @param terminalIds terminal ids by name ({@code LexemeRef} names)
   * @param producible which terminals some lexeme produces (others can never be scanned)
   */
  static Cfg build(Grammar g, Map<String, Integer> terminalIds, boolean[] producible, int eofTerminal) {
    Builder b = new Builder(g, terminalIds);
    b.build();
    // Remove productions that cannot derive a string of producible terminals.
    int nt = b.ntNames.size();
    int np = b.lhs.size();
    boolean[] productive = new boolean[nt];
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int p = 0; p < np; p++) {
        if (productive[b.lhs.get(p)]) {
          continue;
        }
        boolean all = true;
        for (int s : b.rhs.get(p)) {
          if (s < 0) {
            int t = -s - 1;
            if (!producible[t] && t != eofTerminal) {
              all = false;
              break;
            }
          } else if (!productive[s]) {
            all = false;
            break;
          }
        }
        if (all) {
          productive[b.lhs.get(p)] = true;
          changed = true;
        }
      }
    }
    if (!productive[0]) {
      throw new GrammarException(null, 0, 0, g.startRule(),
          "grammar " + g.name() + ": the start rule cannot derive any text with the lexemes defined");
    }
    List<Integer> lhs = new ArrayList<>();
    List<int[]> rhs = new ArrayList<>();
    for (int p = 0; p < np; p++) {
      int[] r = b.rhs.get(p);
      boolean keep = productive[b.lhs.get(p)];
      for (int s : r) {
        if (s < 0 ? (!producible[-s - 1] && -s - 1 != eofTerminal) : !productive[s]) {
          keep = false;
        }
      }
      if (keep) {
        int[] enc = new int[r.length];
        for (int i = 0; i < r.length; i++) {
          enc[i] = r[i] < 0 ? nt + (-r[i] - 1) : r[i];
        }
        lhs.add(b.lhs.get(p));
        rhs.add(enc);
      }
    }
    return new Cfg(b.ntNames.toArray(new String[0]), terminalIds.size(), lhs, rhs, eofTerminal);
  }

  /** Expr trees to productions; terminals are encoded as {@code -(t+1)} until the end. */
  private static final class Builder {
    final Grammar g;
    final Map<String, Integer> terminalIds;
    final List<String> ntNames = new ArrayList<>();
    final Map<String, Integer> ruleIds = new HashMap<>();
    final List<Integer> lhs = new ArrayList<>();
    final List<int[]> rhs = new ArrayList<>();
    final Map<Object, Integer> shared = new HashMap<>();

    Builder(Grammar g, Map<String, Integer> terminalIds) {
      this.g = g;
      this.terminalIds = terminalIds;
    }

    void build() {
      ntNames.add("<start>");
      for (String r : g.rules().keySet()) {
        ruleIds.put(r, ntNames.size());
        ntNames.add(r);
      }
      lhs.add(0);
      rhs.add(new int[] {ruleIds.get(g.startRule())});
      for (Rule r : g.rules().values()) {
        int id = ruleIds.get(r.name());
        if (r.body() instanceof Expr.Alt alt) {
          for (Expr a : alt.alternatives()) {
            production(id, a, r.name());
          }
        } else {
          production(id, r.body(), r.name());
        }
      }
    }

    void production(int id, Expr e, String rule) {
      List<Integer> seq = new ArrayList<>();
      flatten(e, seq, rule);
      lhs.add(id);
      rhs.add(seq.stream().mapToInt(Integer::intValue).toArray());
    }

    int fresh(String rule, String what) {
      ntNames.add(rule + "$" + what + ntNames.size());
      return ntNames.size() - 1;
    }

    void flatten(Expr e, List<Integer> out, String rule) {
      switch (e) {
        case Expr.Empty x -> {}
        case Expr.Seq s -> {
          for (Expr i : s.items()) {
            flatten(i, out, rule);
          }
        }
        case Expr.RuleRef r -> {
          Integer id = ruleIds.get(r.name());
          if (id == null) {
            throw new GrammarException(null, 0, 0, rule, "reference to undefined rule '" + r.name() + "'");
          }
          out.add(id);
        }
        case Expr.LexemeRef l -> {
          Integer t = terminalIds.get(l.name());
          if (t == null) {
            throw new GrammarException(null, 0, 0, rule, "reference to undefined lexeme '" + l.name() + "'");
          }
          out.add(-t - 1);
        }
        case Expr.Alt a -> {
          Integer cached = shared.get(a);
          if (cached != null) {
            out.add(cached);
            return;
          }
          int n = fresh(rule, "alt");
          shared.put(a, n);
          for (Expr alt : a.alternatives()) {
            production(n, alt, rule);
          }
          out.add(n);
        }
        case Expr.Repeat r -> {
          Integer cached = shared.get(r);
          if (cached != null) {
            out.add(cached);
            return;
          }
          int n = repeat(r, rule);
          shared.put(r, n);
          out.add(n);
        }
      }
    }

    int repeat(Expr.Repeat r, String rule) {
      if (r.max() == Expr.Repeat.UNBOUNDED) {
        // N -> body^min | N body  (left recursive: cheap for Earley)
        int n = fresh(rule, "loop");
        List<Integer> first = new ArrayList<>();
        for (int i = 0; i < r.min(); i++) {
          flatten(r.body(), first, rule);
        }
        lhs.add(n);
        rhs.add(first.stream().mapToInt(Integer::intValue).toArray());
        List<Integer> more = new ArrayList<>();
        more.add(n);
        flatten(r.body(), more, rule);
        lhs.add(n);
        rhs.add(more.stream().mapToInt(Integer::intValue).toArray());
        return n;
      }
      // body^min followed by a chain of (max - min) optional bodies: O_k -> eps | body O_{k-1}
      int optional = -1;
      for (int k = 0; k < r.max() - r.min(); k++) {
        int o = fresh(rule, "opt");
        lhs.add(o);
        rhs.add(new int[0]);
        List<Integer> seq = new ArrayList<>();
        flatten(r.body(), seq, rule);
        if (optional >= 0) {
          seq.add(optional);
        }
        lhs.add(o);
        rhs.add(seq.stream().mapToInt(Integer::intValue).toArray());
        optional = o;
      }
      int n = fresh(rule, "rep");
      List<Integer> seq = new ArrayList<>();
      for (int i = 0; i < r.min(); i++) {
        flatten(r.body(), seq, rule);
      }
      if (optional >= 0) {
        seq.add(optional);
      }
      lhs.add(n);
      rhs.add(seq.stream().mapToInt(Integer::intValue).toArray());
      return n;
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (int p = 0; p < prodLhs.length; p++) {
      sb.append(nonterminalNames[prodLhs[p]]).append(" ->");
      for (int s : prodRhs[p]) {
        sb.append(' ').append(s < numNonterminals ? nonterminalNames[s] : "#" + (s - numNonterminals));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  static int[] copy(int[] a) {
    return Arrays.copyOf(a, a.length);
  }
}
