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

/**
 * Constituency parsing with and without a per-sentence grammar: the output is a bracketed tree
 * {@code (S (NP the cat) (VP sat))} whose leaves are exactly the sentence's words in order. Scored by
 * labelled bracket F1 (brackets over two or more words; an output that is not a tree over the sentence's
 * words counts as no brackets) and the share of outputs whose leaves are exactly the words, over the items
 * of {@code constituency.tsv}.
 *
 * <p>Run: {@code ./build -q -pl examples -am compile exec:java -Dexec.skip=true
 * -Dexec.mainClass=dev.sieve.examples.ConstituencyParsing [-Dexec.args="N [--list]"]}.
 */
public final class ConstituencyParsing implements StructuredTask<ConstituencyParsing.Item> {
  /** The phrase labels the grammar allows. */
  public static final List<String> LABELS = List.of("S", "NP", "VP", "PP", "ADJP", "ADVP", "SBAR");

  /** A bracketed tree: a word (no label, no children) or a label over children. */
  public record Tree(String label, String word, List<Tree> children) {
    public boolean isWord() {
      return word != null;
    }

    /** The words at the leaves, in order. */
    public List<String> leaves() {
      List<String> out = new ArrayList<>();
      collect(this, out);
      return out;
    }

    private static void collect(Tree t, List<String> out) {
      if (t.isWord()) {
        out.add(t.word());
      } else {
        t.children().forEach(c -> collect(c, out));
      }
    }

    /** Labelled brackets over two or more words, as "LABEL start end" (word offsets, end exclusive). */
    public Set<String> brackets() {
      Set<String> out = new HashSet<>();
      spans(this, 0, out);
      return out;
    }

    private static int spans(Tree t, int start, Set<String> out) {
      if (t.isWord()) {
        return start + 1;
      }
      int end = start;
      for (Tree c : t.children()) {
        end = spans(c, end, out);
      }
      if (end - start >= 2) {
        out.add(t.label() + " " + start + " " + end);
      }
      return end;
    }

    private static final Pattern TOKEN = Pattern.compile("\\(|\\)|[^\\s()]+");

    /**
     * Reads a bracketed tree leniently (any whitespace between tokens); {@code null} when the text is not
     * one tree (unbalanced, an empty or unlabelled bracket, text after the tree).
     */
    public static Tree parse(String text) {
      List<String> tokens = new ArrayList<>();
      Matcher m = TOKEN.matcher(text);
      while (m.find()) {
        tokens.add(m.group());
      }
      int[] at = {0};
      Tree t = read(tokens, at);
      return t == null || t.isWord() || at[0] != tokens.size() ? null : t;
    }

    private static Tree read(List<String> tokens, int[] at) {
      if (at[0] >= tokens.size()) {
        return null;
      }
      String tok = tokens.get(at[0]++);
      if (tok.equals(")")) {
        return null;
      }
      if (!tok.equals("(")) {
        return new Tree(null, tok, List.of());
      }
      if (at[0] >= tokens.size() || tokens.get(at[0]).equals("(") || tokens.get(at[0]).equals(")")) {
        return null;
      }
      String label = tokens.get(at[0]++);
      List<Tree> children = new ArrayList<>();
      while (at[0] < tokens.size() && !tokens.get(at[0]).equals(")")) {
        Tree c = read(tokens, at);
        if (c == null) {
          return null;
        }
        children.add(c);
      }
      if (at[0] >= tokens.size() || children.isEmpty()) {
        return null;
      }
      at[0]++; // ")"
      return new Tree(label, null, List.copyOf(children));
    }
  }

  /** A gold tree and its sentence (the tree's leaves). */
  public record Item(Tree gold, String goldText, List<String> words) {
    public String sentence() {
      return String.join(" ", words);
    }
  }

  private final List<Item> demos = new ArrayList<>();
  private final List<Item> items = new ArrayList<>();
  private final GrammarTemplate template = TaskGrammars.constituencyParsing();

  public ConstituencyParsing() {
    for (TaskData.Row row : TaskData.read("constituency.tsv", 1)) {
      String text = row.columns().get(0).trim();
      Tree t = Tree.parse(text);
      if (t == null) {
        throw new IllegalArgumentException(row.where() + ": not a bracketed tree: " + text);
      }
      (row.demo() ? demos : items).add(new Item(t, text, t.leaves()));
    }
  }

  @Override
  public String name() {
    return "constituency parsing (bracket F1)";
  }

  @Override
  public List<Item> items() {
    return List.copyOf(items);
  }

  @Override
  public String instruction() {
    return "Parse the sentence into a bracketed tree. Labels: " + String.join(" ", LABELS) + ".";
  }

  @Override
  public List<Item> demos() {
    return List.copyOf(demos);
  }

  @Override
  public String input(Item item) {
    return "Sentence: " + item.sentence();
  }

  @Override
  public String goldOutput(Item item) {
    return item.goldText();
  }

  @Override
  public GrammarTemplate template() {
    return template;
  }

  @Override
  public GrammarTemplate.Bindings bindings(Item item) {
    return TaskGrammars.parsingBindings(item.words(), LABELS);
  }

  @Override
  public int maxNewTokens() {
    return 160;
  }

  @Override
  public Score<Item> newScore() {
    return new Score<>() {
      final F1Counts brackets = new F1Counts();
      int exactLeaves;
      int total;

      @Override
      public void add(Item item, String output) {
        total++;
        Tree t = Tree.parse(output);
        boolean exact = t != null && t.leaves().equals(item.words());
        exactLeaves += exact ? 1 : 0;
        // an output that is not a tree over the sentence's words counts as no brackets
        brackets.add(exact ? t.brackets() : Set.of(), item.gold().brackets());
      }

      @Override
      public double value() {
        return brackets.f1();
      }

      @Override
      public String summary() {
        return String.format(Locale.ROOT, "F1 %.3f (P %.3f, R %.3f), leaves exact %d/%d", value(), brackets.precision(),
            brackets.recall(), exactLeaves, total);
      }
    };
  }

  public static void main(String[] args) {
    ExampleMain.run(new ConstituencyParsing(), args, Item::goldText);
  }
}
