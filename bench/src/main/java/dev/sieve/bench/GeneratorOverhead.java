package dev.sieve.bench;

import dev.sieve.decoding.generate.ChatMessage;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.generate.Timings;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The generator's own share of decode time on the bundled model: for each of many generations of
 * {@value DecodeBenchmark#NEW_TOKENS} tokens, {@link Timings#overheadFraction()} (decode time outside
 * {@code LanguageModel.forward}, over decode time, both timed inside the generation), after a warm-up.
 * Prints the median and 90th percentile of that share, the share over all runs together (total time outside
 * forward over total decode time), and the decode speed, for the greedy and the sampled chain.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.sieve.bench.GeneratorOverhead [runs]</pre>
 */
public final class GeneratorOverhead {
  private GeneratorOverhead() {}

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    try (OnnxLanguageModel model = OnnxLanguageModel.load(BundledModel.path())) {
      Generator generator = new Generator(model);
      System.out.println("chain    runs  overhead median  overhead p90  overhead all runs  decode tokens/s (median)  outside forward per token (median)");
      for (String chain : List.of("greedy", "sampled")) {
        GenerationRequest request = GenerationRequest.chat(List.of(ChatMessage.user(DecodeBenchmark.PROMPT)))
            .withConfig(DecodeBenchmark.config(generator, chain));
        for (int i = 0; i < runs / 2 + 20; i++) {
          generator.generate(request); // warm-up: JIT and ONNX Runtime's allocations
        }
        double[] overhead = new double[runs];
        double[] speed = new double[runs];
        double[] outsideUs = new double[runs];
        double outsideMs = 0;
        double decodeMs = 0;
        for (int i = 0; i < runs; i++) {
          GenerationResult r = generator.generate(request);
          Timings t = r.timings();
          overhead[i] = t.overheadFraction();
          speed[i] = t.tokensPerSecond();
          outsideUs[i] = overhead[i] * t.decodeMs() * 1000 / t.generatedTokens();
          outsideMs += overhead[i] * t.decodeMs();
          decodeMs += t.decodeMs();
        }
        System.out.printf(Locale.ROOT, "%-8s %4d  %14.2f%%  %11.2f%%  %16.2f%%  %24.0f  %31.1f us%n", chain, runs,
            100 * percentile(overhead, 0.5), 100 * percentile(overhead, 0.9), 100 * outsideMs / decodeMs, percentile(speed, 0.5),
            percentile(outsideUs, 0.5));
      }
    }
  }

  private static double percentile(double[] values, double p) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.floor(p * (s.length - 1) + 0.5))];
  }
}
