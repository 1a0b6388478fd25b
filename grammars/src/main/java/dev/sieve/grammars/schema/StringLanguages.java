package dev.sieve.grammars.schema;

import dev.sieve.grammars.regex.CodePointSet;
import dev.sieve.grammars.regex.RegexCompiler;
import java.util.List;
import java.util.Map;
import org.apache.lucene.util.automaton.Automata;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.Operations;
import org.apache.lucene.util.automaton.Transition;

/**
 * JSON string texts as automata over code points.
 *
 * <p>A constrained string (length, pattern, format, property names) is first a language of decoded
 * strings; {@link #encode} turns it into the language of their canonical JSON texts: every character
 * written as itself except {@code "}, {@code \} and control characters, which take the short escapes
 * {@code \" \\ \b \f \n \r \t} or {@code \}{@code u00XX} (upper-case hex), as Jackson writes them. One
 * text per string keeps property names exact (a key cannot dodge a declared name by escaping a letter).
 * Unconstrained strings take any valid JSON string text ({@link #anyJsonString}).
 */
final class StringLanguages {
  /** Code points a string may hold (UTF-8 cannot carry lone surrogates). */
  static final CodePointSet CHAR = CodePointSet.ALL.minus(CodePointSet.of(0xD800, 0xDFFF));
  private static final CodePointSet MUST_ESCAPE =
      CodePointSet.of(0, 0x1F).union(CodePointSet.single('"')).union(CodePointSet.single('\\'));

  private StringLanguages() {}

  /** Every decoded string. */
  static Automaton anyString() {
    return Operations.repeat(CHAR.toAutomaton());
  }

  /** Strings of {@code min} to {@code max} code points (max -1: unbounded). */
  static Automaton length(int min, int max) {
    Automaton c = CHAR.toAutomaton();
    return max < 0 ? Operations.repeat(c, min) : Operations.repeat(c, min, max);
  }

  /** Any JSON string text, quotes included, with every escape JSON allows. */
  static Automaton anyJsonString() {
    Automaton plain = CHAR.minus(MUST_ESCAPE).toAutomaton();
    Automaton hex = Automata.makeCharClass(new int[] {'0', 'A', 'a'}, new int[] {'9', 'F', 'f'});
    Automaton esc = Operations.union(List.of(
        Automata.makeCharSet("\"\\/bfnrt".codePoints().toArray()),
        NumberLanguages.cat(Automata.makeChar('u'), hex, hex, hex, hex)));
    Automaton ch = Operations.union(List.of(plain, NumberLanguages.cat(Automata.makeChar('\\'), esc)));
    Automaton q = Automata.makeChar('"');
    return NumberLanguages.cat(q, Operations.repeat(ch), q);
  }

  /** The canonical JSON texts (quotes included) of the strings in {@code decoded}. */
  static Automaton encode(Automaton decoded) {
    if (Operations.isEmpty(decoded)) {
      return Automata.makeEmpty();
    }
    Automaton in = Operations.removeDeadStates(decoded);
    Automaton out = new Automaton();
    int n = in.getNumStates();
    int start = out.createState(); // opening quote
    for (int s = 0; s < n; s++) {
      out.createState(); // state s of the input is s + 1
    }
    int end = out.createState();
    out.setAccept(end, true);
    // Escape paths need their own intermediate states, created up front so transitions stay grouped by
    // source state (Lucene's builder requires it): collect them first.
    Transition t = new Transition();
    java.util.List<int[]> pending = new java.util.ArrayList<>(); // {src, min, max, dest}
    java.util.List<int[]> escapes = new java.util.ArrayList<>(); // {src, codePoint, dest}
    for (int s = 0; s < n; s++) {
      int cnt = in.initTransition(s, t);
      for (int i = 0; i < cnt; i++) {
        in.getNextTransition(t);
        CodePointSet range = CodePointSet.of(t.min, t.max).intersect(CHAR);
        CodePointSet direct = range.minus(MUST_ESCAPE);
        for (int k = 0; k < direct.intervals(); k++) {
          pending.add(new int[] {s + 1, direct.lo(k), direct.hi(k), t.dest + 1});
        }
        CodePointSet esc = range.intersect(MUST_ESCAPE);
        for (int k = 0; k < esc.intervals(); k++) {
          for (int cp = esc.lo(k); cp <= esc.hi(k); cp++) {
            escapes.add(new int[] {s + 1, cp, t.dest + 1});
          }
        }
      }
      if (in.isAccept(s)) {
        pending.add(new int[] {s + 1, '"', '"', end});
      }
    }
    pending.add(new int[] {start, '"', '"', 1}); // input state 0 is the initial state
    // Paths of escape sequences: first char from the source, the rest through fresh states.
    for (int[] e : escapes) {
      String seq = escape(e[1]);
      int prev = e[0];
      for (int i = 0; i < seq.length(); i++) {
        int to = i == seq.length() - 1 ? e[2] : out.createState();
        pending.add(new int[] {prev, seq.charAt(i), seq.charAt(i), to});
        prev = to;
      }
    }
    pending.sort((x, y) -> Integer.compare(x[0], y[0]));
    for (int[] p : pending) {
      out.addTransition(p[0], p[3], p[1], p[2]);
    }
    out.finishState();
    return out;
  }

