package dev.sieve.grammars.template;

import dev.sieve.grammars.Expr;
import dev.sieve.grammars.Grammar;
import dev.sieve.grammars.Lexeme;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.automaton.Automata;
import org.apache.lucene.util.automaton.Automaton;

/**
 * A grammar with holes that each request fills: the part that never changes (rules, literals) is written
 * once through the Java API, and {@link #fill(Bindings)} makes the grammar of one input.
 *
 * <p>Two kinds of hole:
 *
 * <ul>
 *   <li>a <b>choice</b> ({@link Builder#choice}): one of a list of strings given per request (the
 *       mention's candidate entities, the relation names, the input's spans). It becomes a single lexeme
 *       whose language is the union of the strings, built directly as a minimal automaton, so a hole of
 *       hundreds of alternatives costs one small automaton rather than hundreds of lexemes;
 *   <li>a <b>fragment</b> ({@link Builder#fragment}): rules generated per request (the constituency tree
 *       over this sentence's words), given as a {@link Fragment}.
 * </ul>
 *
 * <p>Filled grammars use {@link Grammar.Lexing#CONTEXTUAL} lexing: a choice's strings may overlap the
 * template's literals or each other without shadowing them. Immutable and thread-safe; compile filled
 * grammars through a {@link TemplateCache} so that repeated inputs compile once.
 *
 * <pre>{@code
 * GrammarTemplate.Builder b = GrammarTemplate.builder("pick");
 * b.rule("answer", Expr.seq(b.literal("Answer: "), b.choice("entity")));
 * GrammarTemplate template = b.build("answer");
 * Grammar g = template.fill(Bindings.of().choice("entity", List.of("Paris", "Paris, Texas")));
 * }</pre>
 */
public final class GrammarTemplate {
  private final String name;
  private final String startRule;
  private final Map<String, Expr> rules;
  private final Map<String, String> literals; // lexeme name -> text
  private final Set<String> choices;
  private final Set<String> fragments;
  private final String fingerprint;

