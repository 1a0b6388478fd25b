package dev.sieve.grammars.antlr;

import dev.sieve.grammars.Expr;
import dev.sieve.grammars.Grammar;
import dev.sieve.grammars.GrammarCompiler;
import dev.sieve.grammars.GrammarException;
import dev.sieve.grammars.Lexeme;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.antlr.v4.Tool;
import org.antlr.v4.parse.ANTLRParser;
import org.antlr.v4.runtime.Vocabulary;
import org.antlr.v4.runtime.atn.LexerAction;
import org.antlr.v4.runtime.atn.LexerChannelAction;
import org.antlr.v4.runtime.atn.LexerModeAction;
import org.antlr.v4.runtime.atn.LexerMoreAction;
import org.antlr.v4.runtime.atn.LexerPopModeAction;
import org.antlr.v4.runtime.atn.LexerPushModeAction;
import org.antlr.v4.runtime.atn.LexerSkipAction;
import org.antlr.v4.runtime.atn.LexerTypeAction;
import org.antlr.v4.tool.ANTLRMessage;
import org.antlr.v4.tool.ANTLRToolListener;
import org.antlr.v4.tool.LeftRecursiveRule;
import org.antlr.v4.tool.LexerGrammar;
import org.antlr.v4.tool.Rule;
import org.antlr.v4.tool.ast.GrammarAST;
import org.antlr.v4.tool.ast.GrammarRootAST;

/**
 * Loads ANTLR 4 grammars (combined, or a lexer and a parser grammar joined by {@code tokenVocab}; with
 * {@code import}s resolved beside the files) into the grammar IR with {@link Grammar.Lexing#GLOBAL}
 * lexing, using the ANTLR tool library (no code generation).
 *
 * <p>Parser rules come from the rules as written (left-recursive rules before ANTLR rewrites them:
 * Earley parsing takes left recursion as it is). Lexer rules come from ANTLR's lexer ATN. Actions,
 * semantic predicates and superclass hooks are refused with a {@link GrammarException} naming file,
 * line, column and rule.
 */
public final class AntlrGrammarLoader {
  private AntlrGrammarLoader() {}

  /** A grammar source: a name for messages (a path where it came from a file) and its text. */
  public record Source(String fileName, String text) {}

  /** Loads grammar files (a combined grammar, or lexer and parser grammars; folders are searched for .g4 files). */
  public static Grammar fromFiles(List<Path> files, String startRule) {
    List<Source> sources = new ArrayList<>();
    for (Path p : files) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          for (Path f : s.filter(x -> x.toString().endsWith(".g4")).sorted().toList()) {
            sources.add(read(f));
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else {
        sources.add(read(p));
      }
    }
    return fromSources(sources, startRule);
  }

