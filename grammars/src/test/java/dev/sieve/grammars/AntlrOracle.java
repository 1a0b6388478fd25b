package dev.sieve.grammars;

import dev.sieve.grammars.antlr.AntlrGrammarLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CodePointCharStream;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.LexerInterpreter;
import org.antlr.v4.runtime.ParserInterpreter;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;

/**
 * ANTLR's own interpreters as the oracle: lexes and parses a text from the start rule, to EOF, and
 * reports where the first error is (in UTF-8 bytes), or -1 when the text is accepted.
 */
final class AntlrOracle {
  private final AntlrGrammarLoader.ToolGrammars tg;
  private final int startRule;

  AntlrOracle(List<AntlrGrammarLoader.Source> sources, String startRule) {
    this.tg = AntlrGrammarLoader.toolGrammars(sources);
    this.startRule = tg.parser().getRule(startRule).index;
  }

  /**
   * Byte offset just after the token at which ANTLR reports its earliest error (lexer or parser; the
   * earliest in the text, as the lexer may run ahead of the parser); -1 when it accepts.
   */
  int errorEnd(String text) {
    CodePointCharStream chars = CharStreams.fromString(text);
    LexerInterpreter lexer = tg.lexer().createLexerInterpreter(chars);
    int[] error = {-1};
    lexer.removeErrorListeners();
    lexer.addErrorListener(new BaseErrorListener() {
      @Override
      public void syntaxError(Recognizer<?, ?> r, Object sym, int line, int col, String msg, RecognitionException e) {
        int at = ((LexerInterpreter) r).getCharIndex() + 1;
        error[0] = error[0] < 0 ? at : Math.min(error[0], at);
      }
    });
    CommonTokenStream tokens = new CommonTokenStream(lexer);
    ParserInterpreter parser = tg.parser().createParserInterpreter(tokens);
    parser.getInterpreter().setPredictionMode(PredictionMode.LL);
    parser.removeErrorListeners();
    parser.addErrorListener(new BaseErrorListener() {
      @Override
      public void syntaxError(Recognizer<?, ?> r, Object sym, int line, int col, String msg, RecognitionException e) {
        Token t = (Token) sym;
        int at = t == null || t.getType() == Token.EOF ? text.codePointCount(0, text.length()) : t.getStopIndex() + 1;
        at = Math.max(at, 0);
        error[0] = error[0] < 0 ? at : Math.min(error[0], at);
      }
    });
    parser.parse(startRule);
    if (error[0] < 0 && tokens.LA(1) != Token.EOF) {
      Token t = tokens.LT(1);
      error[0] = t.getStopIndex() + 1;
    }
    if (error[0] < 0) {
      return -1;
    }
    // code points -> UTF-8 bytes
    int cps = Math.min(error[0], text.codePointCount(0, text.length()));
    String prefix = text.substring(0, text.offsetByCodePoints(0, cps));
    return prefix.getBytes(StandardCharsets.UTF_8).length;
  }

  boolean accepts(String text) {
    return errorEnd(text) < 0;
  }
}
