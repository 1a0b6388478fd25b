package dev.sieve.grammars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.logits.TokenMask;
import dev.sieve.decoding.tokenizer.TiktokenTokenizer;
import dev.sieve.decoding.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

/**
 * Skipped text (whitespace, comments) between lexemes is capped, so a model cannot loop on whitespace
 * forever; the cap never makes a dead end, and text inside lexemes (a string's spaces) is not capped.
 */
class WhitespaceCapTest {
  private final Tokenizer tok = TiktokenTokenizer.named("o200k");

  private int single(String s) {
    int[] ids = tok.encode(s);
    assertEquals(1, ids.length, "'" + s + "' is one token");
    return ids[0];
  }

  @Test
  void theDefaultCapIsDocumentedAndApplied() {
    assertEquals(128, GrammarCompiler.Options.defaults().maxSkipBytes());
    CompiledGrammar cg = GrammarCompiler.compile(BundledGrammars.load("json"), tok.vocabulary());
    GrammarMatcher m = cg.newMatcher();
    assertTrue(m.acceptString("["));
    int space = single(" ");
    int accepted = 0;
    while (m.acceptToken(space)) {
      accepted++;
      assertTrue(accepted <= 128, "more than 128 bytes of whitespace accepted");
    }
    assertEquals(128, accepted);
  }

  @Test
  void pastTheCapOnlyNonSkippedTextIsAllowedAndTheMaskIsNeverEmpty() {
    CompiledGrammar cg = GrammarCompiler.compile(BundledGrammars.load("json"), tok.vocabulary(),
        GrammarCompiler.Options.defaults().withMaxSkipBytes(16));
    GrammarMatcher m = cg.newMatcher();
    assertTrue(m.acceptString("{"));
    int fourSpaces = single("    ");
    for (int i = 0; i < 4; i++) {
      assertTrue(m.isAllowed(fourSpaces), "within the cap, step " + i);
      assertTrue(m.acceptToken(fourSpaces));
    }
    assertFalse(m.isAllowed(fourSpaces), "16 bytes of whitespace reached");
    assertFalse(m.isAllowed(single(" ")));
    TokenMask mask = new TokenMask(tok.vocabulary().size());
    m.fillMask(mask);
    assertTrue(mask.cardinality() > 0);
    assertFalse(mask.isAllowed(fourSpaces));
    int quote = single("\"");
    assertTrue(mask.isAllowed(quote), "a key may still start");
    assertTrue(m.isAllowed(quote));
    assertTrue(m.acceptToken(quote));
    // Inside a string, spaces are part of the lexeme: no cap.
    for (int i = 0; i < 20; i++) {
      assertTrue(m.acceptToken(fourSpaces), "spaces inside a string, step " + i);
    }
    assertTrue(m.acceptString("\":"));
    // The run of skipped text starts again after each lexeme the parser sees.
    for (int i = 0; i < 4; i++) {
      assertTrue(m.acceptToken(fourSpaces));
    }
    assertFalse(m.isAllowed(fourSpaces));
  }
}
