package dev.sieve.grammars;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sieve.decoding.logits.TokenMask;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.tokenizer.HuggingFaceTokenizer;
import dev.sieve.decoding.tokenizer.Vocabulary;
import dev.sieve.grammars.antlr.AntlrGrammarLoader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No dead ends, as a seeded property: random sentences of a grammar (kept only when ANTLR's own
 * interpreter accepts them) are encoded with the bundled tokenizer and fed token by token. At every
 * prefix the mask allows the sentence's next token; from every prefix, random walks through the mask
 * never reach a state where nothing (not even end of sequence) is allowed; end of sequence is allowed
 * exactly where ANTLR accepts the text so far.
 *
 * <p>The small grammars pit keywords against identifiers and bracketed tags ({@code [s]}) against
 * their own prefixes, where GLOBAL (ANTLR) lexing makes the longest match decide.
 */
class NoDeadEndPropertyTest {
  static final String KEYWORDS = """
      grammar keywords;
      doc : entry+ EOF ;
      entry : 'author' '=' ID ';' | ID '=' NUM ';' | 'autumn' ID ';' | 'a' NUM ';' ;
      ID : [a-z]+ ;
      NUM : [0-9]+ ;
      WS : [ \\n]+ -> skip ;
      """;
  static final String TAGS = """
      grammar tags;
      triples : triple+ EOF ;
      triple : '[s]' WORD+ '[r]' REL '[o]' WORD+ '[e]' ;
      REL : 'born in' | 'capital of' | 'part of' ;
      WORD : [A-Za-z]+ ;
      WS : ' ' -> skip ;
      """;
  static final String TAGS_TIGHT = """
      grammar tight;
      pairs : pair (',' pair)* EOF ;
      pair : '[s]' NAME | '[' NAME ']' | '[so]' NAME ;
      NAME : [a-z]+ ;
      """;
  /** After {@code x[s} the last lexeme accepted is {@code [}, but {@code s} cannot start a number. */
  static final String BRACKETS = """
      grammar brackets;
      doc : item+ EOF ;
      item : 'x' '[' NUM ']' | '[s]' NAME | 'author' '=' NAME ;
      NAME : [a-z]+ ;
      NUM : [0-9]+ ;
      WS : ' ' -> skip ;
      """;
  static final String NO_SKIP_KEYWORD = """
      grammar noskip;
      s : 'author' ID | ID '.' ;
      ID : [a-z]+ ;
      """;

  private static HuggingFaceTokenizer tokenizer;
  private static Vocabulary vocabulary;

