package dev.sieve.examples;

import dev.sieve.grammars.template.GrammarTemplate;
import dev.sieve.grammars.template.TaskGrammars;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Entity disambiguation with and without a per-mention grammar: the output must be one of the mention's
 * candidate entities. Scored by accuracy (the output is exactly the right candidate) over the items of
 * {@code entity-disambiguation.tsv}.
 *
 * <p>Run: {@code ./build -q -pl examples -am compile exec:java -Dexec.skip=true
 * -Dexec.mainClass=dev.sieve.examples.EntityDisambiguation [-Dexec.args="N [--list]"]}.
 */
public final class EntityDisambiguation implements StructuredTask<EntityDisambiguation.Item> {
  /** A sentence with its mention in brackets, the mention's candidates and the right one. */
  public record Item(String sentence, List<String> candidates, String gold) {}

  private final List<Item> demos = new ArrayList<>();
  private final List<Item> items = new ArrayList<>();
  private final GrammarTemplate template = TaskGrammars.entityDisambiguation();

  public EntityDisambiguation() {
    for (TaskData.Row row : TaskData.read("entity-disambiguation.tsv", 3)) {
      Item item = new Item(row.columns().get(0), TaskData.list(row.columns().get(1), row.where()), row.columns().get(2).trim());
      if (!item.candidates().contains(item.gold())) {
        throw new IllegalArgumentException(row.where() + ": the right entity '" + item.gold() + "' is not a candidate");
      }
      (row.demo() ? demos : items).add(item);
    }
  }

  @Override
  public String name() {
    return "entity disambiguation (accuracy)";
  }

  @Override
  public List<Item> items() {
    return List.copyOf(items);
  }

  @Override
  public String instruction() {
    return "Which of the candidates does the mention in brackets refer to?";
  }

  @Override
  public List<Item> demos() {
    return List.copyOf(demos);
  }

  @Override
  public String input(Item item) {
    return "Sentence: " + item.sentence() + "\nCandidates: " + String.join("; ", item.candidates());
  }

  @Override
  public String goldOutput(Item item) {
    return item.gold();
  }

  @Override
  public GrammarTemplate template() {
    return template;
  }

  @Override
  public GrammarTemplate.Bindings bindings(Item item) {
    return TaskGrammars.disambiguationBindings(item.candidates());
  }

  @Override
  public int maxNewTokens() {
    return 32;
  }

  @Override
  public Score<Item> newScore() {
    return new Score<>() {
      int correct;
      int total;

      @Override
      public void add(Item item, String output) {
        total++;
        correct += output.trim().equals(item.gold()) ? 1 : 0;
      }

      @Override
      public double value() {
        return total == 0 ? 0 : (double) correct / total;
      }

      @Override
      public String summary() {
        return String.format(Locale.ROOT, "accuracy %.3f (%d/%d)", value(), correct, total);
      }
    };
  }

  public static void main(String[] args) {
    ExampleMain.run(new EntityDisambiguation(), args, Item::gold);
  }
}
