package dev.sieve.grammars.regex;

import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.util.automaton.Automata;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.Operations;

/**
 * Compiles a regular expression in the syntax users write (Java or ECMAScript style) into a Lucene
 * {@link Automaton} over Unicode code points.
 *
 * <p>Supported: literals; escapes {@code \d \w \s \D \W \S \n \t \r \f \v \e \a \0 \cX \xhh \x{h..} &#92;uhhhh
 * &#92;u{h..}} and escaped punctuation; classes {@code [...]} with ranges, negation and escapes; {@code .};
 * quantifiers {@code * + ? {m} {m,} {m,n}} and their lazy forms (laziness changes which match is found,
 * never which strings match as a whole); groups {@code (...)}, {@code (?:...)}, named groups
 * {@code (?<name>...)}; alternation; {@code ^} at the start and {@code $} at the end of a top-level
 * alternative; Java's {@code \Q...\E}.
 *
 * <p>Rejected with a {@link RegexSyntaxException} naming the position: back-references, look-around,
 * word boundaries, inline flags, atomic groups, possessive quantifiers (they change which strings match),
 * Unicode property classes, anchors anywhere else, and repeat bounds above {@value #MAX_REPEAT}.
 *
 * <p>Two modes: {@link #fullMatch} (the whole string must match, like {@code Matcher.matches()}) and
 * {@link #search} (the pattern may match anywhere unless anchored, like JSON Schema's {@code pattern}).
 */
public final class RegexCompiler {
  /** Largest bound a counted repetition may have. */
  public static final int MAX_REPEAT = 1000;
  /** Largest automaton (states) a pattern may produce before it is refused as too large. */
  public static final int MAX_STATES = 200_000;

  /** Which regex flavour decides the meaning of escapes, classes and {@code .}. */
  public enum Dialect {
    /** {@code java.util.regex.Pattern} without flags. */
    JAVA,
    /** ECMA-262 with the {@code u} flag (code-point semantics), as JSON Schema's {@code pattern} uses. */
    ECMASCRIPT
  }

  private static final CodePointSet DIGIT = CodePointSet.of('0', '9');
  private static final CodePointSet WORD =
      CodePointSet.ofRanges('a', 'z', 'A', 'Z', '0', '9', '_', '_');
  private static final CodePointSet JAVA_SPACE = CodePointSet.chars(" \t\n\u000B\f\r");
  private static final CodePointSet ECMA_SPACE =
      CodePointSet.chars(" \t\n\u000B\f\r\u00A0\u1680\u2028\u2029\u202F\u205F\u3000\uFEFF")
          .union(CodePointSet.of(0x2000, 0x200A));
  private static final CodePointSet JAVA_DOT = CodePointSet.chars("\n\r\u0085\u2028\u2029").complement();
  private static final CodePointSet ECMA_DOT = CodePointSet.chars("\n\r\u2028\u2029").complement();
  private static final CodePointSet JAVA_HSPACE =
      CodePointSet.chars(" \t\u00A0\u1680\u180E\u202F\u205F\u3000").union(CodePointSet.of(0x2000, 0x200A));
  private static final CodePointSet JAVA_VSPACE = CodePointSet.chars("\n\u000B\f\r\u0085\u2028\u2029");

  private final String pattern;
  private final Dialect dialect;
  private int pos;

  private RegexCompiler(String pattern, Dialect dialect) {
    this.pattern = pattern;
    this.dialect = dialect;
  }

  /** Strings that match {@code pattern} as a whole (Java syntax), like {@code Pattern.matches}. */
  public static Automaton fullMatch(String pattern) {
    return compile(pattern, Dialect.JAVA, false);
  }

  /** Strings in which {@code pattern} matches somewhere (unless anchored with ^ / $). */
  public static Automaton search(String pattern, Dialect dialect) {
    return compile(pattern, dialect, true);
  }

