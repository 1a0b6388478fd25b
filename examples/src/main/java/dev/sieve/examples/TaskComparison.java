package dev.sieve.examples;

import dev.sieve.decoding.generate.ChatMessage;
import dev.sieve.decoding.generate.DecodingChainFactory;
import dev.sieve.decoding.generate.FinishReason;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.model.LanguageModel;
import dev.sieve.grammars.CompiledGrammar;
import dev.sieve.grammars.GrammarMatcher;
import dev.sieve.grammars.template.TemplateCache;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes a {@link StructuredTask}'s items with and without each item's grammar and tabulates the share of
 * well-formed outputs (in the item's grammar's language) and the task score.
 *
 * <p>Decodings: greedy and 4-beam search (the paper's setting; {@code GenerationConfig.numBeams}, every
 * beam with its own forked grammar matcher), each without and with the item's grammar. Every output ends
 * at a newline (as the demonstrations do), the end of the turn, or the token limit; under the grammar it
 * also ends when the grammar is finished. All are deterministic: no sampling.
 */
public final class TaskComparison {
  /** How outputs are decoded. */
  public record Decoding(boolean constrained, int beams) {
    public static final Decoding UNCONSTRAINED_GREEDY = new Decoding(false, 1);
    public static final Decoding UNCONSTRAINED_BEAM = new Decoding(false, 4);
    public static final Decoding CONSTRAINED_GREEDY = new Decoding(true, 1);
    public static final Decoding CONSTRAINED_BEAM = new Decoding(true, 4);
    public static final List<Decoding> ALL =
        List.of(UNCONSTRAINED_GREEDY, UNCONSTRAINED_BEAM, CONSTRAINED_GREEDY, CONSTRAINED_BEAM);
    /**
     * The examples' default: unconstrained 4-beam search is left out, as its beams run to the token limit
     * on this model and take most of the time.
     */
    public static final List<Decoding> DEFAULT = List.of(UNCONSTRAINED_GREEDY, CONSTRAINED_GREEDY, CONSTRAINED_BEAM);

    public String label() {
      return (constrained ? "constrained" : "unconstrained") + ", " + (beams == 1 ? "greedy" : beams + " beams");
    }
  }

  /** One output: its text, whether the item's grammar accepts it whole, and why decoding ended. */
  public record Output(String text, boolean wellFormed, FinishReason finishReason) {}

  /** One line of the table. */
  public record Row(Decoding decoding, int items, int wellFormed, double score, String scoreSummary, double seconds) {}

  /** The comparison: one row per decoding, in the order asked, and every output. */
  public record Table(String task, int items, double compileMs, List<Row> rows, Map<Decoding, List<Output>> outputs) {
    public Row row(Decoding d) {
      return rows.stream().filter(r -> r.decoding().equals(d)).findFirst().orElseThrow();
    }

