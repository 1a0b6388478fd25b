package dev.sieve.grammars;

import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.tokenizer.HuggingFaceTokenizer;
import dev.sieve.decoding.tokenizer.TiktokenTokenizer;
import dev.sieve.decoding.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The per-grammar conformance table (markdown) of grammars-v4, as written into grammars/README.md. */
final class ConformanceReport {
  private ConformanceReport() {}

  static Map<String, Tokenizer> tokenizers() {
    Map<String, Tokenizer> t = new LinkedHashMap<>();
    try {
      t.put("bundled", HuggingFaceTokenizer.load(BundledModel.path()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    t.put("cl100k", TiktokenTokenizer.named("cl100k"));
    t.put("o200k", TiktokenTokenizer.named("o200k"));
    return t;
  }

  static String header(Map<String, Tokenizer> tokenizers) {
    StringBuilder sb = new StringBuilder("| grammar | compiles | examples checked |");
    for (String v : tokenizers.keySet()) {
      sb.append(" accepted, ").append(v).append(" |");
    }
    sb.append(" changed inputs rejected in time (all vocabularies) |\n|---|---|---|");
    sb.append("---|".repeat(tokenizers.size())).append("---|\n");
    return sb.toString();
  }

  static String row(Conformance.Result r) {
    StringBuilder sb = new StringBuilder("| ").append(r.grammar).append(" | ");
    if (r.loadError != null) {
      String msg = r.loadError.replace("|", "\\|");
      int slash = msg.lastIndexOf('/', Math.max(0, msg.indexOf(':')));
      return sb.append("no: ").append(msg.substring(slash + 1)).append(" | | | | | |").toString();
    }
    double ms = r.byVocabulary.values().stream().mapToDouble(v -> v.compileMillis).max().orElse(0);
    sb.append(String.format(Locale.ROOT, "yes (%.0f ms) | ", ms));
    int examples = r.byVocabulary.values().stream().mapToInt(v -> v.examples).findFirst().orElse(0);
    sb.append(examples).append(" of ").append(r.examplesTotal);
    if (r.examplesTooLarge > 0) {
      sb.append(", ").append(r.examplesTooLarge).append(" too large");
    }
    if (r.examplesExpectedToFail > 0) {
      sb.append(", ").append(r.examplesExpectedToFail).append(" marked .errors");
    }
    if (!r.antlrRejects.isEmpty()) {
      sb.append(", ").append(r.antlrRejects.size()).append(" rejected by ANTLR");
    }
    sb.append(" |");
    int mut = 0;
    int onTime = 0;
    int before = 0;
    for (Conformance.VocabResult v : r.byVocabulary.values()) {
      sb.append(' ').append(v.accepted).append('/').append(v.examples).append(" |");
      mut += v.mutations;
      onTime += v.rejectedOnTime;
      before += v.reportedBeforeChange;
    }
    sb.append(' ').append(onTime).append('/').append(mut);
    if (before > 0) {
      sb.append(" (").append(before).append(" reported by ANTLR before the change)");
    }
    sb.append(" |");
    return sb.toString();
  }

  /** Usage: ConformanceReport [maxExamples maxBytes mutations maskEvery] [grammar folder...]. */
  public static void main(String[] args) {
    Path root = GrammarsV4.root().orElseThrow(() -> new IllegalStateException(GrammarsV4.absentMessage()));
    Conformance.Limits limits = args.length >= 4
        ? new Conformance.Limits(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]),
            Integer.parseInt(args[3]), 5)
        : GrammarsV4ConformanceTest.LIMITS;
    List<String> only = args.length > 4 ? List.of(args).subList(4, args.length) : List.of();
    Map<String, Tokenizer> toks = tokenizers();
    System.out.print(header(toks));
    StringBuilder failures = new StringBuilder();
    for (GrammarsV4.Entry e : GrammarsV4.entries(root)) {
      if (!only.isEmpty() && !only.contains(e.folder())) {
        continue;
      }
      long t0 = System.nanoTime();
      Conformance.Result r = Conformance.run(e, toks, limits);
      System.out.println(row(r));
      System.err.printf(Locale.ROOT, "%s: %.1f s%n", e.id(), (System.nanoTime() - t0) / 1e9);
      for (Conformance.VocabResult v : r.byVocabulary.values()) {
        for (String f : v.failures) {
          failures.append(r.grammar).append(" [").append(v.vocabulary).append("] ").append(f).append('\n');
        }
      }
      for (String a : r.antlrRejects) {
        failures.append(r.grammar).append(": ANTLR rejects ").append(a).append('\n');
      }
    }
    System.out.println();
    System.out.print(failures);
  }
}