  /**
   * @param search whether the pattern may match a substring: unanchored ends get any text around them
   */
  public static Automaton compile(String pattern, Dialect dialect, boolean search) {
    RegexCompiler c = new RegexCompiler(pattern, dialect);
    List<Alternative> alts = c.parseTop();
    List<Automaton> parts = new ArrayList<>();
    Automaton any = Operations.repeat(CodePointSet.ALL.toAutomaton());
    for (Alternative a : alts) {
      if (search) {
        List<Automaton> seq = new ArrayList<>();
        if (!a.startAnchored) {
          seq.add(any);
        }
        seq.add(a.body);
        if (!a.endAnchored) {
          seq.add(any);
        }
        parts.add(Operations.concatenate(seq));
      } else {
        parts.add(a.body);
      }
    }
    Automaton result = parts.size() == 1 ? parts.get(0) : Operations.union(parts);
    return Operations.removeDeadStates(result);
  }

  private record Alternative(Automaton body, boolean startAnchored, boolean endAnchored) {}

  private RegexSyntaxException error(String reason, int at) {
    return new RegexSyntaxException(reason, pattern, at);
  }

  private boolean more() {
    return pos < pattern.length();
  }

  private int peek() {
    return pattern.codePointAt(pos);
  }

  private int next() {
    int c = pattern.codePointAt(pos);
    pos += Character.charCount(c);
    return c;
  }

  private boolean lookingAt(String s) {
    return pattern.startsWith(s, pos);
  }

  private List<Alternative> parseTop() {
    List<Alternative> alts = new ArrayList<>();
    while (true) {
      boolean start = false;
      while (more() && peek() == '^') {
        pos++;
        start = true;
      }
      Automaton body = parseConcat(true);
      boolean end = false;
      while (more() && peek() == '$') {
        pos++;
        end = true;
      }
      if (end && more() && peek() != '|') {
        throw error("'$' is supported only at the end of the pattern or of a top-level alternative", pos - 1);
      }
      alts.add(new Alternative(body, start, end));
      if (!more()) {
        return alts;
      }
      if (peek() == '|') {
        pos++;
        continue;
      }
      if (peek() == ')') {
        throw error("unbalanced ')'", pos);
      }
      throw error("unexpected character", pos);
    }
  }

  /** Alternatives inside a group, up to (not including) the closing parenthesis. */
  private Automaton parseAlternation() {
    List<Automaton> alts = new ArrayList<>();
    while (true) {
      alts.add(parseConcat(false));
      if (more() && peek() == '|') {
        pos++;
        continue;
      }
      return alts.size() == 1 ? alts.get(0) : Operations.union(alts);
    }
  }

  private Automaton parseConcat(boolean top) {
    List<Automaton> items = new ArrayList<>();
    while (more()) {
      int c = peek();
      if (c == '|' || c == ')') {
        break;
      }
      if (c == '$' && top) {
        break;
      }
      if (c == '^' || c == '$') {
        throw error(
            "anchor '" + (char) c + "' is supported only at the start/end of the pattern or of a top-level alternative",
            pos);
      }
      int atomStart = pos;
      Automaton atom;
      if (dialect == Dialect.JAVA && lookingAt("\\Q")) {
        // quoted text: a quantifier after \E applies to its last character only
        pos += 2;
        int end = pattern.indexOf("\\E", pos);
        String lit = end < 0 ? pattern.substring(pos) : pattern.substring(pos, end);
        pos = end < 0 ? pattern.length() : end + 2;
        if (lit.isEmpty()) {
          continue;
        }
        int last = lit.offsetByCodePoints(lit.length(), -1);
        items.add(Automata.makeString(lit.substring(0, last)));
        atom = Automata.makeString(lit.substring(last));
      } else {
        atom = parseAtom();
      }
      atom = parseQuantifiers(atom, atomStart);
      items.add(atom);
    }
    if (items.isEmpty()) {
      return Automata.makeEmptyString();
    }
    return checkSize(items.size() == 1 ? items.get(0) : Operations.concatenate(items), pos);
  }

