package dev.sieve.grammars;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.Operations;
import org.apache.lucene.util.automaton.Transition;
import org.apache.lucene.util.automaton.UTF32ToUTF8;

/**
 * The lexer of a compiled grammar: one deterministic automaton over UTF-8 bytes per lexer mode, all
 * states numbered in one space (state 0 is the dead state), with per-state lexeme information.
 *
 * <p>Built by a product construction over the per-lexeme byte DFAs (each determinized by Lucene), so
 * every state knows which lexemes accept there and which can still be reached. Immutable.
 */
final class LexerDfa {
  static final int DEAD = 0;

  final int numStates;
  final int numLexemes;
  final int words; // longs per lexeme bitset
  /** next[state * 256 + byte]: the next state, {@link #DEAD} when no lexeme continues (rows past numStates unused). */
  final int[] next;
  /** The first-declared lexeme accepting at each state, or -1. */
  final int[] acceptFirst;
  /** All lexemes accepting at each state, ascending (declaration order). */
  final int[][] accepts;
  /** Lexemes accepting at this or any later state (bitset). */
  final long[][] reachAny;
  /** Lexemes that win (first declared) at this or any later state (bitset). */
  final long[][] reachWin;
  /** Whether any byte leads on from this state. */
  final boolean[] canContinue;
  /** The start state of each mode. */
  final int[] modeStart;
  /** Byte-DFA states of each lexeme alone, for stats. */
  final int lexemeStates;

  private LexerDfa(
      int numStates, int numLexemes, int[] next, int[] acceptFirst, int[][] accepts, long[][] reachAny,
      long[][] reachWin, boolean[] canContinue, int[] modeStart, int lexemeStates) {
    this.numStates = numStates;
    this.numLexemes = numLexemes;
    this.words = (numLexemes + 63) >>> 6;
    this.next = next;
    this.acceptFirst = acceptFirst;
    this.accepts = accepts;
    this.reachAny = reachAny;
    this.reachWin = reachWin;
    this.canContinue = canContinue;
    this.modeStart = modeStart;
    this.lexemeStates = lexemeStates;
  }

  /**
   * The byte DFA of one lexeme, sparse: state {@code s}'s transitions are the byte ranges
   * {@code lo[i]..hi[i] -> dest[i]} for {@code i} in {@code first[s] .. first[s + 1]}, sorted and disjoint.
   * (Dense 256-entry rows per lexeme state were most of a per-request grammar's compile: a few hundred
   * names of ten states each wrote megabytes that the product's own rows then wrote again.)
   */
  private record ByteDfa(int[] first, int[] lo, int[] hi, int[] dest, boolean[] accept) {
    boolean hasTransitions(int s) {
      return first[s + 1] > first[s];
    }
  }

  static ByteDfa toByteDfa(Automaton codePoints, int workLimit) {
    // An ASCII-only deterministic automaton (keywords, a choice's string union of plain names) already is
    // its own UTF-8 byte automaton: converting and determinizing it again is most of a small grammar's compile.
    Automaton bytes = codePoints.isDeterministic() && asciiOnly(codePoints)
        ? codePoints
        : Operations.determinize(new UTF32ToUTF8().convert(codePoints), workLimit);
    bytes = Operations.removeDeadStates(bytes);
    int n = bytes.getNumStates();
    int[] first = new int[Math.max(1, n) + 1];
    IntList lo = new IntList(2 * n + 1);
    IntList hi = new IntList(2 * n + 1);
    IntList dest = new IntList(2 * n + 1);
    boolean[] accept = new boolean[Math.max(1, n)];
    Transition t = new Transition();
    for (int s = 0; s < n; s++) {
      first[s] = lo.size;
      accept[s] = bytes.isAccept(s);
      int count = bytes.initTransition(s, t); // sorted by min, disjoint: the automaton is deterministic
      for (int i = 0; i < count; i++) {
        bytes.getNextTransition(t);
        if (t.min <= 255 && t.max >= 0) {
          lo.add(Math.max(0, t.min));
          hi.add(Math.min(255, t.max));
          dest.add(t.dest);
        }
      }
    }
    for (int s = n; s < first.length; s++) {
      first[s] = lo.size; // an empty language has one state, with no transitions, not accepting
    }
    return new ByteDfa(first, lo.toArray(), hi.toArray(), dest.toArray(), accept);
  }

