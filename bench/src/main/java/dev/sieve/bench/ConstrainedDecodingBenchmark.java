package dev.sieve.bench;

import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.refusal.RefusalScorer;
import dev.sieve.decoding.refusal.RefusalTokens;
import dev.sieve.grammars.BundledGrammars;
import dev.sieve.grammars.CompiledGrammar;
import dev.sieve.grammars.GrammarCompiler;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Decoding speed on the bundled model with and without a grammar constraint (the bundled json grammar), for
 * the chat request "Write a JSON record for a book.":
 * the {@code tokens} counter is generated tokens per second. Greedy decoding checks the constraint lazily
 * (sample, check the one token, mask only when rejected); sampling applies it eagerly (the truncating
 * warpers follow it in the chain).
 *
 * <p>{@link #interleaved} is the measurement behind the goal "constrained decoding ≥ 90% of unconstrained
 * tokens/s": each operation generates once without and once with the grammar, from the same request, so
 * both see the same machine load (the development machine is shared and noisy), and it compares
 * <em>decode-phase</em> throughput (tokens per second after the prompt's forward, {@code Timings}). The
 * plain {@code tokens} counters above also charge the prompt's forward and the request set-up to the
 * generated tokens; constrained JSON stops at the end of the object, unconstrained output may go on
 * to the token limit, so those fixed costs weigh differently per token. At the end of the
 * trial it prints, over the measurement iterations: decode tokens/s of both, their ratio, the time per
 * token outside the model's forward of both, and the ratio with the forward time equalised (the
 * constraint's own cost per token added to the unconstrained token time; constrained outputs are shorter,
 * and a shorter context makes their forward slightly cheaper).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xss8m", "-Xmx4g"})
public class ConstrainedDecodingBenchmark {
  @Param({"greedy", "sample"})
  public String decoding;

  private OnnxLanguageModel model;
  private Generator generator;
  private CompiledGrammar json;
  private GenerationConfig config;
  private long seed;
  private int[] prompt;

  /** Generated tokens, reported per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Tokens {
    public long tokens;

    @Setup(Level.Iteration)
    public void reset() {
      tokens = 0;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    model = OnnxLanguageModel.load(BundledModel.path());
    generator = new Generator(model);
    json = GrammarCompiler.compile(BundledGrammars.load("json"), model.tokenizer().vocabulary());
    // The model's chat format, its answer opened with [respond] as the model's answers are: the model then
    // writes a JSON record (a raw-text prompt gets a bare number or a one-element list under the grammar).
    int[] chat = new RefusalScorer(model).chatPrompt("Write a JSON record for a book.");
    prompt = java.util.Arrays.copyOf(chat, chat.length + 1);
    prompt[chat.length] = RefusalTokens.of(model).respondId();
    config = GenerationConfig.builder().maxNewTokens(64).doSample(decoding.equals("sample")).temperature(1.0)
        .seed(1).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    model.close();
  }

  private GenerationRequest request() {
    return GenerationRequest.tokens(prompt)
        .withConfig(config.toBuilder().seed(++seed).build());
  }

  /** Decode-phase totals of the measurement iterations of {@link #interleaved}. */
  private final double[] decodeMs = new double[2];
  private final double[] forwardMs = new double[2];
  private final long[] decoded = new long[2];
  private boolean measuring;

  @Setup(Level.Iteration)
  public void iteration(IterationParams params) {
    measuring = params.getType() == IterationType.MEASUREMENT;
  }

  @Benchmark
  public void interleaved(Tokens t) {
    GenerationRequest request = request();
    GenerationResult free = generator.generate(request);
    GenerationResult constrained = generator.generate(request.withProcessors(List.of(json.newConstraint())));
    t.tokens += free.tokens().length + constrained.tokens().length;
    if (measuring) {
      add(0, free);
      add(1, constrained);
    }
  }

  private void add(int k, GenerationResult r) {
    decodeMs[k] += r.timings().decodeMs();
    forwardMs[k] += r.timings().forwardMs() - r.timings().prefillMs();
    decoded[k] += r.timings().generatedTokens();
  }

  @TearDown(Level.Trial)
  public void report() {
    if (decoded[0] == 0 || decoded[1] == 0) {
      return;
    }
    double[] perToken = new double[2];
    double[] outside = new double[2];
    for (int k = 0; k < 2; k++) {
      perToken[k] = decodeMs[k] / decoded[k];
      outside[k] = (decodeMs[k] - forwardMs[k]) / decoded[k];
    }
    double equalised = perToken[0] / (perToken[0] + Math.max(0, outside[1] - outside[0]));
    System.out.printf("%ninterleaved (%s): decode tokens/s unconstrained %.0f, json %.0f, ratio %.1f%%; "
            + "outside the forward per token %.1f us vs %.1f us; ratio with equal forwards %.1f%%; "
            + "%d and %d tokens%n",
        decoding, 1000 / perToken[0], 1000 / perToken[1], 100 * perToken[0] / perToken[1], 1000 * outside[0],
        1000 * outside[1], 100 * equalised, decoded[0], decoded[1]);
  }

  @Benchmark
  public GenerationResult unconstrained(Tokens t) {
    GenerationResult r = generator.generate(request());
    t.tokens += r.tokens().length;
    return r;
  }

  @Benchmark
  public GenerationResult json(Tokens t) {
    GenerationResult r = generator.generate(request().withProcessors(List.of(json.newConstraint())));
    t.tokens += r.tokens().length;
    return r;
  }
}
