package dev.sieve.decoding.refusal;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;

/**
 * One category's threshold sweep: the rates at each threshold, every other setting fixed. Immutable.
 *
 * @param category the swept category
 * @param index its index in the model's categories
 * @param points one per threshold, in the order swept
 */
public record RefusalCurve(String category, int index, List<Point> points) {
  public RefusalCurve {
    points = List.copyOf(points);
  }

  /** The rates at one threshold. */
  public record Point(double threshold, RefusalRates rates) {}

  /**
   * The largest change of any other category's refusal rate (on its own should-refuse prompts) between
   * {@code reference} and any point of this sweep: how isolated the other categories are from this
   * category's threshold.
   */
  public double maxOtherShift(RefusalRates reference) {
    double max = 0;
    for (Point p : points) {
      for (int d = 0; d < reference.categories().size(); d++) {
        if (d != index) {
          max = Math.max(max, Math.abs(p.rates().refusalRate(d) - reference.refusalRate(d)));
        }
      }
    }
    return max;
  }

  /** The CSV header {@link #writeCsv} writes for the categories {@code categories}. */
  public static String csvHeader(List<String> categories) {
    StringBuilder b = new StringBuilder("category,threshold,should_refuse_rate,should_answer_rate,any_refusal_on_should_answer");
    for (String c : categories) {
      b.append(',').append(c).append("_rate");
    }
    return b.append('\n').toString();
  }

  /**
   * Writes one line per point: the category, the threshold, its refusal rate on its should-refuse prompts
   * and on the should-answer prompts, the should-answer prompts refused in any category, then every
   * category's own refusal rate (the swept one and the others, for isolation).
   */
  public void writeCsv(Writer out) throws IOException {
    for (Point p : points) {
      RefusalRates r = p.rates();
      StringBuilder b = new StringBuilder();
      b.append(category).append(',').append(String.format(Locale.ROOT, "%.6g", p.threshold()))
          .append(',').append(fmt(r.refusalRate(index)))
          .append(',').append(fmt(r.falseRefusalRate(index)))
          .append(',').append(fmt(r.anyFalseRefusalRate()));
      for (int d = 0; d < r.categories().size(); d++) {
        b.append(',').append(fmt(r.refusalRate(d)));
      }
      out.write(b.append('\n').toString());
    }
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
