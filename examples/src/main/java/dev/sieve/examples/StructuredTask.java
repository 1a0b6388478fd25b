package dev.sieve.examples;

import dev.sieve.grammars.template.GrammarTemplate;
import java.util.List;

/**
 * One structured prediction task of grammar-constrained decoding: items, a few-shot prompt per item, a
 * grammar template filled per item, and a score. {@link TaskComparison} decodes every item with and
 * without the item's grammar.
 *
 * @param <I> an item (an input and its gold output)
 */
public interface StructuredTask<I> {
  /** The task's name, for the table. */
  String name();

  /** The scored items, in the data file's order. */
  List<I> items();

  /** What the model is asked to do, said before every input. */
  String instruction();

  /** The demonstrations, shown as earlier chat turns with their gold outputs. */
  List<I> demos();

  /** An item's input as the user's message says it (after the instruction). */
  String input(I item);

  /** An item's gold output, exactly as it should be generated. */
  String goldOutput(I item);

  /** The grammar template (its fixed part); the same for every item. */
  GrammarTemplate template();

  /** What the item puts into the template's holes. */
  GrammarTemplate.Bindings bindings(I item);

  /** New tokens at most per output. */
  int maxNewTokens();

  /** A fresh score to add outputs to. */
  Score<I> newScore();

  /** A task score over items. */
  interface Score<I> {
    /** Adds the output produced for an item. */
    void add(I item, String output);

    /** The headline number, in [0, 1]. */
    double value();

    /** The headline number with its parts, e.g. "F1 0.412 (P 0.40, R 0.43)". */
    String summary();
  }
}