  private static boolean asciiOnly(Automaton a) {
    Transition t = new Transition();
    for (int s = 0; s < a.getNumStates(); s++) {
      int n = a.initTransition(s, t);
      for (int i = 0; i < n; i++) {
        a.getNextTransition(t);
        if (t.max > 0x7f) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * @param languages per lexeme (global index), its language over code points
   * @param lexemeMode per lexeme, its mode index
   * @param numModes number of modes
   */
  static LexerDfa build(List<Automaton> languages, int[] lexemeMode, int numModes, int workLimit) {
    int nl = languages.size();
    ByteDfa[] dfas = new ByteDfa[nl];
    int lexemeStates = 0;
    for (int l = 0; l < nl; l++) {
      dfas[l] = toByteDfa(languages.get(l), workLimit);
      lexemeStates += dfas[l].accept.length;
    }
    // Product construction over sparse tuples (lexeme, state) pairs, sorted by lexeme. Most product states
    // past the first byte or two hold a single lexeme (one candidate string of a choice, a keyword, a
    // number): those are numbered through a direct per-lexeme table instead of the tuple map, which with
    // the dense transition rows written in place keeps compiling a per-request grammar cheap.
    Map<Key, Integer> ids = new HashMap<>();
    List<int[]> tuples = new ArrayList<>();
    tuples.add(new int[0]); // dead state
    ids.put(new Key(new int[0]), 0);
    int[][] singles = new int[nl][]; // singles[l][s]: the product state of the tuple (l, s) alone; 0 unassigned
    int[] modeStart = new int[numModes];
    int[] buf = new int[2 * nl];
    int[] bucket = new int[0]; // per byte, the (lexeme, state) pairs a multi-lexeme state goes to
    int[] bucketCount = new int[256];
    for (int m = 0; m < numModes; m++) {
      int cnt = 0;
      for (int l = 0; l < nl; l++) {
        if (lexemeMode[l] == m && dfas[l].accept.length > 0 && hasAny(dfas[l], 0)) {
          buf[cnt++] = l;
          buf[cnt++] = 0;
        }
      }
      // Each mode gets its own start state even when tuples coincide (they cannot: lexemes differ).
      modeStart[m] = stateOf(buf, cnt, dfas, singles, ids, tuples);
    }
    // Rows for about as many product states as the lexemes have states (a few more when lexemes overlap).
    int[] next = new int[256 * (tuples.size() + lexemeStates + 16)];
    // Process states in id order so that the rows of next line up with ids.
    int processed = 1;
    while (processed < tuples.size()) {
      int[] tuple = tuples.get(processed);
      int row = processed * 256;
      if (next.length < row + 256) {
        next = Arrays.copyOf(next, Math.max(row + 256, next.length * 2));
      }
      if (tuple.length == 2) {
        // one lexeme: its ranges straight into the row (the row starts DEAD), one state look-up per range
        int l = tuple[0];
        ByteDfa d = dfas[l];
        Arrays.fill(next, row, row + 256, DEAD);
        for (int i = d.first[tuple[1]], end = d.first[tuple[1] + 1]; i < end; i++) {
          buf[0] = l;
          buf[1] = d.dest[i];
          int ns = stateOf(buf, 2, dfas, singles, ids, tuples);
          Arrays.fill(next, row + d.lo[i], row + d.hi[i] + 1, ns);
        }
      } else {
        // several lexemes: each one's ranges distributed into per-byte buckets, in tuple (lexeme) order
        int members = tuple.length / 2;
        if (bucket.length < 256 * 2 * members) {
          bucket = new int[256 * 2 * members];
        }
        Arrays.fill(bucketCount, 0);
        for (int m = 0; m < tuple.length; m += 2) {
          ByteDfa d = dfas[tuple[m]];
          for (int i = d.first[tuple[m + 1]], end = d.first[tuple[m + 1] + 1]; i < end; i++) {
            for (int b = d.lo[i]; b <= d.hi[i]; b++) {
              int at = b * 2 * members + bucketCount[b];
              bucket[at] = tuple[m];
              bucket[at + 1] = d.dest[i];
              bucketCount[b] += 2;
            }
          }
        }
        for (int b = 0; b < 256; b++) {
          int cnt = bucketCount[b];
          if (cnt == 0) {
            next[row + b] = DEAD;
          } else {
            System.arraycopy(bucket, b * 2 * members, buf, 0, cnt);
            next[row + b] = stateOf(buf, cnt, dfas, singles, ids, tuples);
          }
        }
      }
      processed++;
    }
    int n = tuples.size(); // next keeps its spare rows: copying it to size would cost more than they do
    int[] acceptFirst = new int[n];
    int[][] accepts = new int[n][];
    int words = (nl + 63) >>> 6;
    long[][] reachAny = new long[n][words];
    long[][] reachWin = new long[n][words];
    boolean[] canContinue = new boolean[n];
    for (int s = 0; s < n; s++) {
      int[] tuple = tuples.get(s);
      IntList acc = new IntList(4);
      for (int i = 0; i < tuple.length; i += 2) {
        if (dfas[tuple[i]].accept[tuple[i + 1]]) {
          acc.add(tuple[i]);
        }
      }
      accepts[s] = acc.toArray();
      acceptFirst[s] = accepts[s].length == 0 ? -1 : accepts[s][0];
      for (int l : accepts[s]) {
        reachAny[s][l >>> 6] |= 1L << l;
      }
      if (acceptFirst[s] >= 0) {
        reachWin[s][acceptFirst[s] >>> 6] |= 1L << acceptFirst[s];
      }
      if (s != DEAD) {
        for (int b = 0; b < 256; b++) {
          if (next[s * 256 + b] != DEAD) {
            canContinue[s] = true;
            break;
          }
        }
      }
    }
    propagate(next, n, reachAny);
    propagate(next, n, reachWin);
    return new LexerDfa(n, nl, next, acceptFirst, accepts, reachAny, reachWin, canContinue, modeStart, lexemeStates);
  }

  /** The product state of the tuple {@code buf[0, cnt)}, numbered (and queued) on first sight. */
  private static int stateOf(int[] buf, int cnt, ByteDfa[] dfas, int[][] singles, Map<Key, Integer> ids,
      List<int[]> tuples) {
    if (cnt == 2) {
      int l = buf[0];
      int[] single = singles[l];
      if (single == null) {
        single = singles[l] = new int[dfas[l].accept.length];
      }
      int id = single[buf[1]];
      if (id == 0) {
        id = tuples.size();
        tuples.add(new int[] {l, buf[1]});
        single[buf[1]] = id;
      }
      return id;
    }
    int[] nt = Arrays.copyOf(buf, cnt);
    Key k = new Key(nt);
    Integer id = ids.get(k);
    if (id == null) {
      id = tuples.size();
      tuples.add(nt);
      ids.put(k, id);
    }
    return id;
  }

  private static boolean hasAny(ByteDfa d, int s) {
    return d.accept[s] || d.hasTransitions(s);
  }

  /** reach[s] |= reach[t] for every edge s -> t, to a fixed point (worklist over predecessors). */
  static void propagate(int[] next, int n, long[][] reach) {
    int[][] preds = new int[n][];
    int[] counts = new int[n];
    boolean[] seen = new boolean[n];
    List<int[]> edges = new ArrayList<>();
    for (int s = 1; s < n; s++) {
      IntList targets = new IntList(8);
      for (int b = 0; b < 256; b++) {
        int t = next[s * 256 + b];
        if (t != DEAD && !seen[t]) {
          seen[t] = true;
          targets.add(t);
        }
      }
      int[] ts = targets.toArray();
      for (int t : ts) {
        seen[t] = false;
        counts[t]++;
      }
      edges.add(ts);
    }
    for (int t = 0; t < n; t++) {
      preds[t] = new int[counts[t]];
      counts[t] = 0;
    }
    for (int s = 1; s < n; s++) {
      for (int t : edges.get(s - 1)) {
        preds[t][counts[t]++] = s;
      }
    }
    ArrayDeque<Integer> work = new ArrayDeque<>();
    boolean[] queued = new boolean[n];
    for (int s = 1; s < n; s++) {
      work.add(s);
      queued[s] = true;
    }
    while (!work.isEmpty()) {
      int t = work.poll();
      queued[t] = false;
      long[] rt = reach[t];
      for (int p : preds[t]) {
        long[] rp = reach[p];
        boolean changed = false;
        for (int w = 0; w < rt.length; w++) {
          long v = rp[w] | rt[w];
          if (v != rp[w]) {
            rp[w] = v;
            changed = true;
          }
        }
        if (changed && !queued[p]) {
          queued[p] = true;
          work.add(p);
        }
      }
    }
  }

  private record Key(int[] tuple) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(tuple, k.tuple);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(tuple);
    }
  }

  /** A growable int array. */
  static final class IntList {
    int[] a;
    int size;

    IntList(int capacity) {
      a = new int[Math.max(1, capacity)];
    }

    void add(int v) {
      if (size == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[size++] = v;
    }

    int[] toArray() {
      return Arrays.copyOf(a, size);
    }
  }
}
