package dev.sieve.bench;

import dev.sieve.decoding.logits.LogitsProcessorChain;
import dev.sieve.decoding.logits.LogitsProcessors;
import dev.sieve.decoding.logits.SamplingSettings;
import dev.sieve.decoding.logits.TokenHistory;
import dev.sieve.decoding.sampling.MultinomialSampler;
import java.util.SplittableRandom;
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
 * One decoding step's work after the model: the default chain (repetition penalty 1.1, temperature 0.8,
 * top-k 50, top-p 0.95) then a seeded multinomial draw, at the vocabulary sizes of r50k/p50k (50257),
 * cl100k (100277) and o200k (200019).
 *
 * <p>Logits are realistic: a Zipf-like falloff over a random permutation of the vocabulary plus Gaussian
 * noise (a few tokens carry most of the mass, a long flat tail), seeded. Each invocation copies the
 * pristine logits into the working buffer first (that copy is part of the measured time, so the numbers
 * are an upper bound), and the history holds a 200-token prompt plus 100 generated tokens.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LogitsChainBenchmark {
  @Param({"50257", "100277", "200019"})
  public int vocabularySize;

  private float[] pristine;
  private float[] logits;
  private TokenHistory history;
  private LogitsProcessorChain chain;
  private MultinomialSampler sampler;

  /** Seeded logits shaped like a language model's: a steep head and a long noisy tail. */
  static float[] realisticLogits(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] rank = new int[n];
    for (int i = 0; i < n; i++) {
      rank[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = rank[i];
      rank[i] = rank[j];
      rank[j] = t;
    }
    float[] logits = new float[n];
    for (int i = 0; i < n; i++) {
      logits[i] = (float) (12.0 - 2.2 * Math.log1p(rank[i]) + 0.8 * gaussian(random));
    }
    return logits;
  }

  private static double gaussian(SplittableRandom random) {
    double u = Math.max(random.nextDouble(), 1e-300);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  static TokenHistory history(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] prompt = new int[200];
    for (int i = 0; i < prompt.length; i++) {
      prompt[i] = random.nextInt(n);
    }
    TokenHistory h = new TokenHistory(prompt);
    for (int i = 0; i < 100; i++) {
      h.append(random.nextInt(n));
    }
    return h;
  }

  static SamplingSettings defaultSettings() {
    return SamplingSettings.DEFAULTS.withRepetitionPenalty(1.1).withTemperature(0.8).withTopK(50).withTopP(0.95).withSeed(1L);
  }

  @Setup(Level.Trial)
  public void setUp() {
    pristine = realisticLogits(vocabularySize, 20261202L + vocabularySize);
    logits = new float[vocabularySize];
    history = history(vocabularySize, 7L);
    chain = LogitsProcessors.defaultChain(defaultSettings(), 0);
    sampler = new MultinomialSampler(1L);
  }

  /** The goal: at most 150 µs median per token at 200019. */
  @Benchmark
  public int defaultChainAndSample() {
    System.arraycopy(pristine, 0, logits, 0, logits.length);
    chain.process(history, logits);
    return sampler.sample(logits);
  }

  /** The copy alone, to subtract from the figure above. */
  @Benchmark
  public float copyOnly() {
    System.arraycopy(pristine, 0, logits, 0, logits.length);
    return logits[0];
  }
}
