package dev.sieve.grammars;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sieve.decoding.tokenizer.TiktokenTokenizer;
import dev.sieve.grammars.antlr.AntlrGrammarLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ANTLR's lexer features, each checked against ANTLR's own interpreter on small texts: the engine
 * accepts a text (fed byte by byte, then end of sequence) exactly when ANTLR does. (Where ANTLR's lexer
 * backs up to a shorter match, it reports its error at the re-lexed character, before the byte where
 * the text stopped being a prefix of any sentence; so its position is no bound here.)
 */
class LexerSemanticsTest {
  private static void agree(String g4, String start, String... texts) {
    agree(List.of(new AntlrGrammarLoader.Source("<string>", g4)), start, texts);
  }

  private static void agree(List<AntlrGrammarLoader.Source> sources, String start, String... texts) {
    Grammar g = AntlrGrammarLoader.fromSources(sources, start);
    CompiledGrammar cg = GrammarCompiler.compile(g, TiktokenTokenizer.named("cl100k").vocabulary());
    AntlrOracle oracle = new AntlrOracle(sources, start);
    for (String text : texts) {
      GrammarMatcher m = cg.newMatcher();
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      int rejectedAt = -1;
      for (int i = 0; i < b.length; i++) {
        if (!m.acceptBytes(new byte[] {b[i]})) {
          rejectedAt = i;
          break;
        }
      }
      boolean engine = rejectedAt < 0 && m.isComplete();
      int antlr = oracle.errorEnd(text);
      assertEquals(antlr < 0, engine, "'" + text + "': ANTLR error end " + antlr + ", engine rejected at " + rejectedAt);
    }
  }

  @Test
  void nonGreedyLoopsFollowAntlrsLexerNotShortestMatch() {
    // The identifier shape of a MySQL grammar: non-greedy loops that still take the longest identifier.
    agree("""
        grammar G;
        s : (ID | NUM)+ EOF ;
        ID : [a-z0-9]*? [a-z]+? [a-z0-9]* ;
        NUM : [0-9]+ ;
        WS : ' ' -> skip ;
        """, "s", "v1", "v1 22 ab12c", "12", "1a", "abc");
    agree("""
        grammar C;
        s : ID+ EOF ;
        ID : [a-z]+ ;
        COMMENT : '/*' .*? '*/' -> skip ;
        LINE : '//' .*? ('\\n' | EOF) -> skip ;
        WS : [ \\n] -> skip ;
        """, "s", "a /* b */ c", "a /* b */ c */", "a // x\\n b", "a // unterminated", "a /* open");
  }

  @Test
  void nestedCommentsAreMatchedToABoundedDepth() {
    agree("""
        grammar N;
        s : ID+ EOF ;
        ID : [a-z]+ ;
        COMMENT : '/*' (COMMENT | .)*? '*/' -> skip ;
        WS : ' ' -> skip ;
        """, "s", "a /* x /* y */ z */ b", "a /* /* /* deep */ */ */ b", "a /* x /* y */ b");
  }

  @Test
  void splitGrammarWithModesMoreTypeAndReferencedRulesCommands() {
    String lexer = """
        lexer grammar L;
        tokens { VALUE }
        OPEN : '<' -> pushMode(TAG) ;
        DECL : '<?x' S -> pushMode(TAG) ;
        TEXT : ~[<]+ ;
        mode TAG;
        CLOSE : '>' -> popMode ;
        NAME : [a-z]+ ;
        S : ' ' -> skip ;
        STR : '"' -> more, mode(STRING) ;
        mode STRING;
        END : '"' -> type(VALUE), mode(TAG) ;
        CHAR : ~'"' -> more ;
        """;
    String parser = """
        parser grammar P;
        options { tokenVocab = L; }
        doc : (OPEN NAME* VALUE* CLOSE | DECL NAME CLOSE | TEXT)* EOF ;
        """;
    agree(List.of(new AntlrGrammarLoader.Source("L.g4", lexer), new AntlrGrammarLoader.Source("P.g4", parser)), "doc",
        "<a b>hi<c \"v\">", "<?x a>", "<a \"v\" \"w\">", "<a", "<?xa>", ">", "<a \"v>");
  }

  @Test
  void caseInsensitiveKeywordsAndFirstRuleWinsTies() {
    agree("""
        grammar K;
        options { caseInsensitive = true; }
        s : SELECT ID (',' ID)* EOF ;
        SELECT : 'select' ;
        ID : [a-z_]+ ;
        WS : ' ' -> skip ;
        """, "s", "SELECT a, B", "Select select", "selectx a", "select", "sel a");
  }
}
