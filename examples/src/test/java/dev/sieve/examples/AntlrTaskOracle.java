package dev.sieve.examples;

import dev.sieve.grammars.antlr.AntlrGrammarLoader;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.LexerInterpreter;
import org.antlr.v4.runtime.ParserInterpreter;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.tree.ParseTree;

/**
 * ANTLR's interpreter as the oracle of the examples' outputs: each item's grammar is written here as
 * {@code .g4} text, word by word and independently of the grammar templates, and an output is valid when
 * ANTLR's lexer and parser accept it whole. Constituency trees use one generic tree grammar over the
 * sentence's words; that the leaves are those words in order is checked on ANTLR's parse tree.
 */
final class AntlrTaskOracle {
  private final AntlrGrammarLoader.ToolGrammars grammars;
  private final String startRule;
  private final String g4;

  private AntlrTaskOracle(String name, String g4, String startRule) {
    this.g4 = g4;
    this.grammars = AntlrGrammarLoader.toolGrammars(List.of(new AntlrGrammarLoader.Source(name + ".g4", g4)));
    this.startRule = startRule;
  }

  String g4() {
    return g4;
  }

  /**
   * Triples of the item's entities and the fixed relations, at most {@code maxTriples}, each with an object
   * other than its subject: one alternative per subject, whose objects are the other entities.
   */
  static AntlrTaskOracle closedInformationExtraction(List<String> entities, List<String> relations, int maxTriples) {
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(entities));
    List<String> pairs = new ArrayList<>();
    for (String subject : distinct) {
      List<String> others = new ArrayList<>(distinct);
      others.remove(subject);
      pairs.add(alternatives(List.of(subject)) + " SP link SP (" + alternatives(others) + ")");
    }
    String g4 = "grammar cie;\n"
        + "triples : triple" + " (SP triple)?".repeat(maxTriples - 1) + " EOF ;\n"
        + "triple : '[s]' SP pair SP '[e]' ;\n"
        + "pair : " + String.join("\n  | ", pairs) + " ;\n"
        + "link : '[r]' SP relation SP '[o]' ;\n"
        + "relation : " + alternatives(relations) + " ;\n"
        + "SP : ' ' ;\n";
    return new AntlrTaskOracle("cie", g4, "triples");
  }

  /** Whether a subject of one type may have that relation to an object of another type. */
  interface TypeRule {
    boolean allows(String subjectType, String relation, String objectType);
  }

  /**
   * Triples of the item's typed entities, at most {@code maxTriples}: one alternative per subject and
   * relation that the type rule allows it, with every other entity the rule allows as its object.
   */
  static AntlrTaskOracle typedClosedInformationExtraction(Map<String, String> types, List<String> relations,
      TypeRule rule, int maxTriples) {
    List<String> alts = new ArrayList<>();
    for (Map.Entry<String, String> s : types.entrySet()) {
      for (String r : relations) {
        List<String> objects = new ArrayList<>();
        for (Map.Entry<String, String> o : types.entrySet()) {
          if (!o.getKey().equals(s.getKey()) && rule.allows(s.getValue(), r, o.getValue())) {
            objects.add(o.getKey());
          }
        }
        if (!objects.isEmpty()) {
          alts.add(alternatives(List.of(s.getKey())) + " SP '[r]' SP " + alternatives(List.of(r)) + " SP '[o]' SP ("
              + alternatives(objects) + ")");
        }
      }
    }
    String g4 = "grammar cieTyped;\n"
        + "triples : triple" + " (SP triple)?".repeat(maxTriples - 1) + " EOF ;\n"
        + "triple : '[s]' SP pair SP '[e]' ;\n"
        + "pair : " + String.join("\n  | ", alts) + " ;\n"
        + "SP : ' ' ;\n";
    return new AntlrTaskOracle("cieTyped", g4, "triples");
  }

  /** Exactly one of the candidates. */
  static AntlrTaskOracle entityDisambiguation(List<String> candidates) {
    String g4 = "grammar disambiguation;\n"
        + "answer : candidate EOF ;\n"
        + "candidate : " + alternatives(candidates) + " ;\n"
        + "SP : ' ' ;\n";
    return new AntlrTaskOracle("disambiguation", g4, "answer");
  }

  /**
   * A labelled bracket with two or more children, or a labelled single word; the children are brackets or
   * the sentence's words (any of them, in any order: the order is checked by {@link #leaves}).
   */
  static AntlrTaskOracle constituencyParsing(List<String> words, List<String> labels) {
    String g4 = "grammar tree;\n"
        + "parse : node EOF ;\n"
        + "node : '(' label SP word ')' | '(' label SP child (SP child)+ ')' ;\n"
        + "child : node | word ;\n"
        + "label : " + alternatives(labels) + " ;\n"
        + "word : " + alternatives(new ArrayList<>(new LinkedHashSet<>(words))) + " ;\n"
        + "SP : ' ' ;\n";
    return new AntlrTaskOracle("tree", g4, "parse");
  }

  /** Each string as its words, literal by literal, separated by SP. */
  private static String alternatives(List<String> strings) {
    Set<String> alts = new LinkedHashSet<>();
    for (String s : strings) {
      alts.add(java.util.Arrays.stream(s.split(" ")).map(AntlrTaskOracle::literal).collect(Collectors.joining(" SP ")));
    }
    return String.join(" | ", alts);
  }

  private static String literal(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** The parse tree of the whole text, or {@code null} when ANTLR reports an error. */
  ParserRuleContext parse(String text) {
    int[] errors = {0};
    BaseErrorListener count = new BaseErrorListener() {
      @Override
      public void syntaxError(Recognizer<?, ?> r, Object sym, int line, int col, String msg, RecognitionException e) {
        errors[0]++;
      }
    };
    LexerInterpreter lexer = grammars.lexer().createLexerInterpreter(CharStreams.fromString(text));
    lexer.removeErrorListeners();
    lexer.addErrorListener(count);
    CommonTokenStream tokens = new CommonTokenStream(lexer);
    ParserInterpreter parser = grammars.parser().createParserInterpreter(tokens);
    parser.getInterpreter().setPredictionMode(PredictionMode.LL);
    parser.removeErrorListeners();
    parser.addErrorListener(count);
    ParserRuleContext tree = parser.parse(grammars.parser().getRule(startRule).index);
    return errors[0] == 0 && tokens.LA(1) == Token.EOF ? tree : null;
  }

  boolean accepts(String text) {
    return parse(text) != null;
  }

  /** The texts of the {@code word} nodes of a constituency parse, in order. */
  List<String> leaves(ParserRuleContext tree) {
    int word = grammars.parser().getRule("word").index;
    List<String> out = new ArrayList<>();
    collect(tree, word, out);
    return out;
  }

  private static void collect(ParseTree t, int wordRule, List<String> out) {
    if (t instanceof ParserRuleContext c) {
      if (c.getRuleIndex() == wordRule) {
        out.add(c.getText());
        return;
      }
      for (int i = 0; i < c.getChildCount(); i++) {
        collect(c.getChild(i), wordRule, out);
      }
    }
  }
}
