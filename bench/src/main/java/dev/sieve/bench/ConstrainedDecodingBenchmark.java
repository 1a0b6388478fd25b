package dev.sieve.bench;

import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
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

/**
 * Decoding speed on the bundled model with and without a grammar constraint (the bundled json grammar):
 * the {@code tokens} counter is generated tokens per second. Greedy decoding checks the constraint lazily
 * (sample, check the one token, mask only when rejected); sampling applies it eagerly (the truncating
 * warpers follow it in the chain).
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
    config = GenerationConfig.builder().maxNewTokens(64).doSample(decoding.equals("sample")).temperature(1.0)
        .seed(1).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    model.close();
  }

  private GenerationRequest request() {
    return GenerationRequest.text("A JSON object describing a cat:\n")
        .withConfig(config.toBuilder().seed(++seed).build());
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