    /** The table as printed. */
    public String format() {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format(Locale.ROOT, "%s: %d items, %d grammars compiled in %.0f ms%n", task, items, items, compileMs));
      sb.append(String.format(Locale.ROOT, "%-24s %-16s %-38s %s%n", "decoding", "well-formed", "score", "time"));
      for (Row r : rows) {
        sb.append(String.format(Locale.ROOT, "%-24s %3d/%-3d %6.1f%%   %-38s %.1f s%n", r.decoding().label(), r.wellFormed(),
            r.items(), 100.0 * r.wellFormed() / r.items(), r.scoreSummary(), r.seconds()));
      }
      return sb.toString();
    }
  }

  /** The bundled model's first answer token (a refusal token would decline). */
  static final String RESPOND = "[respond]";
  private final LanguageModel model;
  private final Generator generator;
  private final TemplateCache cache;

  public TaskComparison(LanguageModel model) {
    this.model = model;
    this.generator = new Generator(model, DecodingChainFactory.greedy());
    this.cache = new TemplateCache(256);
  }

  /** Runs the {@link Decoding#DEFAULT} decodings on the given items. */
  public <I> Table run(StructuredTask<I> task, List<I> items) {
    return run(task, items, Decoding.DEFAULT);
  }

  /** Runs the given decodings on the given items. */
  public <I> Table run(StructuredTask<I> task, List<I> items, List<Decoding> decodings) {
    long c0 = System.nanoTime();
    List<CompiledGrammar> grammars = new ArrayList<>();
    for (I item : items) {
      grammars.add(compile(task, item));
    }
    double compileMs = (System.nanoTime() - c0) / 1e6;
    List<Row> rows = new ArrayList<>();
    Map<Decoding, List<Output>> outputs = new LinkedHashMap<>();
    for (Decoding d : decodings) {
      long t0 = System.nanoTime();
      StructuredTask.Score<I> score = task.newScore();
      List<Output> out = new ArrayList<>();
      int wellFormed = 0;
      for (int i = 0; i < items.size(); i++) {
        Output o = decode(task, items.get(i), grammars.get(i), d);
        score.add(items.get(i), o.text());
        wellFormed += o.wellFormed() ? 1 : 0;
        out.add(o);
      }
      rows.add(new Row(d, items.size(), wellFormed, score.value(), score.summary(), (System.nanoTime() - t0) / 1e9));
      outputs.put(d, List.copyOf(out));
    }
    return new Table(task.name(), items.size(), compileMs, List.copyOf(rows), Map.copyOf(outputs));
  }

  /** The item's grammar: the task's template filled with the item's bindings, compiled once per content. */
  public <I> CompiledGrammar compile(StructuredTask<I> task, I item) {
    return cache.compile(task.template(), task.bindings(item), model.tokenizer().vocabulary());
  }

  /** One item's output under one decoding. */
  public <I> Output decode(StructuredTask<I> task, I item, CompiledGrammar grammar, Decoding d) {
    int[] prompt = promptTokens(task, item);
    List<LogitsProcessor> processors = d.constrained() ? List.of(grammar.newConstraint()) : List.of();
    GenerationResult r = generator.generate(GenerationRequest.tokens(prompt)
        .withConfig(generator.defaults().toBuilder().doSample(false).numBeams(d.beams()).maxNewTokens(task.maxNewTokens())
            .stopStrings(List.of("\n")).build())
        .withProcessors(processors));
    return new Output(r.text(), accepts(grammar, r.text()), r.finishReason());
  }

  /**
   * The prompt in the model's chat format: each demonstration as a user turn (the instruction and its
   * input) and an assistant turn ({@code [respond]} and its gold output), then the item's user turn and the
   * assistant's {@code [respond]}, after which the output begins.
   */
  public <I> int[] promptTokens(StructuredTask<I> task, I item) {
    List<ChatMessage> chat = new ArrayList<>();
    for (I demo : task.demos()) {
      chat.add(ChatMessage.user(task.instruction() + "\n" + task.input(demo)));
      chat.add(ChatMessage.assistant(RESPOND + " " + task.goldOutput(demo)));
    }
    chat.add(ChatMessage.user(task.instruction() + "\n" + task.input(item)));
    String text = generator.chatTemplate().orElseThrow(() -> new IllegalStateException("the model has no chat template"))
        .render(chat, true) + RESPOND + " ";
    return model.tokenizer().encodeWithSpecialTokens(text);
  }

  /** Whether the grammar accepts the whole text. */
  public static boolean accepts(CompiledGrammar grammar, String text) {
    GrammarMatcher m = grammar.newMatcher();
    return m.acceptString(text) && m.isComplete();
  }

  /** A decoding's outputs next to the gold ones, one item per block. */
  public static <I> String listing(Table table, List<I> items, java.util.function.Function<I, String> gold) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < items.size(); i++) {
      sb.append(String.format(Locale.ROOT, "#%d gold: %s%n", i + 1, gold.apply(items.get(i))));
      for (Row r : table.rows()) {
        Decoding d = r.decoding();
        Output o = table.outputs().get(d).get(i);
        sb.append(String.format(Locale.ROOT, "   %-24s %s %s%n", d.label(), o.wellFormed() ? "ok " : "BAD",
            o.text().replace("\n", "\\n")));
      }
    }
    return sb.toString();
  }
}