  private GrammarTemplate(Builder b, String startRule) {
    this.name = b.name;
    this.startRule = startRule;
    this.rules = Map.copyOf(b.rules);
    this.literals = Map.copyOf(b.literals);
    this.choices = Set.copyOf(b.choices);
    this.fragments = Set.copyOf(b.fragments);
    // Rule order matters for nothing but messages; the fingerprint is over sorted content.
    StringBuilder sb = new StringBuilder(name).append('\n').append(startRule).append('\n');
    new java.util.TreeMap<>(b.rules).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    new java.util.TreeMap<>(b.literals).forEach((k, v) -> sb.append(k).append(':').append(v).append('\n'));
    sb.append(new TreeSet<>(choices)).append(new TreeSet<>(fragments));
    this.fingerprint = sb.toString();
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  /** The names of the choice holes. */
  public Set<String> choices() {
    return choices;
  }

  /** The names of the fragment holes. */
  public Set<String> fragments() {
    return fragments;
  }

  /** The template's own content (rules, literals, hole names), as a cache key. */
  String fingerprint() {
    return fingerprint;
  }

  /**
   * The grammar of one request: every hole filled.
   *
   * @throws IllegalArgumentException when a hole is left empty or a binding names no hole
   */
  public Grammar fill(Bindings bindings) {
    for (String hole : bindings.choices.keySet()) {
      if (!choices.contains(hole)) {
        throw new IllegalArgumentException("template " + name + " has no choice hole '" + hole + "'; it has " + choices);
      }
    }
    for (String hole : bindings.fragments.keySet()) {
      if (!fragments.contains(hole)) {
        throw new IllegalArgumentException("template " + name + " has no fragment hole '" + hole + "'; it has " + fragments);
      }
    }
    Grammar.Builder g = Grammar.builder(name).lexing(Grammar.Lexing.CONTEXTUAL);
    rules.forEach(g::rule);
    Map<String, String> lits = new LinkedHashMap<>(literals);
    for (String hole : fragments) {
      Fragment f = bindings.fragments.get(hole);
      if (f == null) {
        throw new IllegalArgumentException("template " + name + ": fragment hole '" + hole + "' is not filled");
      }
      if (!f.rules.containsKey(hole)) {
        throw new IllegalArgumentException("template " + name + ": the fragment for '" + hole + "' defines no rule '" + hole + "'");
      }
      f.rules.forEach(g::rule);
      lits.putAll(f.literals);
    }
    // Literal lexemes first (declaration order breaks ties between equal longest matches), then choices.
    lits.forEach((lexeme, text) -> g.lexeme(Lexeme.literal(lexeme, text)));
    for (String hole : choices) {
      Collection<String> values = bindings.choices.get(hole);
      if (values == null || values.isEmpty()) {
        throw new IllegalArgumentException("template " + name + ": choice hole '" + hole + "' needs at least one string");
      }
      g.lexeme(Lexeme.of(hole, union(values)));
    }
    return g.build(startRule);
  }

  /** The minimal automaton of a set of strings (over code points). */
  static Automaton union(Collection<String> values) {
    TreeSet<BytesRef> sorted = new TreeSet<>();
    for (String v : values) {
      if (v.isEmpty()) {
        throw new IllegalArgumentException("a choice cannot be the empty string");
      }
      sorted.add(new BytesRef(v));
    }
    return Automata.makeStringUnion(sorted);
  }

  /** The name of the lexeme of a literal text (one lexeme per distinct text). */
  static String literalName(String text) {
    return "'" + text + "'";
  }

  /** Writes a template's fixed part. */
  public static final class Builder {
    private final String name;
    private final Map<String, Expr> rules = new LinkedHashMap<>();
    private final Map<String, String> literals = new LinkedHashMap<>();
    private final Set<String> choices = new LinkedHashSet<>();
    private final Set<String> fragments = new LinkedHashSet<>();

    private Builder(String name) {
      this.name = Objects.requireNonNull(name);
    }

    /** A parser rule of the template. */
    public Builder rule(String ruleName, Expr body) {
      if (rules.putIfAbsent(ruleName, body) != null) {
        throw new IllegalArgumentException("rule '" + ruleName + "' defined twice in template " + name);
      }
      return this;
    }

    /** A fixed text: returns the reference to use in rules. */
    public Expr literal(String text) {
      if (text.isEmpty()) {
        throw new IllegalArgumentException("a literal cannot be empty");
      }
      String n = literalName(text);
      literals.put(n, text);
      return Expr.lexeme(n);
    }

    /** A choice hole: one of the strings given per request. Returns the reference to use in rules. */
    public Expr choice(String hole) {
      checkNew(hole);
      choices.add(hole);
      return Expr.lexeme(hole);
    }

    /** A fragment hole: a rule named {@code hole} (and any it uses) given per request. Returns the reference. */
    public Expr fragment(String hole) {
      checkNew(hole);
      fragments.add(hole);
      return Expr.rule(hole);
    }

    private void checkNew(String hole) {
      if (choices.contains(hole) || fragments.contains(hole) || rules.containsKey(hole)) {
        throw new IllegalArgumentException("'" + hole + "' is already used in template " + name);
      }
    }

    public GrammarTemplate build(String startRule) {
      if (!rules.containsKey(startRule)) {
        throw new IllegalArgumentException("template " + name + " has no start rule '" + startRule + "'");
      }
      return new GrammarTemplate(this, startRule);
    }
  }

  /** Rules made for one request, filling a fragment hole, with the literals they use. */
  public static final class Fragment {
    private final Map<String, Expr> rules = new LinkedHashMap<>();
    private final Map<String, String> literals = new LinkedHashMap<>();

    public Fragment rule(String ruleName, Expr body) {
      if (rules.putIfAbsent(ruleName, body) != null) {
        throw new IllegalArgumentException("rule '" + ruleName + "' defined twice in a fragment");
      }
      return this;
    }

    /** A literal text used by the fragment's rules: returns its reference. */
    public Expr literal(String text) {
      if (text.isEmpty()) {
        throw new IllegalArgumentException("a literal cannot be empty");
      }
      String n = literalName(text);
      literals.put(n, text);
      return Expr.lexeme(n);
    }

    /**
     * The content, as a cache key: the rules and literals themselves (expressions are records, equal by
     * structure). Built when asked, not while the rules are added: writing every rule out as text was most of
     * the cost of making a large fragment.
     */
    Object key() {
      return List.of(Map.copyOf(rules), Map.copyOf(literals));
    }
  }

  /** What one request puts into the holes. Mutable while being built; hand it over once done. */
  public static final class Bindings {
    private final Map<String, List<String>> choices = new LinkedHashMap<>();
    private final Map<String, Fragment> fragments = new LinkedHashMap<>();

    public static Bindings of() {
      return new Bindings();
    }

    /** The strings of a choice hole (duplicates are harmless). */
    public Bindings choice(String hole, Collection<String> values) {
      choices.put(hole, List.copyOf(values));
      return this;
    }

    public Bindings fragment(String hole, Fragment fragment) {
      fragments.put(hole, fragment);
      return this;
    }

    /**
     * The content, as a cache key: equal bindings give equal keys (a choice's strings in any order, with or
     * without repeats, are the same choice). Compared by structure, so the key stays valid only while the
     * bindings and their fragments are not changed, as their use requires.
     */
    Object key() {
      Map<String, Set<String>> c = new java.util.HashMap<>();
      choices.forEach((k, v) -> c.put(k, Set.copyOf(v)));
      Map<String, Object> f = new java.util.HashMap<>();
      fragments.forEach((k, v) -> f.put(k, v.key()));
      return List.of(c, f);
    }
  }

  @Override
  public String toString() {
    return "GrammarTemplate[" + name + ", choices " + choices + ", fragments " + fragments + "]";
  }
}
