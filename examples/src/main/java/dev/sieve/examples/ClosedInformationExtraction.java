package dev.sieve.examples;

import dev.sieve.grammars.template.GrammarTemplate;
import dev.sieve.grammars.template.RelationSchema;
import dev.sieve.grammars.template.RelationSchema.Relation;
import dev.sieve.grammars.template.TaskGrammars;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * <p>As in closed IE against a knowledge base, the grammar is typed by default: every entity has a type
 * ({@code closed-ie-types.tsv}: person, city, country, film, ...), every relation a fixed domain and range
 * ({@link #SCHEMA}), and after a subject only the relations whose domain holds its type are allowed, after the
 * relation only the item's other entities of a type in its range. Untyped ({@code --untyped}), any relation
 * joins any two different entities.
 *
 * <p>Run: {@code ./build -q -pl examples -am compile exec:java -Dexec.skip=true
 * -Dexec.mainClass=dev.sieve.examples.ClosedInformationExtraction [-Dexec.args="N [--list] [--all] [--untyped]"]}
 * (N: how many items; {@code --list} prints every output).
 */
public final class ClosedInformationExtraction implements StructuredTask<ClosedInformationExtraction.Item> {
  public static final int MAX_TRIPLES = 2;
  /**
   * The fixed relations with the entity types of their subjects (domain) and objects (range): a schema of
   * what each relation can relate at all, the same for every item (a city is the capital of a country or a
   * region; a person, not a city, is born somewhere).
   */
  public static final RelationSchema SCHEMA = new RelationSchema(List.of(
      new Relation("born in", Set.of("person"), Set.of("city", "country", "region")),
      new Relation("capital of", Set.of("city"), Set.of("country", "region")),
      new Relation("located in", Set.of("landmark", "mountain", "city", "region", "company", "university", "team"),
          Set.of("city", "country", "region")),
      new Relation("founded", Set.of("person"), Set.of("company", "organization", "university", "team")),
      new Relation("wrote", Set.of("person"), Set.of("book")),
      new Relation("member of", Set.of("person", "country"), Set.of("organization")),
      new Relation("married to", Set.of("person"), Set.of("person")),
      new Relation("works for", Set.of("person"), Set.of("company", "organization", "university", "team")),
      new Relation("directed", Set.of("person"), Set.of("film")),
      new Relation("plays for", Set.of("person"), Set.of("team"))));
  /** The fixed relations, in the schema's order. */
  public static final List<String> RELATIONS = SCHEMA.names();

  /** One (subject, relation, object) triple. */
  public record Triple(String subject, String relation, String object) {
    @Override
    public String toString() {
      return "[s] " + subject + " [r] " + relation + " [o] " + object + " [e]";
    }
  }

  /** A text, its entity mentions, their types (entity to type, in the mentions' order) and its gold triples. */
  public record Item(String text, List<String> entities, Map<String, String> types, List<Triple> triples) {}

  private final boolean typed;
  private final List<Item> demos = new ArrayList<>();
  private final List<Item> items = new ArrayList<>();
  private final GrammarTemplate template;

  /** The task with the typed grammar. */
  public ClosedInformationExtraction() {
    this(true);
  }

  /**
   * @param typed whether the item's grammar follows {@link #SCHEMA} and the entities' types (else any relation
   *     joins any two different entities)
   */
  public ClosedInformationExtraction(boolean typed) {
    this.typed = typed;
    this.template = typed ? TaskGrammars.typedClosedInformationExtraction(MAX_TRIPLES)
        : TaskGrammars.closedInformationExtraction(MAX_TRIPLES);
    Map<String, String> types = new LinkedHashMap<>();
    for (TaskData.Row row : TaskData.readTable("closed-ie-types.tsv", 2)) {
      String entity = row.columns().get(0).trim();
      String type = row.columns().get(1).trim();
      if (entity.isEmpty() || type.isEmpty() || types.putIfAbsent(entity, type) != null) {
        throw new IllegalArgumentException(row.where() + ": an entity and its type, each entity once; got '" + entity + "' '" + type + "'");
      }
    }
    for (TaskData.Row row : TaskData.read("closed-ie.tsv", 3)) {
      List<Triple> triples = new ArrayList<>();
      for (String t : TaskData.list(row.columns().get(2), row.where())) {
        String[] p = t.split("\\|");
        if (p.length != 3) {
          throw new IllegalArgumentException(row.where() + ": a triple is 'subject | relation | object', got '" + t + "'");
        }
        triples.add(new Triple(p[0].trim(), p[1].trim(), p[2].trim()));
      }
      List<String> entities = TaskData.list(row.columns().get(1), row.where());
      Map<String, String> itemTypes = new LinkedHashMap<>();
      for (String e : entities) {
        String type = types.get(e);
        if (type == null) {
          throw new IllegalArgumentException(row.where() + ": the entity '" + e + "' has no type in closed-ie-types.tsv");
        }
        itemTypes.put(e, type);
      }
      Item item = new Item(row.columns().get(0), entities, java.util.Collections.unmodifiableMap(itemTypes), List.copyOf(triples));
      for (Triple t : triples) {
        if (!item.entities().contains(t.subject()) || !item.entities().contains(t.object()) || !RELATIONS.contains(t.relation())
            || t.subject().equals(t.object())) {
          throw new IllegalArgumentException(row.where() + ": the gold triple " + t + " is outside the item's grammar");
        }
        if (!SCHEMA.allows(itemTypes.get(t.subject()), t.relation(), itemTypes.get(t.object()))) {
          throw new IllegalArgumentException(row.where() + ": the gold triple " + t + " is not well-typed: "
              + itemTypes.get(t.subject()) + " " + t.relation() + " " + itemTypes.get(t.object()) + " is outside the schema");
        }
      }
      (row.demo() ? demos : items).add(item);
    }
  }

  @Override
  public String name() {
    return "closed information extraction" + (typed ? "" : ", untyped grammar") + " (triple F1)";
  }

  /**
   * Every well-typed triple between two different entities of the item: what the typed grammar allows (one
   * triple of them; up to {@value #MAX_TRIPLES}, repeats included), in the order of the entities and relations.
   */
  public static Set<Triple> wellTypedTriples(Item item) {
    Set<Triple> out = new LinkedHashSet<>();
    for (String s : item.types().keySet()) {
      for (String r : RELATIONS) {
        for (String o : item.types().keySet()) {
          if (!s.equals(o) && SCHEMA.allows(item.types().get(s), r, item.types().get(o))) {
            out.add(new Triple(s, r, o));
          }
        }
      }
    }
    return out;
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
    return typed ? TaskGrammars.typedExtractionBindings(item.types(), SCHEMA)
        : TaskGrammars.extractionBindings(item.entities(), RELATIONS);
  }

  @Override
  public int maxNewTokens() {
    // two triples with long names, which the bundled model often spells out a character or two per token
    return 128;
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
    boolean typed = !List.of(args).contains("--untyped");
    ClosedInformationExtraction task = new ClosedInformationExtraction(typed);
    TaskComparison.Table table = ExampleMain.run(task, List.of(args).stream().filter(a -> !a.equals("--untyped"))
        .toArray(String[]::new), i -> format(i.triples()));
    System.out.print(typeReport(task.items().subList(0, table.items()), table));
  }

  /**
   * How much the schema alone decides: the items with exactly one well-typed triple (the typed grammar can
   * write no other), each decoding's triple F1 on those items and on the rest, and what a blind pick would
   * score: one well-typed triple per item, uniformly at random (the F1 of its expected counts: correct
   * {@code |gold| / |well-typed|} per item, one predicted per item).
   */
  static String typeReport(List<Item> items, TaskComparison.Table table) {
    List<Integer> single = new ArrayList<>();
    double[] expectedCorrect = new double[2]; // on the single items, on the rest
    int[] predicted = new int[2];
    int[] gold = new int[2];
    for (int i = 0; i < items.size(); i++) {
      Set<Triple> wellTyped = wellTypedTriples(items.get(i));
      int part = wellTyped.size() == 1 ? 0 : 1;
      if (part == 0) {
        single.add(i);
      }
      expectedCorrect[part] += (double) items.get(i).triples().size() / wellTyped.size();
      predicted[part]++;
      gold[part] += items.get(i).triples().size();
    }
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "items with exactly one well-typed triple: %d of %d; triple F1 on those | on the other %d:%n", single.size(),
        items.size(), items.size() - single.size()));
    sb.append(String.format(Locale.ROOT, "  %-24s %.3f | %.3f (all items %.3f)%n", "a blind well-typed pick",
        F1Counts.f1(expectedCorrect[0], predicted[0], gold[0]), F1Counts.f1(expectedCorrect[1], predicted[1], gold[1]),
        F1Counts.f1(expectedCorrect[0] + expectedCorrect[1], predicted[0] + predicted[1], gold[0] + gold[1])));
    for (TaskComparison.Row r : table.rows()) {
      F1Counts one = new F1Counts();
      F1Counts rest = new F1Counts();
      List<TaskComparison.Output> outs = table.outputs().get(r.decoding());
      for (int i = 0; i < items.size(); i++) {
        (single.contains(i) ? one : rest).add(parse(outs.get(i).text()), Set.copyOf(items.get(i).triples()));
      }
      sb.append(String.format(Locale.ROOT, "  %-24s %.3f | %.3f%n", r.decoding().label(), one.f1(), rest.f1()));
    }
    return sb.toString();
  }

}
