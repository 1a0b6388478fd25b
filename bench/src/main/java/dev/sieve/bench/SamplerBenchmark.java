package dev.sieve.bench;

import dev.sieve.decoding.logits.TokenHistory;
import dev.sieve.decoding.logits.TopKProcessor;
import dev.sieve.decoding.sampling.GreedySampler;
import dev.sieve.decoding.sampling.MultinomialSampler;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sampler latency on realistic seeded logits: greedy over the full vocabulary, multinomial over the
 * full vocabulary (every token finite: one exponential per token), and multinomial after top-k 50
 * (the usual case: a scan plus 50 exponentials). The logits are not modified by sampling, so no copy.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SamplerBenchmark {
  @Param({"50257", "200019"})
  public int vocabularySize;

  private float[] full;
  private float[] topK;
  private MultinomialSampler multinomial;
  private final GreedySampler greedy = new GreedySampler();

  @Setup(Level.Trial)
  public void setUp() {
    full = LogitsChainBenchmark.realisticLogits(vocabularySize, 99L);
    topK = full.clone();
    new TopKProcessor(50).process(new TokenHistory(new int[0]), topK);
    multinomial = new MultinomialSampler(5L);
  }

  @Benchmark
  public int greedyFullVocabulary() {
    return greedy.sample(full);
  }

  @Benchmark
  public int multinomialFullVocabulary() {
    return multinomial.sample(full);
  }

  @Benchmark
  public int multinomialAfterTopK50() {
    return multinomial.sample(topK);
  }
}
