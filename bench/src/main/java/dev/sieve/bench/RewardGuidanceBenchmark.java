package dev.sieve.bench;

import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.rewardmodels.RewardGuidance;
import dev.sieve.rewardmodels.RewardModel;
import dev.sieve.rewardmodels.RewardModels;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reward guidance's cost per generated token on the bundled model: one operation generates
 * {@link #TOKENS} tokens greedily from a 9-token prompt (no end of sequence), unguided, with ARM guidance
 * (one reward forward per token) and with RAD guidance at k = 20 (the 20 candidates in one batched reward
 * forward per token). Divide the score by {@link #TOKENS} for the time per token (the prompt's prefill is
 * included in both and is one forward of 9 tokens).
 *
 * <p>The system property {@code sieve.bench.arm} (a directory) replaces the bundled ARM model, to compare
 * reward models of other sizes or layouts under the same code.
 *
 * <p>{@code interleaved} runs all three in one operation, rotating which goes first, and sums each one's time
 * into the counters {@code unguidedNs}, {@code armNs} and {@code radNs}: on a shared machine whose load drifts,
 * their ratios are the fair comparison.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dsieve.threads=1")
public class RewardGuidanceBenchmark {
  public static final int TOKENS = 32;
  private static final String PROMPT = "The meeting about the new timetable was";

  private OnnxLanguageModel base;
  private RewardModel arm;
  private RewardModel rad;
  private Generator generator;
  private GenerationConfig config;

  @Setup(Level.Trial)
  public void setUp() {
    Path models = BundledModel.path().getParent();
    base = OnnxLanguageModel.load(BundledModel.path());
    String armDir = System.getProperty("sieve.bench.arm");
    arm = RewardModels.load(armDir != null && !armDir.isBlank() ? Path.of(armDir) : models.resolve("sieve-sentiment-arm"),
        base.tokenizer().vocabulary());
    rad = RewardModels.load(models.resolve("sieve-sentiment-rad"), base.tokenizer().vocabulary());
    generator = new Generator(base);
    config = generator.defaults().toBuilder().doSample(false).maxNewTokens(TOKENS).eosTokenIds(new int[] {-1}).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arm.close();
    rad.close();
    base.close();
  }

  private int run(RewardModel model) {
    GenerationRequest request = GenerationRequest.text(PROMPT).withConfig(config);
    if (model == null) {
      return generator.generate(request).tokens().length;
    }
    try (RewardGuidance guidance = new RewardGuidance(model, 5.0, 20, false)) {
      return generator.generate(request.withProcessors(List.of(guidance))).tokens().length;
    }
  }

  /** Time spent in each setting by {@link #interleaved}, summed per iteration. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class GuidanceTimes {
    public long unguidedNs;
    public long armNs;
    public long radNs;

    @Setup(Level.Iteration)
    public void clear() {
      unguidedNs = 0;
      armNs = 0;
      radNs = 0;
    }
  }

  private int turn;

  @Benchmark
  public int interleaved(GuidanceTimes times) {
    turn = (turn + 1) % 3;
    int n = 0;
    for (int i = 0; i < 3; i++) {
      int which = (turn + i) % 3;
      long t0 = System.nanoTime();
      n += run(which == 0 ? null : which == 1 ? arm : rad);
      long dt = System.nanoTime() - t0;
      switch (which) {
        case 0 -> times.unguidedNs += dt;
        case 1 -> times.armNs += dt;
        default -> times.radNs += dt;
      }
    }
    return n;
  }

  @Benchmark
  public int unguided() {
    return run(null);
  }

  @Benchmark
  public int arm() {
    return run(arm);
  }

  @Benchmark
  public int radTop20() {
    return run(rad);
  }
}
