package dev.sieve.cli;

import dev.sieve.decoding.refusal.RefusalCurve;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws refusal-rate curves (rate against threshold, one panel per category) into one PNG with XChart. */
final class RefusalCurvePlot {
  private RefusalCurvePlot() {}

  /**
   * @param chosen the calibrated threshold per curve (NaN for none), marked on its panel
   */
  static void write(List<RefusalCurve> curves, double[] chosen, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<XYChart> charts = new ArrayList<>();
    for (int c = 0; c < curves.size(); c++) {
      RefusalCurve curve = curves.get(c);
      XYChart chart = new XYChartBuilder().width(520).height(420).title("refusal rate: " + curve.category())
          .xAxisTitle("threshold (log)").yAxisTitle("rate").build();
      chart.getStyler().setXAxisLogarithmic(true);
      chart.getStyler().setXAxisLogarithmicDecadeOnly(true);
      chart.getStyler().setXAxisDecimalPattern("0E0");
      chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
      chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
      chart.getStyler().setPlotGridVerticalLinesVisible(false);
      chart.getStyler().setYAxisMin(0.0);
      chart.getStyler().setYAxisMax(1.0);
      chart.getStyler().setMarkerSize(3);
      int n = curve.points().size();
      double[] x = new double[n];
      double[] refuse = new double[n];
      double[] answer = new double[n];
      for (int i = 0; i < n; i++) {
        RefusalCurve.Point p = curve.points().get(i);
        x[i] = p.threshold();
        refuse[i] = p.rates().refusalRate(curve.index());
        answer[i] = p.rates().falseRefusalRate(curve.index());
      }
      chart.addSeries("should refuse (" + curve.category() + " prompts)", x, refuse);
      chart.addSeries("should answer (respond prompts)", x, answer);
      if (!Double.isNaN(chosen[c])) {
        XYSeries mark = chart.addSeries("calibrated", new double[] {chosen[c], chosen[c]}, new double[] {0, 1});
        mark.setMarker(SeriesMarkers.NONE);
      }
      charts.add(chart);
    }
    int cols = Math.min(2, charts.size());
    int rows = (charts.size() + cols - 1) / cols;
    String file = png.toString();
    String base = file.toLowerCase(java.util.Locale.ROOT).endsWith(".png") ? file.substring(0, file.length() - 4) : file;
    BitmapEncoder.saveBitmap(new ArrayList<>(charts), rows, cols, base, BitmapEncoder.BitmapFormat.PNG);
  }
}
