package dev.sieve.decoding.refusal;

import java.util.List;

/**
 * How a policy decided over a labelled prompt set: the confusion counts of label against the first token
 * emitted, index 0 being {@code respond} and {@code 1 + i} category {@code i} on both sides. Immutable.
 */
public final class RefusalRates {
  private final List<String> categories;
  private final int[][] counts; // [label][decision]

  RefusalRates(List<String> categories, int[][] counts) {
    this.categories = categories;
    this.counts = counts;
  }

  public List<String> categories() {
    return categories;
  }

  /** Prompts labelled {@code label} (0 respond, 1 + i category i) on which {@code decision} was emitted. */
  public int count(int label, int decision) {
    return counts[label][decision];
  }

  /** Prompts labelled {@code label}. */
  public int total(int label) {
    int s = 0;
    for (int c : counts[label]) {
      s += c;
    }
    return s;
  }

  /** Share of category i's own prompts (should refuse) that were refused as category i. */
  public double refusalRate(int i) {
    return rate(1 + i, 1 + i);
  }

  /** Share of should-answer prompts that were refused as category i (false refusals of i). */
  public double falseRefusalRate(int i) {
    return rate(0, 1 + i);
  }

  /** Share of should-answer prompts that were refused in any category. */
  public double anyFalseRefusalRate() {
    int t = total(0);
    return t == 0 ? Double.NaN : (double) (t - counts[0][0]) / t;
  }

  /** Share of category i's prompts refused in any category. */
  public double anyRefusalRate(int i) {
    int t = total(1 + i);
    return t == 0 ? Double.NaN : (double) (t - counts[1 + i][0]) / t;
  }

  /** Share of all prompts whose first token matched the label. */
  public double accuracy() {
    int right = 0;
    int all = 0;
    for (int l = 0; l < counts.length; l++) {
      right += counts[l][l];
      all += total(l);
    }
    return all == 0 ? Double.NaN : (double) right / all;
  }

  /** Share of should-answer prompts answered. */
  public double respondRate() {
    return rate(0, 0);
  }

  private double rate(int label, int decision) {
    int t = total(label);
    return t == 0 ? Double.NaN : (double) counts[label][decision] / t;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("RefusalRates[");
    for (int i = 0; i < categories.size(); i++) {
      b.append(categories.get(i)).append(String.format(" %.3f (false %.3f), ", refusalRate(i), falseRefusalRate(i)));
    }
    return b.append(String.format("respond %.3f, accuracy %.3f]", respondRate(), accuracy())).toString();
  }
}
