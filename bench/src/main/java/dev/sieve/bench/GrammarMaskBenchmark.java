package dev.sieve.bench;

import dev.sieve.decoding.logits.TokenMask;
import dev.sieve.decoding.tokenizer.TiktokenTokenizer;
import dev.sieve.decoding.tokenizer.Tokenizer;
import dev.sieve.grammars.CompiledGrammar;
import dev.sieve.grammars.GrammarCompiler;
import dev.sieve.grammars.GrammarMatcher;
import java.util.ArrayList;
import java.util.List;
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
 * Time to fill one next-token mask, driven by real token sequences: every example input of the grammar
 * (grammars-v4), encoded with the vocabulary, gives a matcher at each of its token positions; the
 * benchmark cycles through them, so the sample's p50/p99/max are over real decoding states. Each mask
 * is computed from scratch (the Earley memo lives for one mask only).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xss8m", "-Xmx4g"})
public class GrammarMaskBenchmark {
  @Param({"json", "sqlite", "java8"})
  public String grammar;

  @Param({"r50k", "cl100k", "o200k"})
  public String vocabulary;

  private GrammarMatcher[] positions;
  private TokenMask mask;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    Tokenizer tok = TiktokenTokenizer.named(vocabulary);
    CompiledGrammar cg = GrammarCompiler.compile(GrammarInputs.load(grammar), tok.vocabulary());
    List<GrammarMatcher> at = new ArrayList<>();
    for (String text : GrammarInputs.examples(grammar, 8192)) {
      GrammarMatcher m = cg.newMatcher();
      for (int id : tok.encode(text)) {
        at.add(m.fork());
        if (!m.acceptToken(id)) {
          throw new IllegalStateException(grammar + "/" + vocabulary + ": an example is rejected at token " + id);
        }
      }
    }
    positions = at.toArray(new GrammarMatcher[0]);
    mask = new TokenMask(tok.vocabulary().size());
  }

  @Benchmark
  public TokenMask fillMask() {
    GrammarMatcher m = positions[next];
    next = next + 1 == positions.length ? 0 : next + 1;
    m.fillMask(mask);
    return mask;
  }
}
