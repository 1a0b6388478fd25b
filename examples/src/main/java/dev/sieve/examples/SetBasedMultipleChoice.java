package dev.sieve.examples;

import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.ForwardInput;
import dev.sieve.decoding.model.KvCache;
import dev.sieve.decoding.model.LanguageModel;
import dev.sieve.decoding.model.Logits;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.prompt.PromptLayout;
import dev.sieve.decoding.prompt.PromptSegment;
import dev.sieve.decoding.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Multiple-choice questions answered in every order of their options, once with an ordinary prompt (the
 * options listed one after another) and once with a set-based prompt (the options as a set: same positions,
 * blind to each other). The answer is the option the model finds most likely after "Answer:" (the sum of
 * its tokens' log-probabilities). The ordinary answer changes with the order for some questions; the
 * set-based one cannot.
 *
 * <p>Run: {@code ./build -q -pl examples -am compile exec:java -Dexec.skip=true
 * -Dexec.mainClass=dev.sieve.examples.SetBasedMultipleChoice [-Dexec.args=N]} (N: how many questions).
 */
public final class SetBasedMultipleChoice {
  /** A question and its options (the first is the right one). */
  public record Question(String text, List<String> options) {}

  public static final List<Question> QUESTIONS = List.of(
      q("Which of these is a colour?", "red", "table", "seven", "river"),
      q("Which of these is an animal?", "horse", "window", "copper", "Monday"),
      q("Which of these is a fruit?", "apple", "hammer", "cloud", "violin"),
      q("Which of these is a number?", "twelve", "green", "bread", "mountain"),
      q("Which of these is a day of the week?", "Tuesday", "pencil", "ocean", "lion"),
      q("Which of these is a metal?", "iron", "wool", "cheese", "thunder"),
      q("Which of these can fly?", "a bird", "a stone", "a chair", "a fish"),
      q("Which of these is a musical instrument?", "a piano", "a carrot", "a shoe", "a bridge"),
      q("Which of these is a planet?", "Mars", "London", "Thursday", "silver"),
      q("Which of these is a tree?", "an oak", "a knife", "a cat", "a river"),
      q("Which of these is a season?", "winter", "breakfast", "elephant", "gold"),
      q("Which of these is a body part?", "the hand", "the roof", "the engine", "the moon"),
      q("Which of these is a vegetable?", "a carrot", "a spoon", "a tiger", "a lamp"),
      q("Which of these is used for writing?", "a pen", "a cup", "a bed", "a wheel"),
      q("Which of these is a liquid?", "water", "sand", "wood", "glass"),
      q("Which of these is a month?", "March", "Venus", "Friday", "copper"),
      q("Which of these is a bird?", "an eagle", "a whale", "a horse", "a snake"),
      q("Which of these is a drink?", "tea", "soap", "salt", "brick"),
      q("Which of these is a language?", "French", "pepper", "marble", "dozen"),
      q("Which of these is a weapon?", "a sword", "a pillow", "a flower", "a letter"),
      q("Which of these is hot?", "fire", "ice", "snow", "frost"),
      q("Which of these is a building?", "a church", "a river", "a dog", "a song"),
      q("Which of these is a country?", "France", "Paris", "Atlantic", "Europe"),
      q("Which of these is a shape?", "a circle", "a mouse", "a storm", "a king"),
      q("Which of these is a sport?", "football", "bread", "silver", "winter"),
      q("Which of these is a tool?", "a hammer", "a poem", "a cloud", "a dream"),
      q("Which of these is a gas?", "oxygen", "iron", "wood", "stone"),
      q("Which of these is a relative?", "an uncle", "a table", "a cloud", "a road"),
      q("Which of these is a flower?", "a rose", "a wolf", "a coin", "a ship"),
      q("Which of these is a meal?", "dinner", "thunder", "copper", "window"),
      q("Which of these is a unit of time?", "an hour", "a mile", "a pound", "a litre"),
      q("Which of these is a vehicle?", "a car", "a cake", "a lake", "a hat"),
      q("Which of these is a feeling?", "joy", "glass", "steel", "paper"),
      q("Which of these is a profession?", "a doctor", "a tulip", "a comet", "a stone"),
      q("Which of these is an insect?", "an ant", "a cow", "a shark", "a frog"),
      q("Which of these is a sense?", "sight", "iron", "honey", "March"),
      q("Which of these is a direction?", "north", "apple", "violin", "copper"),
      q("Which of these is a fabric?", "cotton", "granite", "whisky", "Monday"),
      q("Which of these is a game?", "chess", "soup", "rain", "marble"),
      q("Which of these is a mammal?", "a dog", "a trout", "a parrot", "a lizard"));

  private static Question q(String text, String... options) {
    return new Question(text, List.of(options));
  }

  /** How the options are put into the prompt. */
  public enum Prompting { ORDINARY, SET_BASED }

  private final LanguageModel model;
  private final Tokenizer tokenizer;

  public SetBasedMultipleChoice(LanguageModel model) {
    this.model = model;
    this.tokenizer = model.tokenizer();
  }

  /** The prompt for the options in the given order. */
  public PromptLayout layout(Question q, List<String> order, Prompting prompting) {
    String head = "Question: " + q.text() + "\nOptions:";
    List<String> lines = order.stream().map(o -> "\n- " + o).toList();
    String tail = "\nAnswer:";
    if (prompting == Prompting.SET_BASED) {
      return PromptLayout.encode(List.of(PromptSegment.text(head), PromptSegment.set(lines), PromptSegment.text(tail)), tokenizer);
    }
    return PromptLayout.encode(List.of(PromptSegment.text(head + String.join("", lines) + tail)), tokenizer);
  }

  /** The option the model finds most likely after the prompt (sum of log-probabilities of its tokens). */
  public String answer(Question q, List<String> order, Prompting prompting) {
    PromptLayout layout = layout(q, order, prompting);
    String best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    try (KvCache cache = model.newCache(1)) {
      float[] first = model.forward(cache, layout.forwardInput()).last(0);
      // options scored in a fixed order, whatever the prompt's order, so ties resolve alike
      for (String option : new TreeSet<>(q.options())) {
        int[] ids = tokenizer.encode(" " + option);
        double score = logSoftmax(first, ids[0]);
        if (ids.length > 1) {
          try (KvCache fork = cache.fork()) {
            Logits rest = model.forward(fork, ForwardInput.of(java.util.Arrays.copyOf(ids, ids.length - 1)).allLogits());
            for (int i = 1; i < ids.length; i++) {
              score += logSoftmax(rest.row(0, i - 1), ids[i]);
            }
          }
        }
        if (score > bestScore) {
          bestScore = score;
          best = option;
        }
      }
    }
    return best;
  }

  private static double logSoftmax(float[] logits, int token) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : logits) {
      sum += Math.exp(v - max);
    }
    return logits[token] - max - Math.log(sum);
  }

  /** For one question: the distinct answers over every order of the options, and how often the right one. */
  public record Outcome(Set<String> answers, int orders, int correct) {
    public boolean changes() {
      return answers.size() > 1;
    }
  }

  public Outcome evaluate(Question q, Prompting prompting) {
    Set<String> answers = new TreeSet<>();
    int orders = 0;
    int correct = 0;
    for (List<String> order : permutations(q.options())) {
      String a = answer(q, order, prompting);
      answers.add(a);
      orders++;
      if (a.equals(q.options().get(0))) {
        correct++;
      }
    }
    return new Outcome(answers, orders, correct);
  }

  static <T> List<List<T>> permutations(List<T> items) {
    if (items.size() <= 1) {
      return List.of(items);
    }
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      List<T> rest = new ArrayList<>(items);
      T head = rest.remove(i);
      for (List<T> p : permutations(rest)) {
        List<T> o = new ArrayList<>();
        o.add(head);
        o.addAll(p);
        out.add(o);
      }
    }
    return out;
  }

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : QUESTIONS.size();
    try (OnnxLanguageModel model = OnnxLanguageModel.load(BundledModel.path())) {
      SetBasedMultipleChoice mc = new SetBasedMultipleChoice(model);
      int changedOrdinary = 0;
      int changedSet = 0;
      int orders = 0;
      int correctOrdinary = 0;
      int correctSet = 0;
      long t0 = System.nanoTime();
      for (Question q : QUESTIONS.subList(0, Math.min(n, QUESTIONS.size()))) {
        Outcome ordinary = mc.evaluate(q, Prompting.ORDINARY);
        Outcome set = mc.evaluate(q, Prompting.SET_BASED);
        changedOrdinary += ordinary.changes() ? 1 : 0;
        changedSet += set.changes() ? 1 : 0;
        orders += ordinary.orders();
        correctOrdinary += ordinary.correct();
        correctSet += set.correct();
        System.out.printf(Locale.ROOT, "%-42s ordinary %-40s set-based %s%n", q.text(), ordinary.answers(), set.answers());
      }
      int asked = Math.min(n, QUESTIONS.size());
      System.out.printf(Locale.ROOT, "%nquestions (of %d) whose answer changes with the order of the options: ordinary %d, set-based %d%n",
          asked, changedOrdinary, changedSet);
      System.out.printf(Locale.ROOT, "right answers over all %d (question, order) pairs: ordinary %d (%.1f%%), set-based %d (%.1f%%)%n",
          orders, correctOrdinary, 100.0 * correctOrdinary / orders, correctSet, 100.0 * correctSet / orders);
      System.out.printf(Locale.ROOT, "%.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
  }
}
