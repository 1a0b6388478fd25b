package dev.sieve.grammars.regex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.CharacterRunAutomaton;
import org.apache.lucene.util.automaton.Operations;
import org.apache.lucene.util.automaton.Transition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegexCompilerTest {
  static final String ALPHABET = "abcxyAZ09_-. \t\n\r@é😀😁\u0000\u0100\u00A0\u0085\u2028{}[]()$^|\\/\u001b\u0007";

  @ParameterizedTest
  @ValueSource(strings = {
    "abc", "a|b|", "a*b+c?", "(ab)*", "(?:a|bc){2,3}", "a{3}", "a{2,}", "x{0,2}y", "[a-c]+", "[^a-c]*",
    "[-a]", "[a-]", "[\\d\\s]+", "\\D\\W\\S", "\\w+@\\w+\\.com", ".*", "a.c", "\\.", "\\u00e9+", "\\x41\\x{1F600}",
    "\\t\\n\\r\\f", "(?<year>\\d{4})-(?<m>\\d\\d)", "^abc$", "^(a|b)*$", "colou?r", "[\\u0100-\\u017F]{1,3}",
    "(a|ab)(c|bcd)(d*)", "[]a]+", "a*?b", "(a+)+", "\\Qa.b\\E+", "[^\\n]+", "\\v", "[\\x00-\\x1f]",
    "(\\d+(\\.\\d+)?|\\.\\d+)([eE][+-]?\\d+)?", "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}", "\\$\\^\\(\\)\\[\\]\\{\\}\\|\\\\\\/",
    "😀+[😀-😂]", "\\cA", "\\0101", "\\h\\H", "(|a)+", "()", "a{0}", "[^\\D]", "\\e\\a", "a+?", "(?:x|y){1,2}?z"
  })
  void agreesWithJavaRegexOnSeededRandomStrings(String pattern) {
    Pattern java = Pattern.compile(pattern);
    Automaton a = RegexCompiler.fullMatch(pattern);
    CharacterRunAutomaton run = new CharacterRunAutomaton(Operations.determinize(a, 100_000));
    Random rnd = new Random(pattern.hashCode());
    int[] alphabet = (ALPHABET + pattern).codePoints().toArray();
    int matched = 0;
    for (int i = 0; i < 3000; i++) {
      String s = i < 1500 ? randomString(rnd, alphabet) : sample(a, rnd);
      if (s == null) {
        continue;
      }
      boolean expected = java.matcher(s).matches();
      assertEquals(expected, run.run(s), () -> "pattern /" + pattern + "/ on " + escape(s));
      if (expected) {
        matched++;
      }
    }
    if (!Operations.isEmpty(a)) {
      assertTrue(matched > 0, "no matching string tried for /" + pattern + "/");
    }
  }

  @Test
  void searchModeMatchesLikeFind() {
    String[] patterns = {"ab", "^ab", "ab$", "^a|b$", "\\d{2}", "^$", "a|^b"};
    Random rnd = new Random(7);
    int[] alphabet = "ab12x".codePoints().toArray();
    for (String p : patterns) {
      Pattern java = Pattern.compile(p);
      CharacterRunAutomaton run =
          new CharacterRunAutomaton(Operations.determinize(RegexCompiler.search(p, RegexCompiler.Dialect.JAVA), 100_000));
      for (int i = 0; i < 500; i++) {
        String s = randomString(rnd, alphabet);
        assertEquals(java.matcher(s).find(), run.run(s), () -> "/" + p + "/ find on " + escape(s));
      }
    }
  }

  @Test
  void ecmascriptDialectUsesEcmaClasses() {
    CharacterRunAutomaton space =
        new CharacterRunAutomaton(Operations.determinize(
            RegexCompiler.compile("\\s", RegexCompiler.Dialect.ECMASCRIPT, false), 10_000));
    assertTrue(space.run("\u00A0"));
    assertTrue(space.run("\uFEFF"));
    assertFalse(space.run("a"));
    CharacterRunAutomaton dot =
        new CharacterRunAutomaton(Operations.determinize(
            RegexCompiler.compile(".", RegexCompiler.Dialect.ECMASCRIPT, false), 10_000));
    assertTrue(dot.run("\u0085"));
    assertFalse(dot.run("\n"));
    assertTrue(dot.run("😀"), "code-point semantics");
    CharacterRunAutomaton emptyClass =
        new CharacterRunAutomaton(Operations.determinize(
            RegexCompiler.compile("[]a", RegexCompiler.Dialect.ECMASCRIPT, false), 10_000));
    assertFalse(emptyClass.run("]a"));
    assertFalse(emptyClass.run("a"));
  }

  @Test
  void unsupportedConstructsAreClearErrorsWithPositions() {
    assertError("(a)\\1", 3, "back-references");
    assertError("a(?=b)", 1, "look-ahead");
    assertError("a(?<!b)", 1, "look-behind");
    assertError("(?i)a", 0, "inline flags");
    assertError("a\\bc", 1, "word boundaries");
    assertError("a++", 2, "possessive");
    assertError("a^b", 1, "anchor");
    assertError("a$b", 1, "'$'");
    assertError("(a", 0, "unclosed group");
    assertError("a)", 1, "unbalanced");
    assertError("[ab", 0, "unclosed character class");
    assertError("*a", 0, "nothing to repeat");
    assertError("a{2,1}", 1, "max below min");
    assertError("a{5000}", 1, "above " + RegexCompiler.MAX_REPEAT);
    assertError("a{x}", 1, "malformed counted repetition");
    assertError("[z-a]", 3, "out of order");
    assertError("\\p{L}", 0, "Unicode property");
    assertError("(?>a)", 0, "atomic");
    assertError("a**", 2, "another quantifier");
    assertError("abc\\", 3, "lone backslash");
    assertError("\\k<n>", 0, "back-references");
  }

  private static void assertError(String pattern, int index, String words) {
    RegexSyntaxException e = assertThrows(RegexSyntaxException.class, () -> RegexCompiler.fullMatch(pattern));
    assertEquals(index, e.index(), e.getMessage());
    assertTrue(e.getMessage().contains(words), e.getMessage());
    assertTrue(e.getMessage().contains(pattern), e.getMessage());
  }

  static String randomString(Random rnd, int[] alphabet) {
    int len = rnd.nextInt(8);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      sb.appendCodePoint(alphabet[rnd.nextInt(alphabet.length)]);
    }
    return sb.toString();
  }

  /** A random walk over the automaton's transitions, stopping in an accepting state; null on a dead end. */
  static String sample(Automaton a, Random rnd) {
    StringBuilder sb = new StringBuilder();
    int state = 0;
    Transition t = new Transition();
    for (int steps = 0; steps < 40; steps++) {
      int n = a.getNumTransitions(state);
      if (a.isAccept(state) && (n == 0 || rnd.nextInt(4) == 0)) {
        return sb.toString();
      }
      if (n == 0) {
        return null;
      }
      a.getTransition(state, rnd.nextInt(n), t);
      int cp = t.min + (t.max > t.min ? rnd.nextInt(Math.min(t.max - t.min + 1, 1 << 20)) : 0);
      if (cp >= 0xD800 && cp <= 0xDFFF) {
        return null;
      }
      sb.appendCodePoint(cp);
      state = t.dest;
    }
    return a.isAccept(state) ? sb.toString() : null;
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints().forEach(c -> {
      if (c < 0x20 || c > 0x7e) {
        sb.append(String.format("\\u{%X}", c));
      } else {
        sb.append((char) c);
      }
    });
    return sb.append('"').toString();
  }
}
