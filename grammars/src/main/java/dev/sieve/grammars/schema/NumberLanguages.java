package dev.sieve.grammars.schema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.util.automaton.Automata;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.Operations;

/**
 * JSON number texts as automata over characters, with exact decimal bounds and integer divisibility.
 *
 * <p>Canon: integers are written without fraction or exponent; bounded numbers are written without an
 * exponent (a plain decimal such as {@code 12.5}); unbounded numbers take full JSON number syntax. Each
 * language is a subset of the numbers the schema allows, never a superset.
 */
final class NumberLanguages {
  private static final Automaton DIGIT = Automata.makeCharRange('0', '9');
  private static final Automaton DIGITS = Operations.repeat(DIGIT);
  private static final Automaton DIGITS1 = Operations.repeat(DIGIT, 1);
  private static final Automaton NONZERO = Automata.makeCharRange('1', '9');
  private static final Automaton EPS = Automata.makeEmptyString();
  private static final Automaton MINUS = Automata.makeChar('-');
  private static final Automaton DOT = Automata.makeChar('.');
  /** Non-negative integers without leading zeros. */
  private static final Automaton NAT =
      Operations.union(List.of(Automata.makeChar('0'), cat(NONZERO, DIGITS)));
  /** An optional fraction: absent or '.' and at least one digit. */
  private static final Automaton FRAC_OPT = Operations.union(List.of(EPS, cat(DOT, DIGITS1)));

  private NumberLanguages() {}

  /** Any JSON number (RFC 8259 syntax). */
  static Automaton anyNumber() {
    Automaton exp = cat(
        Automata.makeCharSet(new int[] {'e', 'E'}),
        Operations.union(List.of(EPS, Automata.makeCharSet(new int[] {'+', '-'}))),
        DIGITS1);
    return cat(Operations.optional(MINUS), NAT, FRAC_OPT, Operations.optional(exp));
  }

  /** Any integer in canonical form (no fraction, no exponent). */
  static Automaton anyInteger() {
    return cat(Operations.optional(MINUS), NAT);
  }

  /**
   * Integers in [lo, hi] (either may be null: unbounded), canonical, that are multiples of
   * {@code multipleOf} (null or 1 for any). Negative zero is not produced.
   */
  static Automaton integers(BigInteger lo, BigInteger hi, BigInteger multipleOf) {
    List<Automaton> parts = new ArrayList<>();
    Automaton mod = multipleOf == null || multipleOf.equals(BigInteger.ONE) ? null : divisibleBy(multipleOf);
    // Non-negative part: [max(lo, 0), hi].
    if (hi == null || hi.signum() >= 0) {
      BigInteger a = lo == null || lo.signum() < 0 ? BigInteger.ZERO : lo;
      Automaton nat = natRange(a, hi);
      parts.add(mod == null ? nat : Operations.intersection(nat, mod));
    }
    // Negative part: magnitudes [max(1, -hi), -lo].
    if (lo == null || lo.signum() < 0) {
      BigInteger a = hi == null || hi.signum() >= 0 ? BigInteger.ONE : hi.negate();
      BigInteger b = lo == null ? null : lo.negate();
      Automaton mag = natRange(a, b);
      parts.add(cat(MINUS, mod == null ? mag : Operations.intersection(mag, mod)));
    }
    if (parts.isEmpty()) {
      return Automata.makeEmpty();
    }
    return Operations.determinize(Operations.union(parts), Operations.DEFAULT_DETERMINIZE_WORK_LIMIT);
  }

  /**
   * Plain decimals (no exponent) x with lo ≤ x (or lo &lt; x when {@code loExclusive}) and x ≤ hi (or
   * &lt;); null bounds are unbounded.
   */
  static Automaton decimals(BigDecimal lo, boolean loExclusive, BigDecimal hi, boolean hiExclusive) {
    Automaton nonNeg = cat(NAT, FRAC_OPT);
    Automaton lower;
    if (lo == null) {
      lower = cat(Operations.optional(MINUS), nonNeg);
    } else if (lo.signum() >= 0) {
      lower = magnitude(lo, loExclusive ? Cmp.GT : Cmp.GE);
    } else {
      lower = Operations.union(List.of(nonNeg, cat(MINUS, magnitude(lo.negate(), loExclusive ? Cmp.LT : Cmp.LE))));
    }
    Automaton upper;
    if (hi == null) {
      upper = cat(Operations.optional(MINUS), nonNeg);
    } else if (hi.signum() >= 0) {
      upper = Operations.union(List.of(magnitude(hi, hiExclusive ? Cmp.LT : Cmp.LE), cat(MINUS, nonNeg)));
    } else {
      upper = cat(MINUS, magnitude(hi.negate(), hiExclusive ? Cmp.GT : Cmp.GE));
    }
    Automaton both = Operations.intersection(
        Operations.determinize(lower, Operations.DEFAULT_DETERMINIZE_WORK_LIMIT),
        Operations.determinize(upper, Operations.DEFAULT_DETERMINIZE_WORK_LIMIT));
    return Operations.determinize(Operations.removeDeadStates(both), Operations.DEFAULT_DETERMINIZE_WORK_LIMIT);
  }

