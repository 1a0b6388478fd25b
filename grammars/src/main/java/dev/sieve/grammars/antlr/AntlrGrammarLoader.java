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
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.antlr.v4.Tool;
import org.antlr.v4.analysis.AnalysisPipeline;
import org.antlr.v4.automata.ATNOptimizer;
import org.antlr.v4.automata.LexerATNFactory;
import org.antlr.v4.automata.ParserATNFactory;
import org.antlr.v4.runtime.atn.ATN;
import org.antlr.v4.semantics.SemanticPipeline;
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

  /**
   * Loads with the ANTLR tool only (errors become {@link GrammarException}s), without building the IR.
   * Grammars named by another's {@code import} are taken from the sources given (else from files beside
   * the importing grammar); the rest are one combined grammar, or one lexer and one parser grammar. A
   * parser grammar's {@code tokenVocab} is the lexer grammar given beside it (no {@code .tokens} file).
   */
  public static ToolGrammars toolGrammars(List<Source> sources) {
    Listener listener = new Listener();
    SourceTool tool = new SourceTool(sources, listener);
    Source lexerSrc = null;
    Source parserSrc = null;
    Source combined = null;
    GrammarRootAST lexerAst = null;
    GrammarRootAST parserAst = null;
    GrammarRootAST combinedAst = null;
    Set<String> imported = new HashSet<>();
    List<GrammarRootAST> asts = new ArrayList<>();
    for (Source s : sources) {
      GrammarRootAST ast = tool.parse(s);
      asts.add(ast);
      GrammarAST imports = (GrammarAST) ast.getFirstChildWithType(ANTLRParser.IMPORT);
      if (imports != null) {
        for (int i = 0; i < imports.getChildCount(); i++) {
          GrammarAST c = (GrammarAST) imports.getChild(i);
          // import X; or import Y = X;
          imported.add(c.getType() == ANTLRParser.ASSIGN ? c.getChild(1).getText() : c.getText());
        }
      }
    }
    for (int i = 0; i < sources.size(); i++) {
      Source s = sources.get(i);
      GrammarRootAST ast = asts.get(i);
      if (sources.size() > 1 && imported.contains(ast.getGrammarName())) {
        continue; // a delegate grammar: loaded through the import
      }
      switch (ast.grammarType) {
        case ANTLRParser.LEXER -> {
          if (lexerSrc != null) {
            throw new GrammarException(s.fileName(), 0, 0, null, "two lexer grammars given (" + lexerSrc.fileName() + ")");
          }
          lexerSrc = s;
          lexerAst = ast;
        }
        case ANTLRParser.PARSER -> {
          if (parserSrc != null) {
            throw new GrammarException(s.fileName(), 0, 0, null, "two parser grammars given (" + parserSrc.fileName() + ")");
          }
          parserSrc = s;
          parserAst = ast;
        }
        default -> {
          if (combined != null) {
            throw new GrammarException(s.fileName(), 0, 0, null, "two combined grammars given (" + combined.fileName() + ")");
          }
          combined = s;
          combinedAst = ast;
        }
      }
    }
    if (combined != null) {
      if (lexerSrc != null || parserSrc != null) {
        throw new GrammarException(combined.fileName(), 0, 0, null,
            "give either one combined grammar or a lexer and a parser grammar");
      }
      org.antlr.v4.tool.Grammar g = tool.load(combinedAst, combined, null);
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
    String vocab = parserAst.getOptionString("tokenVocab");
    if (vocab != null && !vocab.equals(lexerAst.getGrammarName())) {
      GrammarAST at = parserAst.getOptionAST("tokenVocab");
      throw new GrammarException(parserSrc.fileName(), at.getLine(), at.getCharPositionInLine(), null,
          "tokenVocab=" + vocab + " but the lexer grammar given is " + lexerAst.getGrammarName());
    }
    // The lexer given stands for the tokenVocab's .tokens file, which ANTLR would look for on disk.
    parserAst.getOptions().remove("tokenVocab");
    LexerGrammar lg = (LexerGrammar) tool.load(lexerAst, lexerSrc, null);
    org.antlr.v4.tool.Grammar pg = tool.load(parserAst, parserSrc, lg);
    return new ToolGrammars(lg, pg);
  }

  /** The ANTLR tool, reading imported grammars from the sources given before looking on disk. */
  private static final class SourceTool extends Tool {
    private final List<Source> sources;
    private final Listener listener;

    SourceTool(List<Source> sources, Listener listener) {
      this.sources = sources;
      this.listener = listener;
      removeListeners();
      addListener(listener);
    }

    GrammarRootAST parse(Source s) {
      listener.fileName = s.fileName();
      GrammarRootAST ast = parseGrammarFromString(s.text());
      listener.check();
      if (ast == null) {
        throw new GrammarException(s.fileName(), 0, 0, null, "not an ANTLR 4 grammar");
      }
      ast.fileName = s.fileName();
      return ast;
    }

    org.antlr.v4.tool.Grammar load(GrammarRootAST ast, Source s, org.antlr.v4.tool.Grammar vocabulary) {
      listener.fileName = s.fileName();
      org.antlr.v4.tool.Grammar g = createGrammar(ast);
      g.fileName = s.fileName();
      listener.check();
      if (vocabulary != null) {
        g.importVocab(vocabulary);
      }
      process(g, false);
      listener.check();
      return g;
    }

    /**
     * ANTLR's own processing, less what only code generation needs: the parser ATN is built without the
     * tool's epsilon-closure checks and decision analysis, whose lookahead computation takes minutes on
     * some grammars (grammars-v4's pcre and iri). The engine parses with Earley and takes no decision
     * from them; a closure over an empty alternative, which ANTLR refuses, is accepted here.
     */
    @Override
    public void processNonCombinedGrammar(org.antlr.v4.tool.Grammar g, boolean gencode) {
      if (g.ast == null || g.ast.hasErrors || checkForRuleIssues(g)) {
        return;
      }
      int errors = errMgr.getNumErrors();
      new SemanticPipeline(g).process();
      if (errMgr.getNumErrors() > errors) {
        return;
      }
      if (g.isLexer()) {
        g.atn = new LexerATNFactory((LexerGrammar) g).createATN();
        new AnalysisPipeline(g).process();
      } else {
        g.atn = new ParserATNFactory(g) {
          @Override
          public ATN createATN() {
            _createATN(g.rules.values());
            addRuleFollowLinks();
            addEOFTransitionToStartRules();
            ATNOptimizer.optimize(g, atn);
            return atn;
          }
        }.createATN();
      }
    }

    @Override
    public org.antlr.v4.tool.Grammar loadImportedGrammar(org.antlr.v4.tool.Grammar g, GrammarAST nameNode)
        throws IOException {
      String name = nameNode.getText();
      for (Source s : sources) {
        GrammarRootAST ast = parseGrammarFromString(s.text());
        if (ast != null && name.equals(ast.getGrammarName())) {
          ast.fileName = s.fileName();
          org.antlr.v4.tool.Grammar imported = createGrammar(ast);
          imported.fileName = s.fileName();
          return imported;
        }
      }
      return super.loadImportedGrammar(g, nameNode);
    }
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
          GrammarAST at = g.ast.getOptionAST("superClass");
          throw new GrammarException(g.fileName, at == null ? 0 : at.getLine(), at == null ? 0 : at.getCharPositionInLine(),
              null, "option superClass=" + superClass + " needs target-language code and cannot be honoured");
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
