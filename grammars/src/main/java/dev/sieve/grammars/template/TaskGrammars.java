package dev.sieve.grammars.template;

import dev.sieve.grammars.Expr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Templates of the three structured tasks of grammar-constrained decoding without finetuning (Geng et
 * al., EMNLP 2023), each with the bindings of one input:
 *
 * <ul>
 *   <li><b>closed information extraction</b>: {@code [s] subject [r] relation [o] object [e]}, one to
 *       {@code maxTriples} triples separated by a space; subjects and objects from the input's entity
 *       strings, the object never the subject, relations from a fixed list; or, typed, only the triples
 *       that a {@link RelationSchema} allows between the input's entities of their types;
 *   <li><b>entity disambiguation</b>: exactly one of the mention's candidates;
 *   <li><b>constituency parsing</b>: a bracketed tree {@code (S (NP the cat) (VP sat))} whose leaves
 *       are exactly the input's words in order; every bracket has a label and at least two children,
 *       except that a single word may carry one label ({@code (NN cat)}).
 * </ul>
 */
public final class TaskGrammars {
  private TaskGrammars() {}

  /**
   * Closed information extraction with at most {@code maxTriples} triples. The relation is a choice; the
   * subject and object are the per-input fragment {@code pair} (see {@link #extractionBindings}), which
   * also rules out a triple whose object is its subject.
   */
  public static GrammarTemplate closedInformationExtraction(int maxTriples) {
    if (maxTriples < 1) {
      throw new IllegalArgumentException("maxTriples must be at least 1");
    }
    GrammarTemplate.Builder b = GrammarTemplate.builder("cie" + maxTriples);
    Expr relation = b.choice("relation");
    b.rule(LINK, Expr.seq(b.literal(" [r] "), relation, b.literal(" [o] ")));
    b.rule("triple", Expr.seq(b.literal("[s] "), b.fragment("pair"), b.literal(" [e]")));
    b.rule("triples", Expr.seq(Expr.rule("triple"),
        new Expr.Repeat(Expr.seq(b.literal(" "), Expr.rule("triple")), 0, maxTriples - 1)));
    return b.build("triples");
  }

  /** The template's rule between subject and object: {@code " [r] " relation " [o] "}. */
  private static final String LINK = "link";

  /**
   * The bindings of one information extraction input: its relations, and the fragment {@code pair}:
   * {@code subject link object} with subject and object among the entity strings and the object another
   * entity than the subject (closed IE has no self-relations).
   *
   * <p>Each entity string is its own sequence of word literals, so that the parser knows which one the
   * subject was. Rather
   * than one alternative per subject with the other n-1 entities as objects (n² references), the entities
   * (distinct, sorted) are the leaves of a balanced binary tree with a rule per inner node for the
   * entities below it (n-1 rules of two alternatives); two different entities part at exactly one inner
   * node, one on its left and one on its right, so {@code pair} is two alternatives per inner node,
   * {@code left link right | right link left}: 2(n-1) alternatives in all, and one parse per pair.
   *
   * @throws IllegalArgumentException when there are fewer than two distinct entities (no triple is
   *     possible) or an entity is the empty string
   */
  public static GrammarTemplate.Bindings extractionBindings(List<String> entities, List<String> relations) {
    // Sorted and distinct: the same entities in any order make the same fragment, so a TemplateCache hit.
    List<String> distinct = new ArrayList<>(new TreeSet<>(entities));
    if (distinct.size() < 2) {
      throw new IllegalArgumentException(
          "closed information extraction needs at least two distinct entities (an object differs from its subject), got "
              + entities);
    }
    GrammarTemplate.Fragment f = new GrammarTemplate.Fragment();
    List<Expr> pairs = new ArrayList<>(2 * distinct.size());
    entitiesBelow(f, distinct, 0, distinct.size(), pairs);
    f.rule("pair", alt(pairs));
    return GrammarTemplate.Bindings.of().choice("relation", relations).fragment("pair", f);
  }

  /**
   * The reference for the entities {@code [lo, hi)}: the literal itself for one, else a rule over the two
   * halves, adding the inner node's two pair alternatives to {@code pairs}.
   */
  private static Expr entitiesBelow(GrammarTemplate.Fragment f, List<String> entities, int lo, int hi, List<Expr> pairs) {
    if (hi - lo == 1) {
      return entity(f, entities.get(lo));
    }
    int mid = (lo + hi) >>> 1;
    Expr left = entitiesBelow(f, entities, lo, mid, pairs);
    Expr right = entitiesBelow(f, entities, mid, hi, pairs);
    Expr link = Expr.rule(LINK);
    pairs.add(Expr.seq(left, link, right));
    pairs.add(Expr.seq(right, link, left));
    String name = "entities_" + lo + "_" + hi;
    f.rule(name, Expr.alt(left, right));
    return Expr.rule(name);
  }

