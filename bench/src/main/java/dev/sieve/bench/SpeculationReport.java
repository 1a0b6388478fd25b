package dev.sieve.bench;

import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.generate.StandardChainFactory;
import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.speculative.SpeculativeMode;
import dev.sieve.grammars.BundledGrammars;
import dev.sieve.grammars.CompiledGrammar;
import dev.sieve.grammars.GrammarCompiler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A measured run of plain decoding against token recycling on the bundled model, <b>interleaved</b>: every
 * round runs each prompt once in every setting, one after the other, so a change in machine load hits
 * all settings alike and the ratios stay fair where absolute speeds drift (a shared machine). Prints a
 * Markdown table per kind of output: tokens per second of the decode phase, the ratio to plain
 * decoding, and mean tokens per forward. Every generation starts with a cold recycler.
 *
 * <p>Within a round every setting generates the same tokens for a prompt (same seed; speculation is
 * lossless), one right after the other, so each pair (plain, setting) is a like-for-like comparison under
 * the same load: the "median paired" column is the median over all (round, prompt) pairs of plain decode
 * time over the setting's. On a loaded machine it is steadier than the ratio of summed times, which one
 * stalled generation can swing.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.sieve.bench.SpeculationReport [rounds] [kinds...]</pre>
 */
public final class SpeculationReport {
  private static final String[] SETTINGS = {"plain", "4", "8", "16", "32", "80", "auto"};

  private SpeculationReport() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    List<String> kinds = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : List.of("free", "json", "repetitive");
    try (OnnxLanguageModel model = OnnxLanguageModel.load(BundledModel.path())) {
      CompiledGrammar json = GrammarCompiler.compile(BundledGrammars.load("json"), model.tokenizer().vocabulary());
      System.out.println("| kind | setting | tokens/s | vs plain | median paired | tokens per forward | decode ms |");
      System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
      for (String kind : kinds) {
        // one generator per setting, so each auto tuner learns from its own runs only
        List<Generator> generators = new ArrayList<>();
        for (int i = 0; i < SETTINGS.length; i++) {
          generators.add(new Generator(model, StandardChainFactory.INSTANCE));
        }
        double[] ms = new double[SETTINGS.length];
        long[] tokens = new long[SETTINGS.length];
        long[] forwards = new long[SETTINGS.length];
        List<String> prompts = SpeculativeDecodingBenchmark.prompts(kind);
        double[][] each = new double[SETTINGS.length][rounds * prompts.size()];
        for (int round = -1; round < rounds; round++) { // round -1 warms the JIT and the auto tuners
          for (int p = 0; p < prompts.size(); p++) {
            for (int k = 0; k < SETTINGS.length; k++) {
              int s = (k + p + Math.max(0, round)) % SETTINGS.length; // rotate the order too
              Generator g = generators.get(s);
              g.recycler().reset();
              GenerationConfig c = SpeculativeDecodingBenchmark.config(g, model, kind, SETTINGS[s]).toBuilder()
                  .seed(1000L * Math.max(0, round) + p).build();
              List<LogitsProcessor> procs = "json".equals(kind) ? List.of(json.newConstraint()) : List.of();
              GenerationResult r = g.generate(GenerationRequest.text(prompts.get(p)).withConfig(c).withProcessors(procs));
              if (round >= 0) {
                ms[s] += r.timings().decodeMs();
                each[s][round * prompts.size() + p] = r.timings().decodeMs();
                int n = r.tokens().length;
                tokens[s] += Math.max(0, n - 1); // the first token comes from the prefill
                Object f = r.measurements().get("speculative.forwards");
                forwards[s] += f != null ? ((Number) f).longValue() : Math.max(0, n - 1);
              }
            }
          }
        }
        double plainRate = tokens[0] / (ms[0] / 1000);
        for (int s = 0; s < SETTINGS.length; s++) {
          double rate = tokens[s] / (ms[s] / 1000);
          double[] paired = new double[each[s].length];
          for (int i = 0; i < paired.length; i++) {
            paired[i] = each[0][i] / each[s][i];
          }
          Arrays.sort(paired);
          double median = paired.length % 2 == 1 ? paired[paired.length / 2]
              : (paired[paired.length / 2 - 1] + paired[paired.length / 2]) / 2;
          System.out.printf("| %s | %s | %.1f | %.2fx | %.2fx | %.2f | %.0f |%n", kind, SETTINGS[s], rate, rate / plainRate,
              median, forwards[s] == 0 ? 0 : (double) tokens[s] / forwards[s], ms[s]);
        }
      }
    }
  }
}