  /** Jackson's escape of a character that must be escaped. */
  static String escape(int cp) {
    return switch (cp) {
      case '"' -> "\\\"";
      case '\\' -> "\\\\";
      case '\b' -> "\\b";
      case '\f' -> "\\f";
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      default -> String.format("\\u%04X", cp);
    };
  }

  /** The canonical JSON text of a string. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints().forEach(cp -> {
      if (MUST_ESCAPE.contains(cp)) {
        sb.append(escape(cp));
      } else {
        sb.appendCodePoint(cp);
      }
    });
    return sb.append('"').toString();
  }

  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
  private static final String H16 = "[0-9a-fA-F]{1,4}";
  private static final String LEAP_YEAR =
      "([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)";
  private static final String DATE = "([0-9]{4}-(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])"
      + "|[0-9]{4}-(0[469]|11)-(0[1-9]|[12][0-9]|30)"
      + "|[0-9]{4}-02-(0[1-9]|1[0-9]|2[0-8])"
      + "|" + LEAP_YEAR + "-02-29)";
  // Validators check top-level domains against the real list: a few common ones keep emails valid.
  private static final String TLD = "(com|org|net|edu|gov|io|dev|info|de|fr|uk|jp|nl|ch)";
  // Leap seconds (:60) are left out, and offsets stay within ±12:59: a strict subset is always safe.
  private static final String TIME_OF_DAY = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?";
  private static final String OFFSET = "(Z|[+-](0[0-9]|1[0-2]):[0-5][0-9])";
  // A bare time is written in UTC: validators in common use refuse a time whose offset moves it past
  // midnight, which RFC 3339 allows, so the grammar stays on the side every validator accepts.
  private static final String TIME = TIME_OF_DAY + "Z";

  private static String ipv6() {
    // Full form, and every '::' compression with k groups before and m after (k + m ≤ 7).
    StringBuilder sb = new StringBuilder("(" + H16 + "(:" + H16 + "){7}");
    for (int k = 0; k <= 7; k++) {
      for (int m = 0; k + m <= 7; m++) {
        sb.append('|');
        sb.append(k == 0 ? "" : H16 + (k > 1 ? "(:" + H16 + "){" + (k - 1) + "}" : ""));
        sb.append("::");
        sb.append(m == 0 ? "" : H16 + (m > 1 ? "(:" + H16 + "){" + (m - 1) + "}" : ""));
      }
    }
    return sb.append(')').toString();
  }

  /** Formats this compiler asserts, as Java regular expressions over the decoded string. */
  static final Map<String, String> FORMATS = Map.of(
      "date", DATE,
      "time", TIME,
      "date-time", DATE + "T" + TIME_OF_DAY + OFFSET,
      "email", "[A-Za-z0-9_%+-]+(\\.[A-Za-z0-9_%+-]+)*@(" + LABEL + "\\.)+" + TLD,
      "uuid", "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
      "uri", "[A-Za-z][A-Za-z0-9+.-]*:(//(" + LABEL + "(\\." + LABEL + ")*)(:[0-9]{1,5})?)?"
          + "(/([A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})*)*"
          + "(\\?([A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*)?"
          + "(#([A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*)?",
      "ipv4", OCTET + "(\\." + OCTET + "){3}",
      "ipv6", ipv6(),
      "hostname", LABEL + "(\\." + LABEL + ")*");

  /** The decoded strings of a supported format, or null when the format is not supported. */
  static Automaton format(String name) {
    String re = FORMATS.get(name);
    return re == null ? null : RegexCompiler.fullMatch(re);
  }
}