  @BeforeAll
  static void load() throws Exception {
    tokenizer = HuggingFaceTokenizer.load(BundledModel.path());
    vocabulary = tokenizer.vocabulary();
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"keywords", "tags", "tight", "noskip", "brackets", "json", "csv", "arithmetic", "sql"})
  void everyPrefixOfASentenceHasAContinuationAndEndOfSequenceExactlyWhenComplete(String name) {
    AntlrGrammarLoader.Source source = switch (name) {
      case "keywords" -> new AntlrGrammarLoader.Source("keywords.g4", KEYWORDS);
      case "tags" -> new AntlrGrammarLoader.Source("tags.g4", TAGS);
      case "tight" -> new AntlrGrammarLoader.Source("tight.g4", TAGS_TIGHT);
      case "noskip" -> new AntlrGrammarLoader.Source("noskip.g4", NO_SKIP_KEYWORD);
      case "brackets" -> new AntlrGrammarLoader.Source("brackets.g4", BRACKETS);
      default -> bundledSource(name);
    };
    String start = switch (name) {
      case "keywords" -> "doc";
      case "tags" -> "triples";
      case "tight" -> "pairs";
      case "noskip" -> "s";
      case "brackets" -> "doc";
      default -> BundledGrammars.startRule(name);
    };
    Grammar grammar = AntlrGrammarLoader.fromSources(List.of(source), start);
    AntlrOracle oracle = new AntlrOracle(List.of(source), start);
    CompiledGrammar compiled = GrammarCompiler.compile(grammar, vocabulary);
    long seed = name.hashCode();
    SentenceSampler sampler = new SentenceSampler(grammar, seed);
    Random random = new Random(seed);
    TokenMask mask = new TokenMask(vocabulary.size());
    int eos = vocabulary.eosTokenIds()[0];
    int sentences = 0;
    boolean exhaustive = grammar.lexemes().size() < 12; // small grammars: many one-step probes per prefix
    for (int attempt = 0; attempt < 3000 && sentences < 8; attempt++) {
      String text = sampler.sample(4);
      if (text == null || text.length() > 120 || !oracle.accepts(text)) {
        continue;
      }
      sentences++;
      int[] ids = tokenizer.encode(text);
      GrammarMatcher m = compiled.newMatcher();
      for (int i = 0; i <= ids.length; i++) {
        String soFar = decode(ids, i, List.of());
        m.fillMask(mask);
        if (i < ids.length && !mask.isAllowed(ids[i])) {
          fail(name + ": the mask forbids token " + i + " " + show(ids[i]) + " of the sentence " + quote(text)
              + " after " + quote(soFar));
        }
        boolean complete = oracle.accepts(soFar);
        if (mask.isAllowed(eos) != complete && !soFar.endsWith("\uFFFD")) { // not inside a UTF-8 character
          fail(name + ": end of sequence " + (complete ? "forbidden" : "allowed") + " after " + quote(soFar)
              + ", which ANTLR " + (complete ? "accepts" : "rejects"));
        }
        walk(name, m.fork(), ids, i, oracle, random, mask, eos);
        if (exhaustive) {
          allowedTokensLeadOn(name, m, ids, i, mask, random);
        }
        if (i < ids.length) {
          assertTrue(m.acceptToken(ids[i]));
        }
      }
    }
    assertTrue(sentences >= 6, name + ": only " + sentences + " sampled sentences were accepted by ANTLR");
  }

  @Test
  void bytesAfterTheLastAcceptedLexemeMustLeadSomewhere() {
    // Found by the property above: after `x[` the parser takes a number; `s` would make `[s]` (not
    // allowed here) or `[` followed by `s...`, which no lexeme the parser takes can start.
    Grammar grammar = AntlrGrammarLoader.fromString(BRACKETS, "doc");
    GrammarMatcher m = GrammarCompiler.compile(grammar, vocabulary).newMatcher();
    assertTrue(m.acceptString("x["));
    assertFalse(m.acceptString("s"), "s after x[ leads nowhere");
    assertFalse(m.acceptString("s]"));
    assertTrue(m.acceptString("4"));
    assertTrue(m.acceptString("2] [s]ab"));
    assertTrue(m.isComplete());
  }

  /** A random walk through the mask from a prefix: never a state without any allowed token. */
  private static void walk(String name, GrammarMatcher m, int[] ids, int prefix, AntlrOracle oracle, Random random,
      TokenMask mask, int eos) {
    List<Integer> walked = new ArrayList<>();
    for (int step = 0; step < 4; step++) {
      m.fillMask(mask);
      int count = mask.cardinality();
      if (count == 0) {
        fail(name + ": dead end after " + quote(decode(ids, prefix, walked)) + " (nothing allowed, not even end of sequence)");
      }
      boolean complete = m.isComplete();
      if (complete && !oracle.accepts(decode(ids, prefix, walked))) {
        fail(name + ": end of sequence allowed after " + quote(decode(ids, prefix, walked)) + ", which ANTLR rejects");
      }
      if (complete && count == 1) {
        return;
      }
      int token = nth(mask, random.nextInt(count));
      if (vocabulary.isEos(token)) {
        return;
      }
      assertTrue(m.acceptToken(token), name + ": the mask allowed " + show(token) + " but the matcher refused it");
      walked.add(token);
    }
  }

  /**
   * One step, widely: after each of many tokens the mask allows (about 12 short ones and 6 longer
   * ones, at random), something is allowed again.
   */
  private static void allowedTokensLeadOn(String name, GrammarMatcher m, int[] ids, int prefix, TokenMask mask,
      Random random) {
    m.fillMask(mask);
    long[] w = mask.words().clone();
    int shortCount = 0;
    int longCount = 0;
    for (int k = 0; k < w.length; k++) {
      for (long x = w[k]; x != 0; x &= x - 1) {
        int token = k * 64 + Long.numberOfTrailingZeros(x);
        if (!vocabulary.isEos(token)) {
          if (vocabulary.tokenBytes(token).length <= 2) {
            shortCount++;
          } else {
            longCount++;
          }
        }
      }
    }
    TokenMask after = new TokenMask(vocabulary.size());
    for (int k = 0; k < w.length; k++) {
      for (long x = w[k]; x != 0; x &= x - 1) {
        int token = k * 64 + Long.numberOfTrailingZeros(x);
        if (vocabulary.isEos(token)) {
          continue;
        }
        boolean isShort = vocabulary.tokenBytes(token).length <= 2;
        if (isShort ? random.nextInt(shortCount) >= 12 : random.nextInt(longCount) >= 6) {
          continue;
        }
        GrammarMatcher f = m.fork();
        assertTrue(f.acceptToken(token), name + ": the mask allowed " + show(token) + " but the matcher refused it");
        f.fillMask(after);
        if (after.cardinality() == 0) {
          fail(name + ": dead end after " + quote(decode(ids, prefix, List.of(token))) + " (nothing allowed, not even end of sequence)");
        }
      }
    }
  }

  private static int nth(TokenMask mask, int n) {
    long[] w = mask.words();
    for (int k = 0; k < w.length; k++) {
      int c = Long.bitCount(w[k]);
      if (n < c) {
        long x = w[k];
        for (int j = 0; j < n; j++) {
          x &= x - 1;
        }
        return k * 64 + Long.numberOfTrailingZeros(x);
      }
      n -= c;
    }
    throw new IllegalStateException();
  }

  private static String decode(int[] ids, int n, List<Integer> more) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      out.writeBytes(vocabulary.tokenBytes(ids[i]));
    }
    for (int id : more) {
      out.writeBytes(vocabulary.tokenBytes(id));
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String show(int id) {
    return id + " " + quote(new String(vocabulary.tokenBytes(id), StandardCharsets.UTF_8));
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"") + "\"";
  }

  private static AntlrGrammarLoader.Source bundledSource(String name) {
    try (var in = NoDeadEndPropertyTest.class.getClassLoader().getResourceAsStream(BundledGrammars.resource(name))) {
      return new AntlrGrammarLoader.Source(name + ".g4", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
