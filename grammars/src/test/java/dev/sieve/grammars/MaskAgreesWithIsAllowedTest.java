package dev.sieve.grammars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.logits.TokenMask;
import dev.sieve.decoding.tokenizer.TiktokenTokenizer;
import dev.sieve.decoding.tokenizer.Vocabulary;
import dev.sieve.grammars.antlr.AntlrGrammarLoader;
import org.junit.jupiter.api.Test;

/** The mask and {@link GrammarMatcher#isAllowed} are two routes to one answer; they must agree on every token. */
class MaskAgreesWithIsAllowedTest {
  /**
   * A keyword that an identifier can extend with a non-ASCII letter (SQLite's lexer has this shape).
   * After {@code NULL}, the first byte of such a letter keeps the lexer inside the longer identifier
   * with bytes pending after the keyword; the keyword is allowed, but the identifier is not, and the
   * pending byte cannot start anything either. The mask once allowed those bytes from the keyword alone.
   */
  @Test
  void bytesPendingAfterAnAllowedKeywordAreCheckedAsTheyWouldBeLexedAgain() {
    Grammar g = AntlrGrammarLoader.fromString("""
        grammar K;
        s : SET NOT NULL ';' EOF ;
        SET : 'SET' ;
        NOT : 'NOT' ;
        NULL : 'NULL' ;
        ID : [A-Z_\\u007F-\\uFFFF] [A-Z_0-9\\u007F-\\uFFFF]* ;
        WS : [ \\n]+ -> skip ;
        """, "s");
    Vocabulary v = TiktokenTokenizer.named("o200k").vocabulary();
    GrammarMatcher m = GrammarCompiler.compile(g, v).newMatcher();
    assertTrue(m.acceptString("SET NOT NULL"));
    TokenMask mask = new TokenMask(v.size());
    m.fillMask(mask);
    int disagree = 0;
    int firstDisagreement = -1;
    for (int id = 0; id < v.size(); id++) {
      if (v.isSpecial(id) || v.isEos(id) || v.tokenBytes(id) == null) {
        continue;
      }
      if (mask.isAllowed(id) != m.isAllowed(id)) {
        disagree++;
        firstDisagreement = firstDisagreement < 0 ? id : firstDisagreement;
      }
    }
    assertEquals(0, disagree, "tokens where the mask and isAllowed disagree, first " + firstDisagreement);
    assertTrue(mask.cardinality() > 0, "';' (and whitespace) may follow");
    assertFalse(m.acceptBytes(new byte[] {(byte) 0xc3}), "a lone lead byte after NULL can only extend an identifier");
  }

  /**
   * Inside a JSON string the mask's lexeme-internal part is shared through the compiled grammar: a second
   * matcher (another sequence, another string, another length) in the same lexer context reuses it, and its
   * mask still agrees with isAllowed on every token of a 200k vocabulary.
   */
  @Test
  void theSharedLexemeInternalWalkGivesEachMatcherItsOwnRightMask() {
    Vocabulary v = TiktokenTokenizer.named("o200k").vocabulary();
    CompiledGrammar json = GrammarCompiler.compileUncached(BundledGrammars.load("json"), v,
        GrammarCompiler.Options.defaults());
    GrammarMatcher first = json.newMatcher();
    assertTrue(first.acceptString("{\"title\": \"The Red Emp"));
    TokenMask mask = new TokenMask(v.size());
    first.fillMask(mask);
    int entries = json.pureWalks.size();
    assertTrue(entries > 0);

    GrammarMatcher second = json.newMatcher();
    assertTrue(second.acceptString("{\"author\": \"Jo"));
    second.fillMask(mask);
    assertEquals(entries, json.pureWalks.size(), "the same lexer context reuses the walk");
    int allowed = 0;
    for (int id = 0; id < v.size(); id++) {
      if (v.isSpecial(id) || v.isEos(id) || v.tokenBytes(id) == null) {
        continue;
      }
      assertEquals(second.isAllowed(id), mask.isAllowed(id), "token " + id);
      allowed += mask.isAllowed(id) ? 1 : 0;
    }
    assertTrue(allowed > 100_000, "inside a string most tokens may follow, got " + allowed);
    assertTrue(mask.isAllowed(v.eosTokenIds()[0]) == second.isComplete());
  }
}