  private Automaton checkSize(Automaton a, int at) {
    if (a.getNumStates() > MAX_STATES) {
      throw error("pattern too large (more than " + MAX_STATES + " automaton states)", at);
    }
    return a;
  }

  private Automaton parseQuantifiers(Automaton atom, int atomStart) {
    boolean quantified = false;
    while (more()) {
      int c = peek();
      int qStart = pos;
      int min;
      int max;
      if (c == '*') {
        pos++;
        min = 0;
        max = -1;
      } else if (c == '+') {
        pos++;
        min = 1;
        max = -1;
      } else if (c == '?') {
        pos++;
        min = 0;
        max = 1;
      } else if (c == '{') {
        int[] b = parseBraces();
        min = b[0];
        max = b[1];
      } else {
        break;
      }
      if (quantified) {
        throw error("a quantifier may not follow another quantifier", qStart);
      }
      quantified = true;
      if (more() && peek() == '?') {
        pos++; // lazy: same set of whole-string matches
      } else if (more() && peek() == '+') {
        throw error("possessive quantifiers are not supported (they change which strings match)", pos);
      }
      atom = max < 0 ? Operations.repeat(atom, min) : Operations.repeat(atom, min, max);
      atom = checkSize(atom, qStart);
    }
    return atom;
  }

  private int[] parseBraces() {
    int start = pos;
    pos++; // {
    int min = parseInt(start);
    int max;
    if (more() && peek() == ',') {
      pos++;
      if (more() && peek() == '}') {
        max = -1;
      } else {
        max = parseInt(start);
      }
    } else {
      max = min;
    }
    if (!more() || peek() != '}') {
      throw error("malformed counted repetition '{'", start);
    }
    pos++;
    if (max >= 0 && max < min) {
      throw error("repetition {" + min + "," + max + "} has max below min", start);
    }
    if (min > MAX_REPEAT || max > MAX_REPEAT) {
      throw error("repetition bound above " + MAX_REPEAT, start);
    }
    return new int[] {min, max};
  }

  private int parseInt(int braceStart) {
    int s = pos;
    while (more() && peek() >= '0' && peek() <= '9') {
      pos++;
    }
    if (s == pos) {
      throw error("malformed counted repetition '{' (use \\{ for a literal brace)", braceStart);
    }
    if (pos - s > 6) {
      throw error("repetition bound above " + MAX_REPEAT, braceStart);
    }
    return Integer.parseInt(pattern.substring(s, pos));
  }

  private Automaton parseAtom() {
    int start = pos;
    int c = next();
    switch (c) {
      case '(':
        return parseGroup(start);
      case '[':
        return parseClass(start).toAutomaton();
      case '.':
        return (dialect == Dialect.JAVA ? JAVA_DOT : ECMA_DOT).toAutomaton();
      case '\\':
        return parseEscape(start, false).toAutomaton();
      case '*':
      case '+':
      case '?':
        throw error("quantifier '" + (char) c + "' has nothing to repeat", start);
      case '{':
        throw error("'{' does not start a valid repetition (use \\{ for a literal brace)", start);
      default:
        return CodePointSet.single(c).toAutomaton();
    }
  }

  private Automaton parseGroup(int start) {
    if (lookingAt("?")) {
      pos++;
      if (lookingAt(":")) {
        pos++;
      } else if (lookingAt("<=") || lookingAt("<!")) {
        throw error("look-behind is not supported", start);
      } else if (lookingAt("=") || lookingAt("!")) {
        throw error("look-ahead is not supported", start);
      } else if (lookingAt("<") || lookingAt("P<")) {
        if (lookingAt("P<")) {
          if (dialect == Dialect.JAVA) {
            throw error("(?P<name>...) is not Java syntax; use (?<name>...)", start);
          }
          pos++;
        }
        pos++;
        int nameStart = pos;
        while (more() && (Character.isLetterOrDigit(peek()) || peek() == '_')) {
          pos++;
        }
        if (pos == nameStart || !more() || peek() != '>') {
          throw error("malformed group name", start);
        }
        pos++;
      } else if (lookingAt(">")) {
        throw error("atomic groups are not supported", start);
      } else {
        throw error("inline flags and other (?...) constructs are not supported", start);
      }
    }
    Automaton body = parseAlternation();
    if (!more() || peek() != ')') {
      throw error("unclosed group '('", start);
    }
    pos++;
    return body;
  }

