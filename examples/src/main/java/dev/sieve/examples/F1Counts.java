package dev.sieve.examples;

import java.util.Set;

/** Micro-averaged counts of predicted, gold and correct elements, and the precision, recall and F1 they give. */
final class F1Counts {
  private int correct;
  private int predicted;
  private int gold;

  /** Adds one item's predicted and gold elements. */
  <T> void add(Set<T> predictedSet, Set<T> goldSet) {
    predicted += predictedSet.size();
    gold += goldSet.size();
    for (T t : predictedSet) {
      correct += goldSet.contains(t) ? 1 : 0;
    }
  }

  double precision() {
    return predicted == 0 ? 0 : (double) correct / predicted;
  }

  double recall() {
    return gold == 0 ? 0 : (double) correct / gold;
  }

  double f1() {
    return f1(correct, predicted, gold);
  }

  /** F1 of micro-averaged counts (the harmonic mean of precision and recall); counts may be expected values. */
  static double f1(double correct, double predicted, double gold) {
    return correct == 0 ? 0 : 2 * correct / (predicted + gold);
  }
}