  private static Source read(Path p) {
    try {
      return new Source(p.toAbsolutePath().normalize().toString(), Files.readString(p, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new GrammarException(p.toString(), 0, 0, null, "cannot read grammar file: " + e.getMessage());
    }
  }

  /** Loads a combined grammar from its text. */
  public static Grammar fromString(String g4, String startRule) {
    return fromSources(List.of(new Source("<string>", g4)), startRule);
  }

  /** Loads grammars from classpath resources (absolute resource names). */
  public static Grammar fromResources(List<String> resources, String startRule) {
    List<Source> sources = new ArrayList<>();
    for (String r : resources) {
      String name = r.startsWith("/") ? r.substring(1) : r;
      try (InputStream in = AntlrGrammarLoader.class.getClassLoader().getResourceAsStream(name)) {
        if (in == null) {
          throw new GrammarException(r, 0, 0, null, "no such grammar resource");
        }
        sources.add(new Source(name, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return fromSources(sources, startRule);
  }

  /** The ANTLR tool's view of loaded grammars, for oracles: the lexer grammar and the parser grammar. */
  public record ToolGrammars(LexerGrammar lexer, org.antlr.v4.tool.Grammar parser) {}

  /** Loads with the ANTLR tool only (errors become {@link GrammarException}s), without building the IR. */
  public static ToolGrammars toolGrammars(List<Source> sources) {
    Listener listener = new Listener();
    Source lexerSrc = null;
    Source parserSrc = null;
    Source combined = null;
    for (Source s : sources) {
      int type = grammarType(s, listener);
      switch (type) {
        case ANTLRParser.LEXER -> {
          if (lexerSrc != null) {
            throw new GrammarException(s.fileName(), 0, 0, null, "two lexer grammars given (" + lexerSrc.fileName() + ")");
          }
          lexerSrc = s;
        }
        case ANTLRParser.PARSER -> {
          if (parserSrc != null) {
            throw new GrammarException(s.fileName(), 0, 0, null, "two parser grammars given (" + parserSrc.fileName() + ")");
          }
          parserSrc = s;
        }
        default -> {
          if (combined != null) {
            throw new GrammarException(s.fileName(), 0, 0, null, "two combined grammars given (" + combined.fileName() + ")");
          }
          combined = s;
        }
      }
    }
    try {
      if (combined != null) {
        if (lexerSrc != null || parserSrc != null) {
          throw new GrammarException(combined.fileName(), 0, 0, null,
              "give either one combined grammar or a lexer and a parser grammar");
        }
        org.antlr.v4.tool.Grammar g = new org.antlr.v4.tool.Grammar(combined.fileName(), combined.text(), listener);
        listener.check();
        LexerGrammar lg = g.getImplicitLexer();
        if (lg == null) {
          throw new GrammarException(combined.fileName(), 0, 0, null, "the grammar defines no tokens");
        }
        return new ToolGrammars(lg, g);
      }
      if (parserSrc == null) {
        throw new GrammarException(lexerSrc == null ? null : lexerSrc.fileName(), 0, 0, null,
            "a parser grammar (or a combined grammar) is needed");
      }
      if (lexerSrc == null) {
        throw new GrammarException(parserSrc.fileName(), 0, 0, null,
            "a parser grammar needs its lexer grammar (tokenVocab) given beside it");
      }
      LexerGrammar lg = new LexerGrammar(lexerSrc.fileName(), lexerSrc.text(), listener);
      listener.check();
      org.antlr.v4.tool.Grammar pg = new org.antlr.v4.tool.Grammar(parserSrc.fileName(), parserSrc.text(), lg, listener);
      listener.check();
      return new ToolGrammars(lg, pg);
    } catch (org.antlr.runtime.RecognitionException e) {
      throw new GrammarException(null, e.line, e.charPositionInLine, null, "syntax error: " + e.getMessage());
    }
  }

  private static int grammarType(Source s, Listener listener) {
    Tool tool = new Tool();
    tool.removeListeners();
    tool.addListener(listener);
    GrammarRootAST ast = tool.parseGrammarFromString(s.text());
    listener.fileName = s.fileName();
    listener.check();
    if (ast == null) {
      throw new GrammarException(s.fileName(), 0, 0, null, "not an ANTLR 4 grammar");
    }
    return ast.grammarType;
  }

  /** Loads grammars from sources; see {@link #fromFiles}. */
  public static Grammar fromSources(List<Source> sources, String startRule) {
    ToolGrammars tg = toolGrammars(sources);
    return new Converter(tg.lexer(), tg.parser()).convert(startRule);
  }

  private static final class Listener implements ANTLRToolListener {
    final List<ANTLRMessage> errors = new ArrayList<>();
    String fileName;

    @Override
    public void info(String msg) {}

    @Override
    public void error(ANTLRMessage msg) {
      errors.add(msg);
    }

    @Override
    public void warning(ANTLRMessage msg) {}

    void check() {
      if (errors.isEmpty()) {
        return;
      }
      ANTLRMessage m = errors.get(0);
      String text;
      try {
        text = m.getMessageTemplate(false).render();
      } catch (RuntimeException e) {
        text = m.getErrorType().toString();
      }
      String file = m.fileName != null && !m.fileName.isEmpty() ? m.fileName : fileName;
      if (errors.size() > 1) {
        text += " (and " + (errors.size() - 1) + " more error" + (errors.size() > 2 ? "s" : "") + ")";
      }
      errors.clear();
      throw new GrammarException(file, Math.max(m.line, 0), Math.max(m.charPosition, 0), null, text);
    }
  }

  /** Builds the IR from the tool's grammars. */
  private static final class Converter {
    final LexerGrammar lg;
    final org.antlr.v4.tool.Grammar pg;
    final Vocabulary vocab;
    final List<String> modeNames;
    String currentRule;

    Converter(LexerGrammar lg, org.antlr.v4.tool.Grammar pg) {
      this.lg = lg;
      this.pg = pg;
      this.vocab = pg.getVocabulary();
      this.modeNames = new ArrayList<>(lg.modes.keySet());
    }

    String tokenName(int type) {
      if (type == org.antlr.v4.runtime.Token.EOF) {
        return GrammarCompiler.EOF;
      }
      String s = vocab.getSymbolicName(type);
      if (s != null) {
        return s;
      }
      String l = vocab.getLiteralName(type);
      return l != null ? l : "T" + type;
    }

    GrammarException error(GrammarAST node, org.antlr.v4.tool.Grammar g, String message) {
      return new GrammarException(g.fileName, node == null ? 0 : node.getLine(),
          node == null ? 0 : node.getCharPositionInLine(), currentRule, message);
    }

    Grammar convert(String startRule) {
      for (org.antlr.v4.tool.Grammar g : List.of(pg, lg)) {
        String superClass = g.getOptionString("superClass");
        if (superClass != null) {
          throw new GrammarException(g.fileName, 0, 0, null,
              "option superClass=" + superClass + " needs target-language code and cannot be honoured");
        }
      }
      String name = pg.name != null ? pg.name : pg.ast != null && pg.ast.getChildCount() > 0 ? pg.ast.getChild(0).getText() : "grammar";
      Grammar.Builder b = Grammar.builder(name);
      // Lexemes: every non-fragment lexer rule, in declaration order, mode by mode as ANTLR numbers them.
      for (Rule r : lg.rules.values()) {
        if (r.isFragment()) {
          continue;
        }
        currentRule = r.name;
        AtnLexemes.Result res = AtnLexemes.convert(lg, r, lg.fileName, 1_000_000);
        boolean skip = false;
        List<Lexeme.LexerCommand> commands = new ArrayList<>();
        String emitted = tokenName(lg.getTokenType(r.name));
        for (LexerAction a : res.actions()) {
          switch (a) {
            case LexerSkipAction s -> skip = true;
            case LexerChannelAction c -> skip |= c.getChannel() != 0;
            case LexerMoreAction m -> commands.add(new Lexeme.LexerCommand.More());
            case LexerTypeAction t -> emitted = tokenName(t.getType());
            case LexerPushModeAction p -> commands.add(new Lexeme.LexerCommand.PushMode(modeNames.get(p.getMode())));
            case LexerPopModeAction p -> commands.add(new Lexeme.LexerCommand.PopMode());
            case LexerModeAction m -> commands.add(new Lexeme.LexerCommand.SetMode(modeNames.get(m.getMode())));
            default -> throw error(r.ast, lg, "lexer action " + a + " needs target-language code and cannot be honoured");
          }
        }
        if (!emitted.equals(r.name)) {
          commands.add(new Lexeme.LexerCommand.Type(emitted));
        }
        b.lexeme(new Lexeme(r.name, res.language(), skip, r.mode, commands));
      }
      // Parser rules.
      if (!pg.rules.containsKey(startRule)) {
        throw new GrammarException(pg.fileName, 0, 0, null, "unknown start rule '" + startRule
            + "'; the parser rules are: " + String.join(", ", new TreeSet<>(pg.rules.keySet())));
      }
      for (Rule r : pg.rules.values()) {
        currentRule = r.name;
        GrammarAST ast = r instanceof LeftRecursiveRule lr && lr.getOriginalAST() != null ? lr.getOriginalAST() : r.ast;
        GrammarAST block = null;
        for (int i = 0; i < ast.getChildCount(); i++) {
          GrammarAST c = (GrammarAST) ast.getChild(i);
          if (c.getType() == ANTLRParser.BLOCK) {
            block = c;
          } else if (c.getType() == ANTLRParser.AT) {
            throw error(c, r.g, "rule actions (@" + c.getChild(0).getText() + ") need target-language code and cannot be honoured");
          }
        }
        if (block == null) {
          throw error(ast, r.g, "rule has no body");
        }
        b.rule(r.name, element(block, r.g));
      }
      return b.build(startRule);
    }

    Expr element(GrammarAST n, org.antlr.v4.tool.Grammar g) {
      switch (n.getType()) {
        case ANTLRParser.BLOCK, ANTLRParser.SET -> {
          List<Expr> alts = new ArrayList<>();
          for (int i = 0; i < n.getChildCount(); i++) {
            GrammarAST c = (GrammarAST) n.getChild(i);
            alts.add(c.getType() == ANTLRParser.ALT ? alt(c, g) : element(c, g));
          }
          return alts.size() == 1 ? alts.get(0) : new Expr.Alt(alts);
        }
        case ANTLRParser.ALT -> {
          return alt(n, g);
        }
        case ANTLRParser.OPTIONAL -> {
          return Expr.optional(element((GrammarAST) n.getChild(0), g));
        }
        case ANTLRParser.CLOSURE -> {
          return Expr.star(element((GrammarAST) n.getChild(0), g));
        }
        case ANTLRParser.POSITIVE_CLOSURE -> {
          return Expr.plus(element((GrammarAST) n.getChild(0), g));
        }
        case ANTLRParser.ASSIGN, ANTLRParser.PLUS_ASSIGN -> {
          return element((GrammarAST) n.getChild(1), g);
        }
        case ANTLRParser.RULE_REF -> {
          return Expr.rule(n.getText());
        }
        case ANTLRParser.TOKEN_REF -> {
          if (n.getText().equals("EOF")) {
            return Expr.lexeme(GrammarCompiler.EOF);
          }
          int type = pg.getTokenType(n.getText());
          if (type <= 0) {
            throw error(n, g, "token " + n.getText() + " is not defined by the lexer");
          }
          return Expr.lexeme(tokenName(type));
        }
        case ANTLRParser.STRING_LITERAL -> {
          int type = pg.getTokenType(n.getText());
          if (type <= 0) {
            throw error(n, g, "literal " + n.getText() + " matches no lexer rule");
          }
          return Expr.lexeme(tokenName(type));
        }
        case ANTLRParser.WILDCARD -> {
          return anyTokenExcept(new TreeSet<>());
        }
        case ANTLRParser.NOT -> {
          TreeSet<String> excluded = new TreeSet<>();
          collectTerminals((GrammarAST) n.getChild(0), g, excluded);
          return anyTokenExcept(excluded);
        }
        case ANTLRParser.EPSILON -> {
          return Expr.empty();
        }
        case ANTLRParser.ACTION -> throw error(n, g, "actions need target-language code and cannot be honoured");
        case ANTLRParser.SEMPRED -> throw error(n, g, "semantic predicates need target-language code and cannot be honoured");
        default -> throw error(n, g, "unsupported grammar element '" + n.getText() + "'");
      }
    }

    Expr alt(GrammarAST alt, org.antlr.v4.tool.Grammar g) {
      List<Expr> items = new ArrayList<>();
      for (int i = 0; i < alt.getChildCount(); i++) {
        GrammarAST c = (GrammarAST) alt.getChild(i);
        if (c.getType() == ANTLRParser.ELEMENT_OPTIONS) {
          continue;
        }
        items.add(element(c, g));
      }
      if (items.isEmpty()) {
        return Expr.empty();
      }
      return items.size() == 1 ? items.get(0) : new Expr.Seq(items);
    }

    void collectTerminals(GrammarAST n, org.antlr.v4.tool.Grammar g, TreeSet<String> out) {
      Expr e = element(n, g);
      collect(e, out, n, g);
    }

    void collect(Expr e, TreeSet<String> out, GrammarAST n, org.antlr.v4.tool.Grammar g) {
      switch (e) {
        case Expr.LexemeRef l -> out.add(l.name());
        case Expr.Alt a -> a.alternatives().forEach(x -> collect(x, out, n, g));
        default -> throw error(n, g, "~ applies to token sets only");
      }
    }

    Expr anyTokenExcept(TreeSet<String> excluded) {
      List<Expr> alts = new ArrayList<>();
      Map<String, Boolean> seen = new LinkedHashMap<>();
      for (int t = 1; t <= vocab.getMaxTokenType(); t++) {
        String name = tokenName(t);
        if (!excluded.contains(name) && seen.putIfAbsent(name, true) == null) {
          alts.add(Expr.lexeme(name));
        }
      }
      if (alts.isEmpty()) {
        throw new GrammarException(pg.fileName, 0, 0, currentRule, "~ excludes every token");
      }
      return alts.size() == 1 ? alts.get(0) : new Expr.Alt(alts);
    }
  }
}
