package dev.sieve.bench;

import dev.sieve.decoding.logits.LogitBlocks;
import dev.sieve.decoding.logits.RepetitionPenaltyProcessor;
import dev.sieve.decoding.logits.TemperatureProcessor;
import dev.sieve.decoding.logits.TokenHistory;
import dev.sieve.decoding.logits.TopKProcessor;
import dev.sieve.decoding.logits.TopPProcessor;
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
 * The default chain taken apart, to see where a step's time goes: each stage runs on the logits it
 * would see in the chain (copied fresh from a prepared buffer; {@code copy} is that copy alone).
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ChainStagesBenchmark {
  @Param({"200019"})
  public int vocabularySize;

  private float[] raw;
  private float[] afterTopK;
  private float[] work;
  private TokenHistory history;
  private final RepetitionPenaltyProcessor repetition = new RepetitionPenaltyProcessor(1.1f);
  private final TemperatureProcessor temperature = new TemperatureProcessor(0.8f);
  private final TopKProcessor topK = new TopKProcessor(50);
  private final TopPProcessor topP = new TopPProcessor(0.95);
  private final MultinomialSampler sampler = new MultinomialSampler(3);

  @Setup(Level.Trial)
  public void setUp() {
    raw = LogitsChainBenchmark.realisticLogits(vocabularySize, 11L);
    history = LogitsChainBenchmark.history(vocabularySize, 7L);
    afterTopK = raw.clone();
    new TopKProcessor(50).process(history, afterTopK);
    work = new float[vocabularySize];
  }

  @Benchmark
  public float copy() {
    System.arraycopy(raw, 0, work, 0, work.length);
    return work[0];
  }

  /** Walking the allowed ids of top-k's output: what top-p and the sampler pay to find them. */
  @Benchmark
  public int walkAllowedAfterTopK() {
    int sum = 0;
    for (int i = LogitBlocks.first(afterTopK); i >= 0; i = LogitBlocks.next(afterTopK, i)) {
      sum += i;
    }
    return sum;
  }

  @Benchmark
  public float repetitionPenalty() {
    System.arraycopy(raw, 0, work, 0, work.length);
    repetition.process(history, work);
    return work[0];
  }

  @Benchmark
  public float temperature() {
    System.arraycopy(raw, 0, work, 0, work.length);
    temperature.process(history, work);
    return work[0];
  }

  @Benchmark
  public float topK50() {
    System.arraycopy(raw, 0, work, 0, work.length);
    topK.process(history, work);
    return work[0];
  }

  @Benchmark
  public float topPAfterTopK() {
    System.arraycopy(afterTopK, 0, work, 0, work.length);
    topP.process(history, work);
    return work[0];
  }

  @Benchmark
  public int sampleAfterTopK() {
    return sampler.sample(afterTopK);
  }
}