  enum Cmp { GE, GT, LE, LT }

  /** Unsigned plain decimals I or I.F whose value compares to m (m ≥ 0) as {@code cmp} says. */
  static Automaton magnitude(BigDecimal m, Cmp cmp) {
    BigInteger mi = m.setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
    String mf = fractionDigits(m);
    Automaton intEq = Automata.makeString(mi.toString());
    Automaton withFrac = switch (cmp) {
      case GE -> mf.isEmpty() ? FRAC_OPT : cat(DOT, fracGe(mf));
      case GT -> cat(DOT, fracGt(mf));
      case LE -> Operations.union(List.of(EPS, cat(DOT, fracLe(mf))));
      case LT -> mf.isEmpty() ? Automata.makeEmpty() : Operations.union(List.of(EPS, cat(DOT, fracLt(mf))));
    };
    Automaton otherInts = switch (cmp) {
      case GE, GT -> natRange(mi.add(BigInteger.ONE), null);
      case LE, LT -> mi.signum() == 0 ? Automata.makeEmpty() : natRange(BigInteger.ZERO, mi.subtract(BigInteger.ONE));
    };
    return Operations.union(List.of(cat(otherInts, FRAC_OPT), cat(intEq, withFrac)));
  }

  /** The digits after the point of m ≥ 0, no trailing zeros; empty when m is integral. */
  static String fractionDigits(BigDecimal m) {
    BigDecimal f = m.subtract(new BigDecimal(m.setScale(0, RoundingMode.FLOOR).toBigIntegerExact()));
    if (f.signum() == 0) {
      return "";
    }
    String s = f.stripTrailingZeros().toPlainString(); // "0.xyz"
    return s.substring(2);
  }

  // Fraction digit strings F (non-empty) compared as 0.F against 0.t (t without trailing zeros).

  private static Automaton fracGe(String t) {
    List<Automaton> u = new ArrayList<>(fracAbove(t));
    u.add(cat(Automata.makeString(t), DIGITS));
    return Operations.intersection(Operations.union(u), DIGITS1);
  }

  private static Automaton fracGt(String t) {
    List<Automaton> u = new ArrayList<>(fracAbove(t));
    u.add(cat(Automata.makeString(t), DIGITS, NONZERO, DIGITS));
    return Operations.intersection(Operations.union(u), DIGITS1);
  }

  private static Automaton fracLt(String t) {
    List<Automaton> u = new ArrayList<>();
    for (int i = 0; i < t.length(); i++) {
      int d = t.charAt(i);
      if (d > '0') {
        u.add(cat(Automata.makeString(t.substring(0, i)), Automata.makeCharRange('0', d - 1), DIGITS));
      }
      u.add(cat(Automata.makeString(t.substring(0, i)), Operations.repeat(Automata.makeChar('0'))));
    }
    if (u.isEmpty()) {
      return Automata.makeEmpty();
    }
    return Operations.intersection(Operations.union(u), DIGITS1);
  }

  private static Automaton fracLe(String t) {
    Automaton zeros = cat(Automata.makeString(t), Operations.repeat(Automata.makeChar('0')));
    return Operations.intersection(Operations.union(List.of(fracLt(t), zeros)), DIGITS1);
  }

  private static List<Automaton> fracAbove(String t) {
    List<Automaton> u = new ArrayList<>();
    for (int i = 0; i < t.length(); i++) {
      int d = t.charAt(i);
      if (d < '9') {
        u.add(cat(Automata.makeString(t.substring(0, i)), Automata.makeCharRange(d + 1, '9'), DIGITS));
      }
    }
    return u;
  }

  /** Canonical non-negative integers in [a, b] (b null: unbounded). */
  static Automaton natRange(BigInteger a, BigInteger b) {
    if (b != null && b.compareTo(a) < 0) {
      return Automata.makeEmpty();
    }
    Automaton ge = natAtLeast(a);
    return b == null ? ge : Operations.intersection(ge, natAtMost(b));
  }

