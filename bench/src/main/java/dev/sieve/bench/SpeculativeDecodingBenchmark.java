package dev.sieve.bench;

import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.generate.StandardChainFactory;
import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.speculative.SpeculativeMode;
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
 * Whole generations of 64 tokens on the bundled model, plain against token recycling, per kind of output
 * and tree size. One operation is one generation; the {@code tokens} counter is generated tokens per
 * second and {@code steps} decode forwards per second, so accepted tokens per forward is
 * {@code (tokens - ops) / steps} (the first token of each generation comes from the prefill).
 *
 * <ul>
 *   <li>{@code free}: free text, sampled (temperature 0.8, top-p 0.95), a new seed every generation;
 *   <li>{@code json}: JSON under the bundled grammar, sampled at temperature 0.7, a new seed each time;
 *   <li>{@code repetitive}: greedy continuations of repetitive prompts.
 * </ul>
 *
 * <p>Every generation starts with a <b>cold recycler</b> (reset before each one), so no generation
 * drafts from a previous run of the same prompt; the {@code auto} mode keeps its cost measurements, as
 * a generator does across requests. Prompts rotate.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class SpeculativeDecodingBenchmark {
  private static final List<String> FREE = List.of("The history of the city begins", "She opened the letter and",
      "In the morning the market", "Scientists have found that", "The old man walked", "Once upon a time, there was a");
  private static final List<String> JSON = List.of("A user record as JSON: ", "{\"items\": [", "Reply in JSON.\n",
      "The config file:\n", "{\"name\": \"", "[{\"id\": 1, ");
  private static final List<String> REPETITIVE = List.of("one two three four one two three four one",
      "a, b, c, a, b, c, a, b,", "la la la la la", "1 2 3 1 2 3 1 2 3 1", "the cat sat. the cat sat. the cat sat. the",
      "red green blue red green blue red");

  /** free, json or repetitive. */
  @Param({"free", "json", "repetitive"})
  public String kind;

  /** plain, a fixed tree size (recycle), or auto. */
  @Param({"plain", "4", "8", "16", "32", "80", "auto"})
  public String tree;

  private OnnxLanguageModel model;
  private Generator generator;
  private CompiledGrammar grammar;
  private GenerationConfig config;
  private int round;

  /** Per-second counters: generated tokens, and forwards after the prefill. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Counters {
    public long tokens;
    public long steps;
  }

  @Setup(Level.Trial)
  public void load() {
    model = OnnxLanguageModel.load(BundledModel.path());
    generator = new Generator(model, StandardChainFactory.INSTANCE);
    if ("json".equals(kind)) {
      grammar = GrammarCompiler.compile(BundledGrammars.load("json"), model.tokenizer().vocabulary());
    }
    config = config(generator, model, kind, tree);
  }

  /** The prompts of a kind of output. */
  static List<String> prompts(String kind) {
    return switch (kind) {
      case "free" -> FREE;
      case "json" -> JSON;
      case "repetitive" -> REPETITIVE;
      default -> throw new IllegalArgumentException("kind must be free, json or repetitive, got " + kind);
    };
  }

  /** 64 new tokens; the kind's sampling settings; plain, a fixed tree size, or auto (up to 80 nodes). */
  static GenerationConfig config(Generator generator, OnnxLanguageModel model, String kind, String tree) {
    GenerationConfig.Builder b = generator.defaults().toBuilder().maxNewTokens(64).eosTokenIds(-7);
    switch (kind) {
      case "free" -> b.doSample(true).temperature(0.8).topK(0).topP(0.95);
      case "json" -> b.doSample(true).temperature(0.7).topK(0).eosTokenIds(model.tokenizer().vocabulary().eosTokenIds());
      case "repetitive" -> b.doSample(false);
      default -> throw new IllegalArgumentException("kind must be free, json or repetitive, got " + kind);
    }
    switch (tree) {
      case "plain" -> b.speculative(SpeculativeMode.NONE);
      case "auto" -> b.speculative(SpeculativeMode.AUTO).draftTreeSize(80);
      default -> b.speculative(SpeculativeMode.RECYCLE).draftTreeSize(Integer.parseInt(tree));
    }
    return b.build();
  }

  @Setup(Level.Invocation)
  public void coldRecycler() {
    generator.recycler().reset();
  }

  @TearDown(Level.Trial)
  public void close() {
    model.close();
  }

  @Benchmark
  public GenerationResult generate(Counters counters) {
    int r = round++;
    List<String> prompts = prompts(kind);
    List<LogitsProcessor> processors = grammar != null ? List.of(grammar.newConstraint()) : List.of();
    GenerationResult result = generator.generate(GenerationRequest.text(prompts.get(r % prompts.size()))
        .withConfig(config.toBuilder().seed(r).build()).withProcessors(processors));
    int n = result.tokens().length;
    counters.tokens += n;
    Object forwards = result.measurements().get("speculative.forwards");
    counters.steps += forwards != null ? ((Number) forwards).intValue() : Math.max(0, n - 1);
    return result;
  }
}
