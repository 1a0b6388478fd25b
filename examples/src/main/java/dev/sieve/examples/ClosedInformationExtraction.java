package dev.sieve.examples;

import dev.sieve.grammars.template.GrammarTemplate;
import dev.sieve.grammars.template.TaskGrammars;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Closed information extraction with and without a per-input grammar: the output is
 * {@code [s] subject [r] relation [o] object [e]} triples (at most {@value #MAX_TRIPLES}, separated by a
 * space) whose relations come from a fixed list and whose subjects and objects are the input's entity
 * mentions, a triple's object another mention than its subject (closed IE has no self-relations). Scored
 * by triple F1 (exact subject, relation and object) over the items of {@code closed-ie.tsv}.
 *
 * <p>Run: {@code ./build -q -pl examples -am compile exec:java -Dexec.skip=true
 * -Dexec.mainClass=dev.sieve.examples.ClosedInformationExtraction [-Dexec.args="N [--list]"]} (N: how many
 * items; {@code --list} prints every output).
 */
public final class ClosedInformationExtraction implements StructuredTask<ClosedInformationExtraction.Item> {
  public static final int MAX_TRIPLES = 2;
  /** The fixed relations. */
  public static final List<String> RELATIONS = List.of("born in", "capital of", "located in", "founded", "wrote",
      "member of", "married to", "works for", "directed", "plays for");

  /** One (subject, relation, object) triple. */
  public record Triple(String subject, String relation, String object) {
    @Override
    public String toString() {
      return "[s] " + subject + " [r] " + relation + " [o] " + object + " [e]";
    }
  }

  /** A text, its entity mentions and its gold triples. */
  public record Item(String text, List<String> entities, List<Triple> triples) {}

  private final List<Item> demos = new ArrayList<>();
  private final List<Item> items = new ArrayList<>();
  private final GrammarTemplate template = TaskGrammars.closedInformationExtraction(MAX_TRIPLES);

  public ClosedInformationExtraction() {
    for (TaskData.Row row : TaskData.read("closed-ie.tsv", 3)) {
      List<Triple> triples = new ArrayList<>();
      for (String t : TaskData.list(row.columns().get(2), row.where())) {
        String[] p = t.split("\\|");
        if (p.length != 3) {
          throw new IllegalArgumentException(row.where() + ": a triple is 'subject | relation | object', got '" + t + "'");
        }
        triples.add(new Triple(p[0].trim(), p[1].trim(), p[2].trim()));
      }
      Item item = new Item(row.columns().get(0), TaskData.list(row.columns().get(1), row.where()), List.copyOf(triples));
      for (Triple t : triples) {
        if (!item.entities().contains(t.subject()) || !item.entities().contains(t.object()) || !RELATIONS.contains(t.relation())
            || t.subject().equals(t.object())) {
          throw new IllegalArgumentException(row.where() + ": the gold triple " + t + " is outside the item's grammar");
        }
      }
      (row.demo() ? demos : items).add(item);
    }
  }

  @Override
  public String name() {
    return "closed information extraction (triple F1)";
  }

  @Override
  public List<Item> items() {
    return List.copyOf(items);
  }

  @Override
  public String instruction() {
    return "Extract the facts of the text as triples [s] subject [r] relation [o] object [e]. Relations: "
        + String.join(", ", RELATIONS) + ".";
  }

  @Override
  public List<Item> demos() {
    return List.copyOf(demos);
  }

  @Override
  public String input(Item item) {
    return "Text: " + item.text() + "\nEntities: " + String.join("; ", item.entities());
  }

  @Override
  public String goldOutput(Item item) {
    return format(item.triples());
  }

  /** The output format of triples. */
  public static String format(List<Triple> triples) {
    return triples.stream().map(Triple::toString).collect(Collectors.joining(" "));
  }

  @Override
  public GrammarTemplate template() {
    return template;
  }

  @Override
  public GrammarTemplate.Bindings bindings(Item item) {
    return TaskGrammars.extractionBindings(item.entities(), RELATIONS);
  }

  @Override
  public int maxNewTokens() {
    return 64;
  }

  private static final Pattern TRIPLE = Pattern.compile("\\[s\\] (.+?) \\[r\\] (.+?) \\[o\\] (.+?) \\[e\\]");

  /** The triples found in an output, leniently (anything between the markers), without repeats. */
  public static Set<Triple> parse(String output) {
    Set<Triple> out = new HashSet<>();
    Matcher m = TRIPLE.matcher(output);
    while (m.find()) {
      out.add(new Triple(m.group(1).trim(), m.group(2).trim(), m.group(3).trim()));
    }
    return out;
  }

  /**
   * Triple F1 (the score) and, as a diagnostic, the F1 of the (subject, object) pairs alone, in order and
   * whatever the relation: it tells a wrong relation between the right entities from wrong entities.
   */
  @Override
  public Score<Item> newScore() {
    return new Score<>() {
      final F1Counts triples = new F1Counts();
      final F1Counts pairs = new F1Counts();

      @Override
      public void add(Item item, String output) {
        Set<Triple> p = parse(output);
        triples.add(p, Set.copyOf(item.triples()));
        pairs.add(pairs(p), pairs(item.triples()));
      }

      @Override
      public double value() {
        return triples.f1();
      }

      @Override
      public String summary() {
        return String.format(Locale.ROOT, "F1 %.3f (P %.3f, R %.3f), pairs F1 %.3f", value(), triples.precision(),
            triples.recall(), pairs.f1());
      }
    };
  }

  private static Set<List<String>> pairs(java.util.Collection<Triple> triples) {
    return triples.stream().map(t -> List.of(t.subject(), t.object())).collect(Collectors.toSet());
  }

  public static void main(String[] args) {
    ExampleMain.run(new ClosedInformationExtraction(), args, i -> format(i.triples()));
  }
}
