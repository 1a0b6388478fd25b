package dev.sieve.bench;

import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.ForwardInput;
import dev.sieve.decoding.model.KvCache;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.prompt.PromptLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
 * The prefill of a set-based prompt against an ordinary prompt of the same number of tokens, on the bundled
 * model: a 16-token prefix, a set of {@code members} equally long members, a 16-token suffix. The set-based
 * prefill includes laying out the bias (positions and the [n, n] pattern); the ordinary one lets the runtime
 * build its causal pattern. Each operation is one prefill on a fresh cache.
 *
 * <p>{@code interleaved} runs both in one operation, alternating which goes first, and sums each one's time
 * into the counters {@code ordinaryNs} and {@code setBasedNs}: on a shared machine whose load drifts, their
 * ratio is the fair comparison (both saw the same load), where the two separate benchmarks ran minutes apart.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class SetBasedPrefillBenchmark {
  @Param({"128", "512"})
  public int promptTokens;

  @Param({"4"})
  public int members;

  private OnnxLanguageModel model;
  private PromptLayout layout;
  private int[] tokens;

  @Setup(Level.Trial)
  public void setUp() {
    model = OnnxLanguageModel.load(BundledModel.path());
    SplittableRandom rnd = new SplittableRandom(42);
    int vocab = model.capabilities().vocabSize();
    int memberLength = (promptTokens - 32) / members;
    int[] prefix = rnd.ints(16, 10, vocab).toArray();
    int[] suffix = rnd.ints(16, 10, vocab).toArray();
    List<int[]> set = new ArrayList<>();
    for (int m = 0; m < members; m++) {
      set.add(rnd.ints(memberLength, 10, vocab).toArray());
    }
    layout = PromptLayout.builder().text(prefix).set(set).text(suffix).build();
    tokens = layout.tokens(); // the same tokens, as one ordinary prompt
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    model.close();
  }

  /** Time spent in each kind of prefill by {@link #interleaved}, summed per iteration. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class PrefillTimes {
    public long ordinaryNs;
    public long setBasedNs;

    @Setup(Level.Iteration)
    public void clear() {
      ordinaryNs = 0;
      setBasedNs = 0;
    }
  }

  private boolean setFirst;

  @Benchmark
  public float interleaved(PrefillTimes times) {
    setFirst = !setFirst;
    float sum = 0;
    for (int i = 0; i < 2; i++) {
      long t0 = System.nanoTime();
      if ((i == 0) == setFirst) {
        sum += setBased();
        times.setBasedNs += System.nanoTime() - t0;
      } else {
        sum += ordinary();
        times.ordinaryNs += System.nanoTime() - t0;
      }
    }
    return sum;
  }

  @Benchmark
  public float ordinary() {
    try (KvCache cache = model.newCache(1)) {
      return model.forward(cache, ForwardInput.of(tokens)).get(0, 0, 0);
    }
  }

  @Benchmark
  public float setBased() {
    try (KvCache cache = model.newCache(1)) {
      return model.forward(cache, layout.forwardInput()).get(0, 0, 0);
    }
  }
}