  /**
   * Closed information extraction under a {@link RelationSchema}, at most {@code maxTriples} triples: the
   * per-input fragment {@code pair} (see {@link #typedExtractionBindings}) holds the subject, the relation
   * and the object, so that the relations allowed depend on the subject's type and the objects on the
   * relation's range.
   */
  public static GrammarTemplate typedClosedInformationExtraction(int maxTriples) {
    if (maxTriples < 1) {
      throw new IllegalArgumentException("maxTriples must be at least 1");
    }
    GrammarTemplate.Builder b = GrammarTemplate.builder("cie-typed" + maxTriples);
    b.rule("triple", Expr.seq(b.literal("[s] "), b.fragment("pair"), b.literal(" [e]")));
    b.rule("triples", Expr.seq(Expr.rule("triple"),
        new Expr.Repeat(Expr.seq(b.literal(" "), Expr.rule("triple")), 0, maxTriples - 1)));
    return b.build("triples");
  }

  /**
   * The bindings of one typed information extraction input: the fragment {@code pair}, exactly the
   * well-typed triples {@code subject [r] relation [o] object} over the input's entities (the subject's type
   * in the relation's domain, the object's in its range, the object another entity than the subject).
   *
   * <p>Per relation, the subjects are split by whether their type is also in the range: a subject that can
   * never be an object is followed by any entity of the range; one that can, by any entity of a type only in
   * the range, or by another entity of the types in both, through the balanced tree of
   * {@link #extractionBindings} ({@code left link right | right link left} per inner node). The three cases
   * are disjoint, so each triple has one parse, and the grammar grows with relations times types plus the
   * entities, not with subjects times objects. Entity sets and trees are rules shared by the relations that
   * use the same ones; each entity and relation is its words as literals.
   *
   * @param entityTypes each entity string of the input and its type
   * @throws IllegalArgumentException when no well-typed triple exists among the entities, or a string is empty
   */
  public static GrammarTemplate.Bindings typedExtractionBindings(Map<String, String> entityTypes, RelationSchema schema) {
    // Sorted: the same entities in any order make the same fragment, so a TemplateCache hit.
    TreeMap<String, String> typed = new TreeMap<>(entityTypes);
    GrammarTemplate.Fragment f = new GrammarTemplate.Fragment();
    TypedPairs builder = new TypedPairs(f, typed);
    List<Expr> pairs = new ArrayList<>();
    for (int i = 0; i < schema.relations().size(); i++) {
      RelationSchema.Relation r = schema.relations().get(i);
      List<String> subjectsOnly = new ArrayList<>();
      List<String> both = new ArrayList<>();
      List<String> objects = new ArrayList<>(); // the range, in order
      List<String> objectsOnly = new ArrayList<>();
      typed.forEach((entity, type) -> {
        boolean d = r.domain().contains(type);
        boolean g = r.range().contains(type);
        if (d && g) {
          both.add(entity);
        } else if (d) {
          subjectsOnly.add(entity);
        } else if (g) {
          objectsOnly.add(entity);
        }
        if (g) {
          objects.add(entity);
        }
      });
      boolean any = (!subjectsOnly.isEmpty() && !objects.isEmpty()) || (!both.isEmpty() && !objectsOnly.isEmpty())
          || both.size() >= 2;
      if (!any) {
        continue;
      }
      Expr link = Expr.rule("link_" + i);
      f.rule("link_" + i, Expr.seq(f.literal(" [r] "), entity(f, r.name()), f.literal(" [o] ")));
      if (!subjectsOnly.isEmpty() && !objects.isEmpty()) {
        pairs.add(Expr.seq(builder.set(subjectsOnly), link, builder.set(objects)));
      }
      if (!both.isEmpty() && !objectsOnly.isEmpty()) {
        pairs.add(Expr.seq(builder.set(both), link, builder.set(objectsOnly)));
      }
      if (both.size() >= 2) {
        for (Expr[] node : builder.tree(both)) {
          pairs.add(Expr.seq(node[0], link, node[1]));
          pairs.add(Expr.seq(node[1], link, node[0]));
        }
      }
    }
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("no well-typed triple between two different entities of " + typed + " in the schema");
    }
    f.rule("pair", alt(pairs));
    return GrammarTemplate.Bindings.of().fragment("pair", f);
  }

  /** The shared entity sets and entity trees of one typed fragment. */
  private static final class TypedPairs {
    private final GrammarTemplate.Fragment f;
    private final Map<String, Expr> entities = new HashMap<>();
    private final Map<List<String>, Expr> sets = new HashMap<>();
    private final Map<List<String>, List<Expr[]>> trees = new HashMap<>();

    TypedPairs(GrammarTemplate.Fragment f, Map<String, String> typed) {
      this.f = f;
      for (String e : typed.keySet()) {
        if (e.isEmpty()) {
          throw new IllegalArgumentException("an entity cannot be the empty string");
        }
        entities.put(e, entity(f, e));
      }
    }

    /** Any one of the entities: the entity itself, or a rule of them shared by every use of the same set. */
    Expr set(List<String> members) {
      if (members.size() == 1) {
        return entities.get(members.get(0));
      }
      return sets.computeIfAbsent(List.copyOf(members), m -> {
        String name = "set_" + sets.size();
        f.rule(name, alt(m.stream().map(entities::get).toList()));
        return Expr.rule(name);
      });
    }

    /** The inner nodes (left, right) of a balanced tree over the entities, built once per set. */
    List<Expr[]> tree(List<String> members) {
      return trees.computeIfAbsent(List.copyOf(members), m -> {
        List<Expr[]> nodes = new ArrayList<>();
        below(m, 0, m.size(), "tree_" + trees.size() + "_", nodes);
        return nodes;
      });
    }

    private Expr below(List<String> members, int lo, int hi, String prefix, List<Expr[]> nodes) {
      if (hi - lo == 1) {
        return entities.get(members.get(lo));
      }
      int mid = (lo + hi) >>> 1;
      Expr left = below(members, lo, mid, prefix, nodes);
      Expr right = below(members, mid, hi, prefix, nodes);
      nodes.add(new Expr[] {left, right});
      String name = prefix + lo + "_" + hi;
      f.rule(name, Expr.alt(left, right));
      return Expr.rule(name);
    }
  }

  /** Entity disambiguation: the output is one candidate. */
  public static GrammarTemplate entityDisambiguation() {
    GrammarTemplate.Builder b = GrammarTemplate.builder("disambiguation");
    b.rule("answer", b.choice("candidate"));
    return b.build("answer");
  }

  /** The bindings of one mention: its candidates. */
  public static GrammarTemplate.Bindings disambiguationBindings(List<String> candidates) {
    return GrammarTemplate.Bindings.of().choice("candidate", candidates);
  }

  /** Constituency parsing; the tree is a fragment made per sentence, the labels a choice. */
  public static GrammarTemplate constituencyParsing() {
    GrammarTemplate.Builder b = GrammarTemplate.builder("constituency");
    b.choice("label");
    b.rule("parse", b.fragment("tree"));
    return b.build("parse");
  }

  /**
   * The bindings of one sentence: the tree over its words (a context-free grammar of the spans: one
   * rule per span for a constituent covering it, one per span for a run of constituents covering it).
   */
  public static GrammarTemplate.Bindings parsingBindings(List<String> words, List<String> labels) {
    if (words.isEmpty()) {
      throw new IllegalArgumentException("a sentence needs at least one word");
    }
    for (String w : words) {
      if (w.isEmpty() || w.chars().anyMatch(c -> c == ' ' || c == '(' || c == ')')) {
        throw new IllegalArgumentException("a word may not be empty nor hold a space or a bracket: '" + w + "'");
      }
    }
    int n = words.size();
    GrammarTemplate.Fragment f = new GrammarTemplate.Fragment();
    Expr open = f.literal("(");
    Expr close = f.literal(")");
    Expr space = f.literal(" ");
    Expr label = Expr.lexeme("label");
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j <= n; j++) {
        if (j == i + 1) {
          Expr word = f.literal(words.get(i));
          f.rule(node(i, j), Expr.alt(word, Expr.seq(open, label, space, word, close)));
        } else {
          // A bracket over i..j: a label and two or more children: the first over i..k, the rest over k..j.
          List<Expr> splits = new ArrayList<>();
          for (int k = i + 1; k < j; k++) {
            splits.add(Expr.seq(Expr.rule(node(i, k)), space, Expr.rule(run(k, j))));
          }
          f.rule(node(i, j), Expr.seq(open, label, space, alt(splits), close));
        }
        // One or more children covering i..j.
        List<Expr> runs = new ArrayList<>();
        runs.add(Expr.rule(node(i, j)));
        for (int k = i + 1; k < j; k++) {
          runs.add(Expr.seq(Expr.rule(node(i, k)), space, Expr.rule(run(k, j))));
        }
        f.rule(run(i, j), alt(runs));
      }
    }
    // The whole sentence is one bracketed constituent (a one-word sentence: a labelled word).
    Expr whole = n == 1 ? Expr.seq(open, label, space, f.literal(words.get(0)), close) : Expr.rule(node(0, n));
    f.rule("tree", whole);
    return GrammarTemplate.Bindings.of().choice("label", labels).fragment("tree", f);
  }

  /**
   * One entity string as its words and the single spaces between them, each word a literal: a word that
   * several entities share ("(river)", "Obama") is then one lexeme, which keeps the lexer small. A string
   * with leading, trailing or doubled spaces is one literal.
   */
  private static Expr entity(GrammarTemplate.Fragment f, String text) {
    String[] words = text.split(" ", -1);
    if (words.length == 1 || java.util.Arrays.stream(words).anyMatch(String::isEmpty)) {
      return f.literal(text);
    }
    List<Expr> items = new ArrayList<>(2 * words.length - 1);
    Expr space = f.literal(" ");
    for (String w : words) {
      if (!items.isEmpty()) {
        items.add(space);
      }
      items.add(f.literal(w));
    }
    return new Expr.Seq(items);
  }

  private static Expr alt(List<Expr> alternatives) {
    return alternatives.size() == 1 ? alternatives.get(0) : new Expr.Alt(alternatives);
  }

  private static String node(int i, int j) {
    return "node_" + i + "_" + j;
  }

  private static String run(int i, int j) {
    return "run_" + i + "_" + j;
  }
}
