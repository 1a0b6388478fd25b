package dev.sieve.examples;

import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import java.util.List;
import java.util.function.Function;

/**
 * The shared main of the task examples: {@code [N] [--list] [--all]} (the first N items; list every output;
 * add unconstrained 4-beam search to the decodings).
 */
final class ExampleMain {
  private ExampleMain() {}

  /** Runs and prints the comparison; returns its table. */
  static <I> TaskComparison.Table run(StructuredTask<I> task, String[] args, Function<I, String> gold) {
    int n = Integer.MAX_VALUE;
    boolean list = false;
    List<TaskComparison.Decoding> decodings = TaskComparison.Decoding.DEFAULT;
    for (String a : args) {
      if (a.equals("--list")) {
        list = true;
      } else if (a.equals("--all")) {
        decodings = TaskComparison.Decoding.ALL;
      } else {
        try {
          n = Integer.parseInt(a);
        } catch (NumberFormatException e) {
          System.err.println("usage: [N] [--list] [--all]; '" + a + "' is not a number of items");
          System.exit(2);
        }
      }
    }
    List<I> items = task.items().subList(0, Math.min(n, task.items().size()));
    try (OnnxLanguageModel model = OnnxLanguageModel.load(BundledModel.path())) {
      TaskComparison.Table table = new TaskComparison(model).run(task, items, decodings);
      if (list) {
        System.out.println(TaskComparison.listing(table, items, gold));
      }
      System.out.print(table.format());
      return table;
    }
  }
}
