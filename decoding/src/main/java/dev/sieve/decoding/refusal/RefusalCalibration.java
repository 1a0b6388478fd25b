package dev.sieve.decoding.refusal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Calibrates refusal thresholds on a labelled prompt set: sweeps a category's threshold and reports the
 * refusal rate on its should-refuse prompts and on the should-answer prompts, and picks the thresholds
 * that reach target refusal rates.
 *
 * <p>The prompts are scored once ({@link RefusalScorer}); every rate after that is {@link RefusalPolicy#decide}
 * over the stored scores, the same code the {@link RefusalSteering} processor runs during generation.
 *
 * <p><b>Picking a threshold.</b> A category's refusal rate only changes where its threshold crosses one of
 * the prompts' probabilities, so the candidates are those probabilities; the one whose rate is closest to
 * the target wins (ties: the higher threshold, which refuses less elsewhere), and the threshold is placed
 * halfway, on a log scale, between that probability and the next lower one, away from both prompts. With
 * several targets, each category is picked in turn with the others fixed, until no threshold changes.
 */
public final class RefusalCalibration {
  /** Rounds of picking each target in turn before giving up on a fixed point. */
  static final int MAX_ROUNDS = 20;

  private final RefusalTokens tokens;
  private final List<FirstTokenLogits> scores;
  private final int[] labels; // 0 respond, 1 + i category i

  /**
   * @param prompts labelled prompts, in the order of {@code scores}
   * @param scores their first-position scores ({@link RefusalScorer})
   * @throws IllegalArgumentException on a label that is neither a category of the model nor {@code respond}
   */
  public RefusalCalibration(RefusalTokens tokens, List<LabelledPrompt> prompts, List<FirstTokenLogits> scores) {
    if (prompts.size() != scores.size()) {
      throw new IllegalArgumentException(prompts.size() + " prompts but " + scores.size() + " scores");
    }
    this.tokens = tokens;
    this.scores = List.copyOf(scores);
    this.labels = new int[prompts.size()];
    for (int p = 0; p < labels.length; p++) {
      String label = prompts.get(p).label();
      if (LabelledPrompt.RESPOND.equals(label)) {
        labels[p] = 0;
      } else if (tokens.categories().contains(label)) {
        labels[p] = 1 + tokens.indexOf(label);
      } else {
        throw new IllegalArgumentException("prompt " + (p + 1) + " is labelled '" + label + "', which is neither "
            + LabelledPrompt.RESPOND + " nor one of the model's refusal categories " + tokens.categories());
      }
    }
  }

  /** Scores {@code prompts} with {@code scorer} (batched forwards) at {@code temperature}. */
  public static RefusalCalibration score(RefusalScorer scorer, List<LabelledPrompt> prompts, double temperature) {
    List<String> messages = prompts.stream().map(LabelledPrompt::prompt).toList();
    return new RefusalCalibration(scorer.tokens(), prompts, scorer.scoreMessages(messages, temperature));
  }

  public RefusalTokens tokens() {
    return tokens;
  }

  /** Number of prompts labelled with category {@code i}. */
  public int promptsOf(int i) {
    int n = 0;
    for (int l : labels) {
      n += l == 1 + i ? 1 : 0;
    }
    return n;
  }

  /** How {@code policy} decides on every prompt. */
  public RefusalRates rates(RefusalPolicy policy) {
    int k = tokens.size() + 1;
    int[][] counts = new int[k][k];
    for (int p = 0; p < labels.length; p++) {
      RefusalDecision d = policy.decide(scores.get(p));
      counts[labels[p]][d.refused() ? 1 + d.categoryIndex() : 0]++;
    }
    return new RefusalRates(tokens.categories(), counts);
  }

  /** The rates with {@code category}'s threshold set to each of {@code thresholds}, everything else as {@code policy}. */
  public RefusalCurve sweep(RefusalPolicy policy, String category, double[] thresholds) {
    List<RefusalCurve.Point> points = new ArrayList<>();
    for (double t : thresholds) {
      points.add(new RefusalCurve.Point(t, rates(policy.toBuilder().threshold(category, t).build())));
    }
    return new RefusalCurve(category, tokens.indexOf(category), points);
  }

  /**
   * 81 thresholds from 1e-8 to 1, evenly spaced on a log scale (10 per decade): the sweep written out. It
   * reaches that low because a category the model rarely ranks first can need a threshold far below 1%.
   */
  public static double[] defaultGrid() {
    double[] g = new double[81];
    for (int i = 0; i < g.length; i++) {
      g[i] = Math.pow(10, -8 + i / 10.0);
    }
    g[g.length - 1] = 1.0;
    return g;
  }

  /**
   * Picks thresholds for the targeted categories.
   *
   * @param base the starting policy (biases, disabled categories, temperature, and thresholds of the
   *     categories without a target are kept)
   * @param targets category → wanted refusal rate on its should-refuse prompts, in [0, 1]
   */
  public Result calibrate(RefusalPolicy base, Map<String, Double> targets) {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("calibration needs at least one target CATEGORY=RATE");
    }
    for (Map.Entry<String, Double> t : targets.entrySet()) {
      int i = tokens.indexOf(t.getKey());
      if (!(t.getValue() >= 0 && t.getValue() <= 1)) {
        throw new IllegalArgumentException("the target rate for " + t.getKey() + " must be in [0, 1], got " + t.getValue());
      }
      if (promptsOf(i) == 0) {
        throw new IllegalArgumentException("no prompt is labelled " + t.getKey() + ", so its refusal rate cannot be calibrated");
      }
    }
    RefusalPolicy policy = base;
    int rounds = 0;
    boolean changed = true;
    while (changed && rounds < MAX_ROUNDS) {
      changed = false;
      rounds++;
      for (Map.Entry<String, Double> t : targets.entrySet()) {
        double tau = pick(policy, t.getKey(), t.getValue());
        int i = tokens.indexOf(t.getKey());
        if (!(policy.hasThreshold(i) && policy.threshold(i) == tau)) {
          policy = policy.toBuilder().threshold(t.getKey(), tau).build();
          changed = true;
        }
      }
    }
    return new Result(policy, Map.copyOf(targets), rates(policy), rounds, !changed);
  }

  /**
   * Isolation of the categories under {@code policy}: for each category with a threshold, the largest
   * change of any other category's refusal rate when that threshold is divided and multiplied by
   * {@code factor} (capped at 1), or, with {@code factor} 0, swept over {@link #defaultGrid()}.
   */
  public Map<String, Double> isolation(RefusalPolicy policy, double factor) {
    RefusalRates reference = rates(policy);
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < tokens.size(); i++) {
      if (!policy.hasThreshold(i)) {
        continue;
      }
      double tau = policy.threshold(i);
      double[] moves = factor == 0 ? defaultGrid() : new double[] {tau / factor, Math.min(1, tau * factor)};
      out.put(tokens.categories().get(i), sweep(policy, tokens.categories().get(i), moves).maxOtherShift(reference));
    }
    return out;
  }

  /**
   * Half of the prompts: of each label's prompts, those at even ({@code half} 0) or odd ({@code half} 1)
   * positions. Calibrating on one half and measuring on the other shows how far the thresholds carry to
   * prompts they were not picked on.
   */
  public RefusalCalibration half(int half) {
    if (half != 0 && half != 1) {
      throw new IllegalArgumentException("half is 0 or 1, got " + half);
    }
    int[] seen = new int[tokens.size() + 1];
    List<FirstTokenLogits> s = new ArrayList<>();
    List<Integer> l = new ArrayList<>();
    for (int p = 0; p < labels.length; p++) {
      if (seen[labels[p]]++ % 2 == half) {
        s.add(scores.get(p));
        l.add(labels[p]);
      }
    }
    return new RefusalCalibration(tokens, s, l.stream().mapToInt(Integer::intValue).toArray());
  }

  private RefusalCalibration(RefusalTokens tokens, List<FirstTokenLogits> scores, int[] labels) {
    this.tokens = tokens;
    this.scores = List.copyOf(scores);
    this.labels = labels;
  }

  /** Number of prompts. */
  public int size() {
    return labels.length;
  }

  /** Number of should-answer prompts. */
  public int promptsToAnswer() {
    int n = 0;
    for (int l : labels) {
      n += l == 0 ? 1 : 0;
    }
    return n;
  }

  /** The threshold for {@code category} whose refusal rate is closest to {@code target}, others as in {@code policy}. */
  double pick(RefusalPolicy policy, String category, double target) {
    int i = tokens.indexOf(category);
    // the category's probability on every prompt does not depend on any threshold
    TreeSet<Double> distinct = new TreeSet<>();
    for (FirstTokenLogits s : scores) {
      distinct.add(policy.decide(s).categoryProbability(i));
    }
    double[] ps = distinct.descendingSet().stream().mapToDouble(Double::doubleValue).toArray();
    // candidate k: threshold just under ps[k] (k = -1: above every probability)
    double bestTau = Double.NaN;
    double bestGap = Double.POSITIVE_INFINITY;
    for (int k = -1; k < ps.length; k++) {
      if (k < 0 && ps.length > 0 && ps[0] >= 1.0) {
        continue; // no threshold lies above a probability of 1
      }
      double upper = k < 0 ? 1.0 : ps[k];
      double lower = k + 1 < ps.length ? ps[k + 1] : 0.0;
      double tau = placeBetween(lower, upper, k < 0);
      double rate = rates(policy.toBuilder().threshold(category, tau).build()).refusalRate(i);
      double gap = Math.abs(rate - target);
      if (gap < bestGap - 1e-12) {
        bestGap = gap;
        bestTau = tau;
      }
    }
    return bestTau;
  }

  /** A threshold strictly above {@code lower} and at most {@code upper} (or above it when {@code aboveAll}), halfway on a log scale. */
  private static double placeBetween(double lower, double upper, boolean aboveAll) {
    if (aboveAll) {
      // above the highest probability: halfway between it and 1 on a log scale
      return Math.min(1.0, Math.sqrt(Math.max(upper, Double.MIN_NORMAL) * 1.0));
    }
    if (lower <= 0) {
      return upper / 2;
    }
    double mid = Math.sqrt(lower * upper);
    return mid > lower && mid <= upper ? mid : upper;
  }

  /**
   * The outcome of {@link #calibrate}.
   *
   * @param policy the base policy with the picked thresholds
   * @param targets the wanted refusal rates
   * @param achieved the rates of {@code policy} on the calibration prompts
   * @param rounds rounds of picking taken
   * @param converged whether the last round changed nothing
   */
  public record Result(RefusalPolicy policy, Map<String, Double> targets, RefusalRates achieved, int rounds, boolean converged) {
    /** |achieved − target| per targeted category. */
    public Map<String, Double> gaps() {
      Map<String, Double> m = new LinkedHashMap<>();
      for (String c : policy.tokens().categories()) {
        if (targets.containsKey(c)) {
          m.put(c, Math.abs(achieved.refusalRate(policy.tokens().indexOf(c)) - targets.get(c)));
        }
      }
      return m;
    }
  }

  @Override
  public String toString() {
    return "RefusalCalibration[" + labels.length + " prompts, " + Arrays.toString(tokens.categories().toArray()) + "]";
  }
}
