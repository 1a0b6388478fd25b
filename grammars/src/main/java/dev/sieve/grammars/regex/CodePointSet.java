package dev.sieve.grammars.regex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.util.automaton.Automata;
import org.apache.lucene.util.automaton.Automaton;

/**
 * An immutable set of Unicode scalar values (code points without the surrogate range), as sorted,
 * disjoint, non-adjacent closed intervals. Surrogates are never members: they have no UTF-8 encoding,
 * so no token can produce them.
 */
public final class CodePointSet {
  public static final int MAX = Character.MAX_CODE_POINT;
  private static final int SURROGATE_LO = 0xD800;
  private static final int SURROGATE_HI = 0xDFFF;

  public static final CodePointSet EMPTY = new CodePointSet(new int[0]);
  public static final CodePointSet ALL = of(0, MAX);

  /** lo0, hi0, lo1, hi1, ... */
  private final int[] bounds;

  private CodePointSet(int[] bounds) {
    this.bounds = bounds;
  }

  public static CodePointSet of(int lo, int hi) {
    return normalize(new int[] {lo, hi});
  }

  public static CodePointSet single(int cp) {
    return of(cp, cp);
  }

  /** Pairs lo, hi of closed intervals, in any order. */
  public static CodePointSet ofRanges(int... pairs) {
    return normalize(pairs.clone());
  }

  public static CodePointSet chars(String s) {
    List<int[]> r = new ArrayList<>();
    s.codePoints().forEach(c -> r.add(new int[] {c, c}));
    return fromList(r);
  }

  private static CodePointSet fromList(List<int[]> ranges) {
    int[] b = new int[ranges.size() * 2];
    for (int i = 0; i < ranges.size(); i++) {
      b[2 * i] = ranges.get(i)[0];
      b[2 * i + 1] = ranges.get(i)[1];
    }
    return normalize(b);
  }

  private static CodePointSet normalize(int[] pairs) {
    List<int[]> r = new ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      int lo = Math.max(0, pairs[i]);
      int hi = Math.min(MAX, pairs[i + 1]);
      if (lo > hi) {
        continue;
      }
      // cut out the surrogates
      if (lo < SURROGATE_LO && hi >= SURROGATE_LO) {
        r.add(new int[] {lo, SURROGATE_LO - 1});
        lo = SURROGATE_LO;
      }
      if (lo >= SURROGATE_LO && lo <= SURROGATE_HI) {
        lo = SURROGATE_HI + 1;
      }
      if (lo <= hi) {
        r.add(new int[] {lo, hi});
      }
    }
    r.sort((a, b) -> Integer.compare(a[0], b[0]));
    List<int[]> merged = new ArrayList<>();
    for (int[] x : r) {
      if (!merged.isEmpty() && x[0] <= merged.get(merged.size() - 1)[1] + 1) {
        int[] last = merged.get(merged.size() - 1);
        last[1] = Math.max(last[1], x[1]);
      } else {
        merged.add(new int[] {x[0], x[1]});
      }
    }
    int[] b = new int[merged.size() * 2];
    for (int i = 0; i < merged.size(); i++) {
      b[2 * i] = merged.get(i)[0];
      b[2 * i + 1] = merged.get(i)[1];
    }
    return new CodePointSet(b);
  }

  public CodePointSet union(CodePointSet other) {
    int[] b = Arrays.copyOf(bounds, bounds.length + other.bounds.length);
    System.arraycopy(other.bounds, 0, b, bounds.length, other.bounds.length);
    return normalize(b);
  }

  /** Every scalar value not in this set. */
  public CodePointSet complement() {
    List<int[]> r = new ArrayList<>();
    int next = 0;
    for (int i = 0; i < bounds.length; i += 2) {
      if (bounds[i] > next) {
        r.add(new int[] {next, bounds[i] - 1});
      }
      next = bounds[i + 1] + 1;
    }
    if (next <= MAX) {
      r.add(new int[] {next, MAX});
    }
    return fromList(r);
  }

  public CodePointSet minus(CodePointSet other) {
    return intersect(other.complement());
  }

  public CodePointSet intersect(CodePointSet other) {
    return complement().union(other.complement()).complement();
  }

  public boolean contains(int cp) {
    for (int i = 0; i < bounds.length; i += 2) {
      if (cp < bounds[i]) {
        return false;
      }
      if (cp <= bounds[i + 1]) {
        return true;
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return bounds.length == 0;
  }

  /** Number of intervals. */
  public int intervals() {
    return bounds.length / 2;
  }

  public int lo(int interval) {
    return bounds[2 * interval];
  }

  public int hi(int interval) {
    return bounds[2 * interval + 1];
  }

  /** The automaton of the one-character strings of this set. */
  public Automaton toAutomaton() {
    if (bounds.length == 0) {
      return Automata.makeEmpty();
    }
    int n = bounds.length / 2;
    int[] starts = new int[n];
    int[] ends = new int[n];
    for (int i = 0; i < n; i++) {
      starts[i] = bounds[2 * i];
      ends[i] = bounds[2 * i + 1];
    }
    return Automata.makeCharClass(starts, ends);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CodePointSet c && Arrays.equals(bounds, c.bounds);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bounds);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < bounds.length; i += 2) {
      sb.append(String.format("%X-%X ", bounds[i], bounds[i + 1]));
    }
    return sb.append(']').toString();
  }
}
