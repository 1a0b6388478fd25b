package dev.sieve.bench;

import dev.sieve.decoding.generate.ChatMessage;
import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.ForwardInput;
import dev.sieve.decoding.model.KvCache;
import dev.sieve.decoding.model.OnnxLanguageModel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * End-to-end decoding on the bundled model, in generated tokens per second (one operation = one token).
 *
 * <p>{@code generate}: a whole {@link Generator#generate} of {@value #NEW_TOKENS} new tokens from a chat
 * prompt (tokenizing, prefill, the processor chain, sampling, detokenizing, stop-string bookkeeping);
 * end of sequence is switched off so every run decodes exactly {@value #NEW_TOKENS} tokens.
 * {@code forwardOnly}: the same prefill and the same {@value #NEW_TOKENS}-1 decode forwards fed straight to
 * the model with the tokens {@code generate} chose, and nothing else. The gap between the two is the
 * generator's own time; {@link GeneratorOverhead} measures it inside each generation as well.
 *
 * <p>{@code chain=greedy} is argmax with no processors; {@code chain=sampled} is the model's
 * generation_config.json chain (temperature 0.7, top-k 40, top-p 0.95) with a fixed seed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class DecodeBenchmark {
  static final int NEW_TOKENS = 64;
  static final String PROMPT = "Write a JSON record for a book.";

  @Param({"greedy", "sampled"})
  public String chain;

  private OnnxLanguageModel model;
  private Generator generator;
  private GenerationRequest request;
  private int[] promptTokens;
  private int[] generated;

  @Setup(Level.Trial)
  public void setUp() {
    model = OnnxLanguageModel.load(BundledModel.path());
    generator = new Generator(model);
    request = GenerationRequest.chat(List.of(ChatMessage.user(PROMPT))).withConfig(config(generator, chain));
    GenerationResult r = generator.generate(request);
    if (r.tokens().length != NEW_TOKENS) {
      throw new IllegalStateException("expected " + NEW_TOKENS + " tokens, got " + r);
    }
    promptTokens = r.promptTokens();
    generated = r.tokens();
  }

  /** The settings of the benchmark: {@value #NEW_TOKENS} tokens, no end of sequence, greedy or the model's sampling chain. */
  static GenerationConfig config(Generator generator, String chain) {
    GenerationConfig.Builder b = generator.defaults().toBuilder().maxNewTokens(NEW_TOKENS).eosTokenIds(new int[0]);
    return switch (chain) {
      case "greedy" -> b.doSample(false).build();
      case "sampled" -> b.doSample(true).seed(1).build();
      default -> throw new IllegalArgumentException("chain must be greedy or sampled, got " + chain);
    };
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    model.close();
  }

  @Benchmark
  @OperationsPerInvocation(NEW_TOKENS)
  public GenerationResult generate() {
    return generator.generate(request);
  }

  @Benchmark
  @OperationsPerInvocation(NEW_TOKENS)
  public void forwardOnly(Blackhole bh) {
    try (KvCache cache = model.newCache(1)) {
      bh.consume(model.forward(cache, ForwardInput.of(promptTokens)));
      for (int i = 0; i < NEW_TOKENS - 1; i++) {
        bh.consume(model.forward(cache, ForwardInput.of(generated[i])));
      }
    }
  }
}
