package dev.sieve.grammars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.grammars.antlr.AntlrGrammarLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Grammars the engine cannot honour, or that are wrong, fail with one clear message: file, line, column, rule. */
class BadGrammarsTest {
  @TempDir Path dir;

  private GrammarException load(String fileName, String text, String start) throws IOException {
    Path f = dir.resolve(fileName);
    Files.writeString(f, text);
    return assertThrows(GrammarException.class, () -> AntlrGrammarLoader.fromFiles(List.of(f), start));
  }

  private static void assertAt(GrammarException e, String file, int line, int column, String rule) {
    assertTrue(e.file() != null && e.file().endsWith(file), "file in " + e.getMessage());
    assertEquals(line, e.line(), "line in " + e.getMessage());
    assertEquals(column, e.column(), "column in " + e.getMessage());
    assertEquals(rule, e.rule(), "rule in " + e.getMessage());
    assertTrue(e.getMessage().contains(file + ":" + line + ":" + column), e.getMessage());
    if (rule != null) {
      assertTrue(e.getMessage().contains("rule " + rule), e.getMessage());
    }
  }

  @Test
  void anActionInAParserRuleIsRefusedWithItsPosition() throws IOException {
    GrammarException e = load("Act.g4", """
        grammar Act;
        start : A {System.out.println("x");} B ;
        A : 'a' ;
        B : 'b' ;
        """, "start");
    assertAt(e, "Act.g4", 2, 10, "start");
    assertTrue(e.getMessage().contains("actions"), e.getMessage());
  }

  @Test
  void aSemanticPredicateIsRefusedWithItsPosition() throws IOException {
    GrammarException e = load("Pred.g4", """
        grammar Pred;
        start : A
              | {isOk()}? B ;
        A : 'a' ;
        B : 'b' ;
        """, "start");
    assertAt(e, "Pred.g4", 3, 8, "start");
    assertTrue(e.getMessage().contains("semantic predicates"), e.getMessage());
  }

  @Test
  void aPredicateInALexerRuleIsRefusedNamingTheRule() throws IOException {
    GrammarException e = load("LexPred.g4", """
        grammar LexPred;
        start : ID ;
        ID : [a-z]+ {getText().length() < 4}? ;
        """, "start");
    assertAt(e, "LexPred.g4", 3, 0, "ID");
    assertTrue(e.getMessage().contains("predicates"), e.getMessage());
  }

  @Test
  void aLexerActionIsRefusedNamingTheRule() throws IOException {
    GrammarException e = load("LexAct.g4", """
        grammar LexAct;
        start : ID ;
        ID : [a-z]+ { System.out.println(getText()); } ;
        """, "start");
    assertAt(e, "LexAct.g4", 3, 0, "ID");
    assertTrue(e.getMessage().contains("cannot be honoured"), e.getMessage());
  }

  @Test
  void aSuperclassHookIsRefused() throws IOException {
    GrammarException e = load("Sup.g4", """
        grammar Sup;
        options { superClass = MyBase; }
        start : A ;
        A : 'a' ;
        """, "start");
    assertAt(e, "Sup.g4", 2, 23, null);
    assertTrue(e.getMessage().contains("superClass=MyBase"), e.getMessage());
  }

  @Test
  void aSyntaxErrorNamesFileLineAndColumn() throws IOException {
    GrammarException e = load("Syn.g4", """
        grammar Syn;
        start : A B
        A : 'a' ;
        """, "start");
    assertTrue(e.file().endsWith("Syn.g4"), e.getMessage());
    assertEquals(3, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains("Syn.g4:3:"), e.getMessage());
  }

  @Test
  void anUndefinedRuleIsReportedWhereItIsUsed() throws IOException {
    GrammarException e = load("Undef.g4", """
        grammar Undef;
        start : A missing ;
        A : 'a' ;
        """, "start");
    assertTrue(e.getMessage().contains("Undef.g4:2:10"), e.getMessage());
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void anUnknownStartRuleListsTheRules() throws IOException {
    GrammarException e = load("Start.g4", """
        grammar Start;
        start : A ;
        other : A A ;
        A : 'a' ;
        """, "nope");
    assertTrue(e.getMessage().contains("unknown start rule 'nope'"), e.getMessage());
    assertTrue(e.getMessage().contains("other, start"), e.getMessage());
  }

  @Test
  void aParserGrammarWithoutItsLexerSaysWhatIsMissing() throws IOException {
    GrammarException e = load("OnlyParser.g4", """
        parser grammar OnlyParser;
        options { tokenVocab = OnlyLexer; }
        start : A ;
        """, "start");
    assertTrue(e.getMessage().contains("needs its lexer grammar"), e.getMessage());
  }

  @Test
  void aTokenVocabNamingAnotherLexerIsReported() throws IOException {
    Path lexer = dir.resolve("L.g4");
    Files.writeString(lexer, "lexer grammar L;\nA : 'a' ;\n");
    Path parser = dir.resolve("P.g4");
    Files.writeString(parser, "parser grammar P;\noptions { tokenVocab = Other; }\nstart : A ;\n");
    GrammarException e = assertThrows(GrammarException.class,
        () -> AntlrGrammarLoader.fromFiles(List.of(lexer, parser), "start"));
    assertTrue(e.getMessage().contains("P.g4:2:"), e.getMessage());
    assertTrue(e.getMessage().contains("tokenVocab=Other"), e.getMessage());
  }

  @Test
  void luaFromGrammarsV4IsRefusedBecauseItNeedsTargetCode() {
    var root = GrammarsV4.root();
    org.junit.jupiter.api.Assumptions.assumeTrue(root.isPresent(), GrammarsV4.absentMessage());
    GrammarsV4.Entry lua = GrammarsV4.entries(root.get()).stream().filter(x -> x.folder().equals("lua")).findFirst()
        .orElseThrow();
    GrammarException e = assertThrows(GrammarException.class,
        () -> AntlrGrammarLoader.fromSources(lua.sources(), lua.startRule()));
    assertTrue(e.file() != null && e.line() > 0, e.getMessage());
    assertTrue(e.getMessage().contains("cannot be honoured"), e.getMessage());
  }
}
