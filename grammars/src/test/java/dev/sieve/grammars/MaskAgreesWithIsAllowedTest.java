package dev.sieve.grammars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.logits.TokenMask;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.tokenizer.HuggingFaceTokenizer;
import dev.sieve.decoding.tokenizer.TiktokenTokenizer;
import dev.sieve.decoding.tokenizer.Tokenizer;
import dev.sieve.decoding.tokenizer.Vocabulary;
import dev.sieve.grammars.antlr.AntlrGrammarLoader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /**
   * Every token at every position, for sentences of each bundled grammar sampled with whitespace between
   * their lexemes, on the bundled vocabulary, with the default whitespace cap and a cap of 3 bytes (so
   * that the walk meets the cap where skipped whitespace restarts the lexer). The mask walk takes many
   * shortcuts (a shared lexeme-internal walk, whitespace restarts, frontier nodes started from one emitted
   * cursor, flushes shared by siblings); isAllowed feeds the token's bytes one by one.
   */
  @ParameterizedTest
  @ValueSource(strings = {"json", "csv", "arithmetic", "sql"})
  void atEveryPositionOfSampledSentencesTheMaskIsExactlyWhatIsAllowedAccepts(String name) throws Exception {
    try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.load(BundledModel.path())) {
      Grammar grammar = BundledGrammars.load(name);
      for (int cap : new int[] {GrammarCompiler.Options.defaults().maxSkipBytes(), 3}) {
        CompiledGrammar compiled = GrammarCompiler.compileUncached(grammar, tokenizer.vocabulary(),
            GrammarCompiler.Options.defaults().withMaxSkipBytes(cap));
        SentenceSampler sampler = new SentenceSampler(grammar, name.hashCode() + cap);
        int sentences = 0;
        for (int attempt = 0; attempt < 500 && sentences < 4; attempt++) {
          String text = sampler.sample(4);
          if (text == null || text.length() > 160) {
            continue;
          }
          sentences++;
          assertMaskAgreesAtEveryPosition(name + " (cap " + cap + ")", compiled, tokenizer, text);
        }
        assertEquals(4, sentences, name + ": sentences sampled");
      }
    }
  }

  /**
   * The same at a 200k vocabulary, on JSON that has what the shortcuts are for: indentation runs, tabs,
   * numbers ending before punctuation, keywords, escapes, non-ASCII text, and whitespace around every
   * separator.
   */
  @Test
  void jsonAtTwoHundredThousandTokensEveryTokenAtEveryPosition() {
    Tokenizer tokenizer = TiktokenTokenizer.named("o200k");
    CompiledGrammar json = GrammarCompiler.compileUncached(BundledGrammars.load("json"), tokenizer.vocabulary(),
        GrammarCompiler.Options.defaults());
    assertMaskAgreesAtEveryPosition("json o200k", json, tokenizer, """
        {
            "id": 12, "ok" :true,
        	"xs": [ -3.5e2 ,null,0],
          "name": "Zo\u00eb \"the\" café",	"n":{}
        }  """);
  }

  private static void assertMaskAgreesAtEveryPosition(String what, CompiledGrammar compiled, Tokenizer tokenizer,
      String text) {
    Vocabulary v = tokenizer.vocabulary();
    int[] ids = tokenizer.encode(text);
    GrammarMatcher m = compiled.newMatcher();
    TokenMask mask = new TokenMask(v.size());
    for (int i = 0; i <= ids.length; i++) {
      m.fillMask(mask);
      for (int id = 0; id < v.size(); id++) {
        if (v.isSpecial(id) || v.tokenBytes(id) == null) {
          continue;
        }
        if (mask.isAllowed(id) != m.isAllowed(id)) {
          org.junit.jupiter.api.Assertions.fail(what + ": the mask " + (mask.isAllowed(id) ? "allows" : "forbids")
              + " token " + id + " " + List.of(new String(v.tokenBytes(id), java.nio.charset.StandardCharsets.UTF_8))
              + " after token " + i + " of " + List.of(text) + ", isAllowed says the opposite");
        }
      }
      if (i < ids.length && !m.acceptToken(ids[i])) {
        break; // a sampled sentence the encoding splits where the cap forbids it: the prefix was checked
      }
    }
  }
}