  private CodePointSet parseClass(int start) {
    boolean negated = false;
    if (more() && peek() == '^') {
      pos++;
      negated = true;
    }
    CodePointSet set = CodePointSet.EMPTY;
    boolean first = true;
    while (true) {
      if (!more()) {
        throw error("unclosed character class '['", start);
      }
      int c = peek();
      if (c == ']' && !(first && dialect == Dialect.JAVA)) {
        pos++;
        break;
      }
      first = false;
      if (c == '[') {
        if (dialect == Dialect.JAVA) {
          throw error("nested character classes are not supported", pos);
        }
      }
      if (dialect == Dialect.JAVA && lookingAt("&&")) {
        throw error("class intersection '&&' is not supported", pos);
      }
      int itemStart = pos;
      CodePointSet item = parseClassAtom();
      if (more() && peek() == '-' && pos + 1 < pattern.length() && pattern.charAt(pos + 1) != ']') {
        int dash = pos;
        pos++;
        int hiStart = pos;
        CodePointSet hi = parseClassAtom();
        if (!isSingle(item) || !isSingle(hi)) {
          throw error("a range needs single characters at both ends", dash);
        }
        int lo = item.lo(0);
        int h = hi.lo(0);
        if (h < lo) {
          throw error("range out of order", hiStart);
        }
        item = CodePointSet.of(lo, h);
      } else if (itemStart == pos) {
        throw error("empty class item", pos);
      }
      set = set.union(item);
    }
    return negated ? set.complement() : set;
  }

  private static boolean isSingle(CodePointSet s) {
    return s.intervals() == 1 && s.lo(0) == s.hi(0);
  }

  private CodePointSet parseClassAtom() {
    int start = pos;
    int c = next();
    if (c == '\\') {
      return parseEscape(start, true);
    }
    return CodePointSet.single(c);
  }