  private static Automaton natAtLeast(BigInteger a) {
    String s = a.toString();
    int n = s.length();
    List<Automaton> u = new ArrayList<>();
    u.add(cat(NONZERO, Operations.repeat(DIGIT, n))); // longer
    u.add(Automata.makeString(s));
    for (int i = 0; i < n; i++) {
      int d = s.charAt(i);
      if (d < '9') {
        u.add(cat(Automata.makeString(s.substring(0, i)), Automata.makeCharRange(d + 1, '9'),
            Operations.repeat(DIGIT, n - i - 1, n - i - 1)));
      }
    }
    return Operations.intersection(Operations.union(u), NAT);
  }

  private static Automaton natAtMost(BigInteger b) {
    String s = b.toString();
    int n = s.length();
    List<Automaton> u = new ArrayList<>();
    if (n > 1) {
      u.add(Automata.makeChar('0'));
      u.add(cat(NONZERO, Operations.repeat(DIGIT, 0, n - 2))); // shorter
    }
    u.add(Automata.makeString(s));
    for (int i = 0; i < n; i++) {
      int d = s.charAt(i);
      int low = i == 0 && n > 1 ? '1' : '0';
      if (d - 1 >= low) {
        u.add(cat(Automata.makeString(s.substring(0, i)), Automata.makeCharRange(low, d - 1),
            Operations.repeat(DIGIT, n - i - 1, n - i - 1)));
      }
    }
    return Operations.intersection(Operations.union(u), NAT);
  }

  /**
   * Plain decimals (optional sign, no exponent) that are multiples of {@code step} = p / 10^s (s ≥ 1):
   * the digits read so far are tracked modulo p, with the number of fraction digits; fraction digits past
   * the s-th must be zeros.
   */
  static Automaton decimalMultiples(BigDecimal step) {
    int s = step.scale();
    int p = step.unscaledValue().intValueExact();
    long states = (long) p * (s + 2);
    if (states > 200_000) {
      throw new IllegalArgumentException("multipleOf " + step + " needs too many states");
    }
    Automaton a = new Automaton();
    // ids: integer part r -> r; after '.' r -> p + r; k fraction digits (1..s) r -> p * (k + 1) + r
    for (long i = 0; i < states; i++) {
      a.createState();
    }
    BigInteger big = BigInteger.valueOf(p);
    for (int r = 0; r < p; r++) {
      a.setAccept(r, BigInteger.valueOf(r).multiply(BigInteger.TEN.pow(s)).mod(big).signum() == 0);
      for (int k = 1; k <= s; k++) {
        a.setAccept(p * (k + 1) + r, BigInteger.valueOf(r).multiply(BigInteger.TEN.pow(s - k)).mod(big).signum() == 0);
      }
    }
    for (int r = 0; r < p; r++) { // integer part
      for (int d = 0; d <= 9; d++) {
        a.addTransition(r, (int) ((r * 10L + d) % p), '0' + d);
      }
      a.addTransition(r, p + r, '.');
    }
    for (int r = 0; r < p; r++) { // just after the point
      for (int d = 0; d <= 9; d++) {
        a.addTransition(p + r, p * 2 + (int) ((r * 10L + d) % p), '0' + d);
      }
    }
    for (int k = 1; k <= s; k++) {
      for (int r = 0; r < p; r++) {
        int src = p * (k + 1) + r;
        if (k < s) {
          for (int d = 0; d <= 9; d++) {
            a.addTransition(src, p * (k + 2) + (int) ((r * 10L + d) % p), '0' + d);
          }
        } else {
          a.addTransition(src, src, '0'); // past the step's precision only zeros
        }
      }
    }
    a.finishState();
    return Operations.intersection(cat(Operations.optional(MINUS), a), cat(Operations.optional(MINUS), NAT, FRAC_OPT));
  }

  /** Digit strings whose value is divisible by k (remainder automaton). */
  static Automaton divisibleBy(BigInteger k) {
    if (k.bitLength() > 20) {
      throw new IllegalArgumentException("multipleOf " + k + " is too large to represent (at most 2^20)");
    }
    int m = k.intValueExact();
    Automaton a = new Automaton();
    for (int r = 0; r < m; r++) {
      a.createState();
    }
    a.setAccept(0, true);
    for (int r = 0; r < m; r++) {
      for (int d = 0; d <= 9; d++) {
        a.addTransition(r, (int) ((r * 10L + d) % m), '0' + d);
      }
    }
    a.finishState();
    return a;
  }

  static Automaton cat(Automaton... parts) {
    return Operations.concatenate(List.of(parts));
  }
}
