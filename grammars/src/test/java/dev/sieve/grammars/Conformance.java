package dev.sieve.grammars;

import dev.sieve.decoding.logits.TokenMask;
import dev.sieve.decoding.tokenizer.Tokenizer;
import dev.sieve.decoding.tokenizer.Vocabulary;
import dev.sieve.grammars.antlr.AntlrGrammarLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Checks one grammar against ANTLR's own interpreter on its example inputs, for several vocabularies:
 *
 * <ul>
 *   <li>every example ANTLR accepts is accepted token by token (its canonical encoding), the mask allowing
 *       each next token, and end of sequence is allowed at the end; where end of sequence is allowed
 *       earlier, ANTLR accepts that prefix too (checked on a sample of prefixes);
 *   <li>the example with one token deleted or replaced by a random token is rejected no later than the
 *       token at which ANTLR reports its first error (or, when ANTLR accepts the changed text, accepted;
 *       when ANTLR reports its error before the change, an artefact of its lookahead, rejected somewhere
 *       at or after the change);
 *   <li>on a sample of steps, the mask agrees with {@link GrammarMatcher#isAllowed} on random tokens.
 * </ul>
 *
 * Inputs are capped ({@link Limits}) to keep the suite's running time modest.
 */
final class Conformance {
  /** How much to check: examples larger than {@code maxExampleBytes} are left out (and counted). */
  record Limits(int maxExamples, int maxExampleBytes, int mutationsPerExample, int maskEvery, int maxChecks) {}

  /** The outcome for one vocabulary. */
  static final class VocabResult {
    final String vocabulary;
    double compileMillis;
    int examples;
    int accepted;
    int mutations;
    int rejectedOnTime;
    int reportedBeforeChange; // of rejectedOnTime: ANTLR reported its error before the changed token
    final List<String> failures = new ArrayList<>();

    VocabResult(String vocabulary) {
      this.vocabulary = vocabulary;
    }

    boolean ok() {
      return failures.isEmpty();
    }
  }

  /** The outcome for one grammar. */
  static final class Result {
    final String grammar;
    String loadError; // null when it compiled
    int examplesTotal;
    int examplesTooLarge;
    int examplesExpectedToFail;
    final List<String> antlrRejects = new ArrayList<>();
    final Map<String, VocabResult> byVocabulary = new LinkedHashMap<>();

    Result(String grammar) {
      this.grammar = grammar;
    }

    boolean ok() {
      return loadError == null && byVocabulary.values().stream().allMatch(VocabResult::ok);
    }
  }

  /**
   * The whitespace cap raised to 1 MiB: several examples open with licence comments longer than the
   * default cap, which would (by design) cut them short. The cap itself is tested on its own.
   */
  static final GrammarCompiler.Options OPTIONS = GrammarCompiler.Options.defaults().withMaxSkipBytes(1 << 20);

  private Conformance() {}

  static Result run(GrammarsV4.Entry entry, Map<String, Tokenizer> tokenizers, Limits limits) {
    Result r = new Result(entry.id());
    List<AntlrGrammarLoader.Source> sources = entry.sources();
    Grammar grammar;
    try {
      grammar = AntlrGrammarLoader.fromSources(sources, entry.startRule());
    } catch (GrammarException e) {
      r.loadError = e.getMessage();
      return r;
    }
    AntlrOracle oracle = new AntlrOracle(sources, entry.startRule());
    List<String> texts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    r.examplesTotal = entry.examples().size();
    for (Path p : entry.examples()) {
      if (GrammarsV4.expectedToFail(p)) {
        r.examplesExpectedToFail++;
        continue;
      }
      long size;
      try {
        size = Files.size(p);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (size > limits.maxExampleBytes()) {
        r.examplesTooLarge++;
        continue;
      }
      if (texts.size() >= limits.maxExamples()) {
        continue;
      }
      String text;
      try {
        text = Files.readString(p, StandardCharsets.UTF_8);
      } catch (IOException e) {
        r.antlrRejects.add(p.getFileName() + " (not UTF-8)");
        continue;
      }
      if (!oracle.accepts(text)) {
        r.antlrRejects.add(String.valueOf(p.getFileName()));
        continue;
      }
      texts.add(text);
      names.add(String.valueOf(entry.dir().relativize(p)));
    }
    for (Map.Entry<String, Tokenizer> t : tokenizers.entrySet()) {
      VocabResult vr = new VocabResult(t.getKey());
      r.byVocabulary.put(t.getKey(), vr);
      CompiledGrammar cg;
      try {
        long t0 = System.nanoTime();
        cg = GrammarCompiler.compileUncached(grammar, t.getValue().vocabulary(), OPTIONS);
        vr.compileMillis = (System.nanoTime() - t0) / 1e6;
      } catch (GrammarException | IllegalArgumentException e) {
        r.loadError = e.getMessage();
        return r;
      }
      for (int i = 0; i < texts.size(); i++) {
        checkExample(cg, oracle, t.getValue(), names.get(i), texts.get(i), limits, vr,
            new SplittableRandom(names.get(i).hashCode() * 31L + t.getKey().hashCode()));
      }
    }
    return r;
  }

  private static void checkExample(CompiledGrammar cg, AntlrOracle oracle, Tokenizer tok, String name, String text,
      Limits limits, VocabResult vr, SplittableRandom rnd) {
    Vocabulary v = tok.vocabulary();
    int[] ids = tok.encode(text);
    int[] starts = new int[ids.length + 1];
    for (int i = 0; i < ids.length; i++) {
      starts[i + 1] = starts[i] + v.tokenBytes(ids[i]).length;
    }
    byte[] all = text.getBytes(StandardCharsets.UTF_8);
    vr.examples++;
    // Where the mutations go: forks of the matcher are taken there on the way.
    int nm = ids.length == 0 ? 0 : limits.mutationsPerExample();
    int[] mutAt = new int[nm];
    for (int m = 0; m < nm; m++) {
      mutAt[m] = rnd.nextInt(ids.length);
    }
    GrammarMatcher[] forks = new GrammarMatcher[nm];
    int eos = v.eosTokenIds()[0];
    GrammarMatcher m = cg.newMatcher();
    TokenMask mask = new TokenMask(v.size());
    int prefixChecks = 0;
    String failure = null;
    for (int i = 0; i <= ids.length && failure == null; i++) {
      for (int k = 0; k < nm; k++) {
        if (mutAt[k] == i) {
          forks[k] = m.fork();
        }
      }
      boolean eosAllowed = m.isAllowed(eos);
      if (i == ids.length) {
        if (!eosAllowed) {
          failure = name + ": end of sequence not allowed after the whole input";
        }
        break;
      }
      if (eosAllowed && prefixChecks < limits.maxChecks() && rnd.nextInt(4) == 0) {
        String prefix = utf8(all, 0, starts[i]);
        if (prefix != null) {
          prefixChecks++;
          if (!oracle.accepts(prefix)) {
            failure = name + ": end of sequence allowed at byte " + starts[i] + " but ANTLR rejects that prefix";
            break;
          }
        }
      }
      if (i % limits.maskEvery() == 0) {
        m.fillMask(mask);
        if (!mask.isAllowed(ids[i])) {
          failure = name + ": the mask forbids token " + i + " " + show(v, ids[i]) + " at byte " + starts[i];
          break;
        }
        if (mask.isAllowed(eos) != eosAllowed) {
          failure = name + ": the mask and isAllowed disagree on end of sequence at byte " + starts[i];
          break;
        }
        for (int probe = 0; probe < 16; probe++) {
          int id = rnd.nextInt(v.size());
          if (v.isSpecial(id) || v.isEos(id)) {
            continue;
          }
          if (mask.isAllowed(id) != m.isAllowed(id)) {
            failure = name + ": the mask and isAllowed disagree on token " + show(v, id) + " at byte " + starts[i];
            break;
          }
        }
      }
      if (failure == null && !m.acceptToken(ids[i])) {
        failure = name + ": rejected at byte " + starts[i] + " (token " + i + " " + show(v, ids[i]) + ", context "
            + context(all, starts[i]) + ")";
      }
    }
    if (failure != null) {
      vr.failures.add(failure);
      return;
    }
    vr.accepted++;
    for (int k = 0; k < nm; k++) {
      String f = mutate(forks[k], oracle, v, ids, starts, mutAt[k], rnd, name, vr);
      if (f != null) {
        vr.failures.add(f);
      }
    }
  }

  /** One deletion or replacement at {@code at}, fed to a matcher forked there; a failure message or null. */
  private static String mutate(GrammarMatcher m, AntlrOracle oracle, Vocabulary v, int[] ids, int[] starts, int at,
      SplittableRandom rnd, String name, VocabResult vr) {
    boolean delete = rnd.nextBoolean();
    int[] changed;
    String what;
    if (delete) {
      changed = new int[ids.length - 1];
      System.arraycopy(ids, 0, changed, 0, at);
      System.arraycopy(ids, at + 1, changed, at, ids.length - at - 1);
      what = "token " + at + " " + show(v, ids[at]) + " deleted";
    } else {
      int r;
      do {
        r = rnd.nextInt(v.size());
      } while (r == ids[at] || v.isSpecial(r) || v.isEos(r) || v.tokenBytes(r) == null
          || utf8(v.tokenBytes(r), 0, v.tokenBytes(r).length) == null);
      changed = ids.clone();
      changed[at] = r;
      what = "token " + at + " " + show(v, ids[at]) + " replaced by " + show(v, r);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int[] cs = new int[changed.length + 1];
    for (int i = 0; i < changed.length; i++) {
      byte[] b = v.tokenBytes(changed[i]);
      out.write(b, 0, b.length);
      cs[i + 1] = cs[i] + b.length;
    }
    byte[] bytes = out.toByteArray();
    String text = utf8(bytes, 0, bytes.length);
    if (text == null) {
      return null; // the change split a character: not a text ANTLR can judge
    }
    vr.mutations++;
    int errorEnd = oracle.errorEnd(text);
    // ANTLR may report an error at a token before the change: its prediction looked ahead past the token
    // and its recovery reports at the decision's start. The unchanged prefix was accepted as part of the
    // original, so there the engine (which rejects at the first byte no sentence continues) must reject
    // somewhere at or after the change, but ANTLR's position is no bound.
    boolean reportedBefore = errorEnd >= 0 && errorEnd <= cs[at];
    for (int i = at; i < changed.length; i++) {
      if (errorEnd >= 0 && !reportedBefore && cs[i] > errorEnd) {
        return name + ": " + what + ": ANTLR reports an error ending at byte " + errorEnd
            + " but the engine still accepts token " + i + " at byte " + cs[i];
      }
      if (!m.acceptToken(changed[i])) {
        if (errorEnd < 0) {
          return name + ": " + what + ": ANTLR accepts the changed text but the engine rejects token " + i
              + " " + show(v, changed[i]) + " at byte " + cs[i];
        }
        vr.rejectedOnTime++;
        if (reportedBefore) {
          vr.reportedBeforeChange++;
        }
        return null;
      }
    }
    boolean eos = m.isAllowed(v.eosTokenIds()[0]);
    if (errorEnd < 0 && !eos) {
      return name + ": " + what + ": ANTLR accepts the changed text but the engine does not allow end of sequence";
    }
    if (errorEnd >= 0 && eos) {
      return name + ": " + what + ": ANTLR reports an error ending at byte " + errorEnd
          + " but the engine accepts the whole changed text";
    }
    vr.rejectedOnTime++;
    if (reportedBefore) {
      vr.reportedBeforeChange++;
    }
    return null;
  }

  static String utf8(byte[] b, int from, int to) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, from, to - from)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static String show(Vocabulary v, int id) {
    return id + " '" + escape(new String(v.tokenBytes(id), StandardCharsets.UTF_8)) + "'";
  }

  private static String context(byte[] all, int at) {
    int from = Math.max(0, at - 30);
    int to = Math.min(all.length, at + 10);
    return "'" + escape(new String(all, from, at - from, StandardCharsets.UTF_8)) + "|"
        + escape(new String(all, at, to - at, StandardCharsets.UTF_8)) + "'";
  }

  static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
  }
}
