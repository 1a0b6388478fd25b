package dev.sieve.grammars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.logits.TokenMask;
import dev.sieve.decoding.tokenizer.TiktokenTokenizer;
import dev.sieve.decoding.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

class JsonSmokeTest {
  @Test
  void acceptsAJsonDocumentTokenByTokenAndAllowsEndOfSequenceOnlyAtTheEnd() {
    Tokenizer tok = TiktokenTokenizer.named("o200k");
    CompiledGrammar cg = GrammarCompiler.compile(BundledGrammars.load("json"), tok.vocabulary());
    GrammarMatcher m = cg.newMatcher();
    String text = "{\"a\": [1, 2.5e3, true, null], \"b\": \"x\u00e9\\n\"}";
    int[] ids = tok.encode(text);
    TokenMask mask = new TokenMask(tok.vocabulary().size());
    int eos = tok.vocabulary().eosTokenIds()[0];
    for (int id : ids) {
      assertFalse(m.isAllowed(eos), "end of sequence before the document is complete");
      m.fillMask(mask);
      assertTrue(mask.isAllowed(id), "mask allows the next token " + id);
      assertTrue(m.isAllowed(id));
      assertTrue(m.acceptToken(id));
    }
    assertTrue(m.isComplete());
    assertTrue(m.isFinished(), "only trailing whitespace could follow a complete document");
    m.fillMask(mask);
    assertTrue(mask.isAllowed(eos));
  }

  @Test
  void rejectsTokensThatCannotContinue() {
    Tokenizer tok = TiktokenTokenizer.named("o200k");
    CompiledGrammar cg = GrammarCompiler.compile(BundledGrammars.load("json"), tok.vocabulary());
    GrammarMatcher m = cg.newMatcher();
    assertTrue(m.acceptString("{\"a\""));
    int[] colon = tok.encode(":");
    int[] comma = tok.encode(",");
    assertFalse(m.isAllowed(comma[0]));
    assertFalse(m.acceptToken(comma[0]));
    assertTrue(m.acceptToken(colon[0]));
    assertEquals(2, m.length());
  }
}