  /** After a backslash (at {@code start}). */
  private CodePointSet parseEscape(int start, boolean inClass) {
    if (!more()) {
      throw error("pattern ends with a lone backslash", start);
    }
    int c = next();
    switch (c) {
      case 'd':
        return DIGIT;
      case 'D':
        return DIGIT.complement();
      case 'w':
        return WORD;
      case 'W':
        return WORD.complement();
      case 's':
        return space();
      case 'S':
        return space().complement();
      case 'n':
        return CodePointSet.single('\n');
      case 't':
        return CodePointSet.single('\t');
      case 'r':
        return CodePointSet.single('\r');
      case 'f':
        return CodePointSet.single('\f');
      case 'v':
        return dialect == Dialect.JAVA ? JAVA_VSPACE : CodePointSet.single(0x0B);
      case 'V':
        if (dialect == Dialect.JAVA) {
          return JAVA_VSPACE.complement();
        }
        break;
      case 'h':
        if (dialect == Dialect.JAVA) {
          return JAVA_HSPACE;
        }
        break;
      case 'H':
        if (dialect == Dialect.JAVA) {
          return JAVA_HSPACE.complement();
        }
        break;
      case 'e':
        if (dialect == Dialect.JAVA) {
          return CodePointSet.single(0x1B);
        }
        break;
      case 'a':
        if (dialect == Dialect.JAVA) {
          return CodePointSet.single(0x07);
        }
        break;
      case 'b':
        if (inClass && dialect == Dialect.ECMASCRIPT) {
          return CodePointSet.single(0x08);
        }
        throw error("word boundaries (\\b) are not supported", start);
      case 'B':
        throw error("word boundaries (\\B) are not supported", start);
      case '0':
        if (dialect == Dialect.JAVA) {
          int v = 0;
          int n = 0;
          while (n < 3 && more() && peek() >= '0' && peek() <= '7') {
            int nv = v * 8 + (next() - '0');
            if (nv > 0377) {
              pos--;
              break;
            }
            v = nv;
            n++;
          }
          if (n == 0) {
            throw error("illegal octal escape", start);
          }
          return CodePointSet.single(v);
        }
        if (more() && peek() >= '0' && peek() <= '9') {
          throw error("octal escapes are not supported in ECMAScript patterns", start);
        }
        return CodePointSet.single(0);
      case 'c':
        if (!more()) {
          throw error("incomplete control escape \\c", start);
        }
        int l = next();
        if (!((l >= 'a' && l <= 'z') || (l >= 'A' && l <= 'Z'))) {
          throw error("\\c must be followed by a letter", start);
        }
        return CodePointSet.single(l % 32);
      case 'x':
        if (more() && peek() == '{') {
          return CodePointSet.single(braceHex(start));
        }
        return CodePointSet.single(fixedHex(2, start));
      case 'u':
        if (more() && peek() == '{') {
          if (dialect == Dialect.JAVA) {
            throw error("\\u{...} is not Java syntax; use \\x{...}", start);
          }
          return CodePointSet.single(braceHex(start));
        }
        int u = fixedHex(4, start);
        if (Character.isHighSurrogate((char) u) && lookingAt("\\u")) {
          int save = pos;
          pos += 2;
          int lo = fixedHex(4, start);
          if (Character.isLowSurrogate((char) lo)) {
            return CodePointSet.single(Character.toCodePoint((char) u, (char) lo));
          }
          pos = save;
        }
        if (u >= 0xD800 && u <= 0xDFFF) {
          throw error("a lone surrogate \\u" + Integer.toHexString(u) + " can never match", start);
        }
        return CodePointSet.single(u);
      case 'p':
      case 'P':
        throw error("Unicode property classes (\\p{...}) are not supported", start);
      case 'k':
        throw error("named back-references are not supported", start);
      case 'A':
      case 'z':
      case 'Z':
      case 'G':
        throw error("anchor \\" + (char) c + " is not supported; use ^ and $", start);
      case 'R':
      case 'X':
      case 'N':
        break;
      default:
        if (c >= '1' && c <= '9') {
          throw error("back-references are not supported", start);
        }
        if (c < 128 && !Character.isLetterOrDigit(c)) {
          return CodePointSet.single(c);
        }
        if (c >= 128 && dialect == Dialect.JAVA && !Character.isLetter(c)) {
          return CodePointSet.single(c);
        }
    }
    throw error("unsupported escape \\" + new String(Character.toChars(c)), start);
  }

  private CodePointSet space() {
    return dialect == Dialect.JAVA ? JAVA_SPACE : ECMA_SPACE;
  }

  private int fixedHex(int digits, int start) {
    if (pos + digits > pattern.length()) {
      throw error("incomplete hex escape", start);
    }
    String h = pattern.substring(pos, pos + digits);
    for (int i = 0; i < h.length(); i++) {
      if (Character.digit(h.charAt(i), 16) < 0) {
        throw error("malformed hex escape", start);
      }
    }
    pos += digits;
    return Integer.parseInt(h, 16);
  }

  private int braceHex(int start) {
    pos++; // {
    int s = pos;
    while (more() && Character.digit(peek(), 16) >= 0) {
      pos++;
    }
    if (s == pos || !more() || peek() != '}' || pos - s > 6) {
      throw error("malformed hex escape", start);
    }
    int v = Integer.parseInt(pattern.substring(s, pos), 16);
    pos++;
    if (v > Character.MAX_CODE_POINT) {
      throw error("code point out of range", start);
    }
    if (v >= 0xD800 && v <= 0xDFFF) {
      throw error("a lone surrogate can never match", start);
    }
    return v;
  }
}
