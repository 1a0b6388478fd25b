package dev.sieve.grammars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.logits.TokenMask;
import dev.sieve.decoding.tokenizer.TiktokenTokenizer;
import dev.sieve.decoding.tokenizer.Tokenizer;
import dev.sieve.grammars.regex.RegexSyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Constraints entry point: choice, regex, JSON Schema and ANTLR grammars through one engine. */
class ConstraintsTest {
  static final Tokenizer TOK = TiktokenTokenizer.named("cl100k");

  static boolean accepts(Grammar g, String text) {
    GrammarMatcher m = Constraints.compile(g, TOK.vocabulary()).newMatcher();
    for (int id : TOK.encode(text)) {
      if (!m.acceptToken(id)) {
        return false;
      }
    }
    return m.isComplete();
  }

  @Test
  void choiceAllowsExactlyTheListedStrings() {
    Grammar g = Constraints.choice("yes", "no", "not sure");
    assertTrue(accepts(g, "yes"));
    assertTrue(accepts(g, "not sure"));
    assertFalse(accepts(g, "not"), "a prefix of a choice is not complete");
    assertFalse(accepts(g, "yes!"));
    GrammarMatcher m = Constraints.compile(g, TOK.vocabulary()).newMatcher();
    assertTrue(m.acceptString("not"));
    assertFalse(m.isComplete());
    assertTrue(m.acceptString(" sure"));
    assertTrue(m.isFinished(), "nothing can follow a finished choice");
  }

  @Test
  void regexMustMatchTheWholeOutput() {
    Grammar g = Constraints.regex("(\\+[0-9]{1,3} )?[0-9]{3}-[0-9]{4}");
    assertTrue(accepts(g, "555-1234"));
    assertTrue(accepts(g, "+44 555-1234"));
    assertFalse(accepts(g, "555-12345"));
    assertFalse(accepts(g, "x555-1234"));
    RegexSyntaxException e = assertThrows(RegexSyntaxException.class, () -> Constraints.regex("(a)\\1"));
    assertTrue(e.getMessage().contains("back-reference") || e.getMessage().toLowerCase().contains("backreference"),
        e.getMessage());
    assertThrows(RegexSyntaxException.class, () -> Constraints.regex("a(?=b)"));
  }

  @Test
  void regexThatMatchesTheEmptyStringAllowsEndOfSequenceAtOnce() {
    Grammar g = Constraints.regex("a*");
    GrammarMatcher m = Constraints.compile(g, TOK.vocabulary()).newMatcher();
    assertTrue(m.isComplete());
    TokenMask mask = new TokenMask(TOK.vocabulary().size());
    m.fillMask(mask);
    assertTrue(mask.isAllowed(TOK.vocabulary().eosTokenIds()[0]));
    assertTrue(accepts(g, "aaaa"));
  }

  @Test
  void compiledGrammarsAreCachedPerVocabulary() {
    CompiledGrammar a = Constraints.compile(Constraints.choice("x", "y"), TOK.vocabulary());
    CompiledGrammar b = Constraints.compile(Constraints.choice("x", "y"), TOK.vocabulary());
    assertSame(a, b);
  }

  @Test
  void bundledGrammarsAndFilesWithTheFirstParserRuleAsDefaultStart(@TempDir Path dir) throws Exception {
    assertTrue(accepts(Constraints.grammar(List.of("json"), null), "{\"a\": [1, 2]}"));
    Path g4 = dir.resolve("Greeting.g4");
    Files.writeString(g4, "grammar Greeting;\ngreeting : 'hello' NAME ;\nNAME : [a-z]+ ;\nWS : ' ' -> skip ;\n");
    Grammar g = Constraints.grammar(List.of(g4.toString()), null);
    assertEquals("greeting", g.startRule());
    assertTrue(accepts(g, "hello world"));
    GrammarException missing = assertThrows(GrammarException.class,
        () -> Constraints.grammar(List.of(dir.resolve("nope.g4").toString()), null));
    assertTrue(missing.getMessage().contains("nope.g4"), missing.getMessage());
  }

  @Test
  void samplerGivesSentencesTheMatcherAccepts() {
    Grammar g = Constraints.regex("[a-c]{2,5}(-[0-9]+)?");
    GrammarSampler s = new GrammarSampler(g);
    CompiledGrammar cg = Constraints.compile(g, TOK.vocabulary());
    Random r = new Random(7);
    for (int i = 0; i < 50; i++) {
      String x = s.sample(cg, r, 5);
      assertTrue(x != null && x.matches("[a-c]{2,5}(-[0-9]+)?"), x);
    }
    assertEquals(new GrammarSampler(g).sample(new Random(3), 40), new GrammarSampler(g).sample(new Random(3), 40),
        "seeded");
  }
}
