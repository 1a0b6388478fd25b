package dev.sieve.bench;

import dev.sieve.decoding.tokenizer.TiktokenTokenizer;
import dev.sieve.decoding.tokenizer.Vocabulary;
import dev.sieve.grammars.CompiledGrammar;
import dev.sieve.grammars.Grammar;
import dev.sieve.grammars.GrammarCompiler;
import dev.sieve.grammars.VocabularyIndex;
import dev.sieve.grammars.antlr.AntlrGrammarLoader;
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
 * Compile times. {@code cold}: the .g4 text through the ANTLR tool to a compiled grammar, no cache (the
 * vocabulary's index is built once per vocabulary and shared, so it is measured on its own);
 * {@code coldFromIr}: the same from the loaded grammar IR; {@code warm}: a cache hit (the grammar's
 * content hash and a lookup). {@code vocabularyIndex}: building the byte trie of the vocabulary.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xss8m", "-Xmx4g"})
public class GrammarCompileBenchmark {
  @Param({"json", "sqlite", "java8"})
  public String grammar;

  @Param({"o200k"})
  public String vocabulary;

  private Vocabulary vocab;
  private Grammar ir;

  @Setup(Level.Trial)
  public void setUp() {
    vocab = TiktokenTokenizer.named(vocabulary).vocabulary();
    ir = GrammarInputs.load(grammar);
    VocabularyIndex idx = VocabularyIndex.of(vocab);
    System.out.printf("%n[vocabulary index %s: %d nodes, about %.1f MB]%n", vocabulary, idx.nodes(), idx.ramBytes() / 1e6);
    GrammarCompiler.compile(ir, vocab);
  }

  @Benchmark
  public CompiledGrammar cold() {
    Grammar g = AntlrGrammarLoader.fromSources(GrammarInputs.sources(grammar), GrammarInputs.startRule(grammar));
    return GrammarCompiler.compileUncached(g, vocab, GrammarCompiler.Options.defaults());
  }

  @Benchmark
  public CompiledGrammar coldFromIr() {
    return GrammarCompiler.compileUncached(ir, vocab, GrammarCompiler.Options.defaults());
  }

  @Benchmark
  public CompiledGrammar warm() {
    return GrammarCompiler.compile(ir, vocab);
  }

  @Benchmark
  public VocabularyIndex vocabularyIndex() {
    return VocabularyIndex.build(vocab);
  }
}
