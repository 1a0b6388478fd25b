package dev.sieve.cli;

import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.decoding.refusal.LabelledPrompt;
import dev.sieve.decoding.refusal.RefusalCalibration;
import dev.sieve.decoding.refusal.RefusalCurve;
import dev.sieve.decoding.refusal.RefusalPolicy;
import dev.sieve.decoding.refusal.RefusalRates;
import dev.sieve.decoding.refusal.RefusalScorer;
import dev.sieve.decoding.refusal.RefusalTokens;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sieve refusals}: working with a model's refusal tokens. */
@Command(name = "refusals", mixinStandardHelpOptions = true,
    description = "Refusal tokens: calibrate per-category refusal thresholds on labelled prompts.",
    subcommands = {RefusalsCommand.Calibrate.class})
public final class RefusalsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  /** Without a subcommand: the usage, on stderr, and exit code 2 (as {@code sieve} itself). */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** {@code sieve refusals calibrate --prompts labelled.jsonl --target CATEGORY=RATE...}. */
  @Command(name = "calibrate", mixinStandardHelpOptions = true,
      description = {
          "Sweeps refusal thresholds over labelled prompts (JSON lines {\"prompt\", \"category\"}, category a refusal "
              + "category of the model or \"respond\"), picks the thresholds that reach the target refusal rates, "
              + "and writes the refusal rate on should-refuse and should-answer prompts at each threshold as CSV and PNG.",
          "The thresholds printed are what --refusal takes in sieve generate."})
  static final class Calibrate implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = "--prompts", required = true, paramLabel = "FILE", description = "Labelled prompts, JSON lines.")
    Path prompts;

    @Option(names = "--target", required = true, arity = "1..*", paramLabel = "CATEGORY=RATE",
        description = "Wanted refusal rate (0..1) on CATEGORY's should-refuse prompts. Repeatable.")
    List<String> targets = new ArrayList<>();

    @Option(names = "--refusal-temperature", paramLabel = "T", defaultValue = "1.0",
        description = "Softmax temperature of the probabilities (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--csv", paramLabel = "FILE", defaultValue = "refusal-calibration.csv",
        description = "Where the sweep goes as CSV (default: ${DEFAULT-VALUE}).")
    Path csv;

    @Option(names = "--png", paramLabel = "FILE", defaultValue = "refusal-calibration.png",
        description = "Where the curves go as PNG (default: ${DEFAULT-VALUE}).")
    Path png;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "16", description = "Prompts per forward (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--cross-check", description = "Also calibrate on half of each category's prompts and report the rates on the other half.")
    boolean crossCheck;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      Map<String, Double> wanted = new LinkedHashMap<>();
      for (String t : targets) {
        RefusalPolicy.Assignment a = RefusalPolicy.Assignment.parse(t, "--target", "a refusal rate between 0 and 1");
        wanted.put(a.category(), a.value());
      }
      if (!Files.isRegularFile(prompts)) {
        throw new CliException("--prompts: " + prompts + (Files.exists(prompts) ? " is not a file" : " does not exist"));
      }
      if (batch < 1) {
        throw new CliException("--batch: at least 1 prompt per forward, got " + batch);
      }
      List<LabelledPrompt> labelled = LabelledPrompt.readJsonl(prompts);
      try (OnnxLanguageModel m = OnnxLanguageModel.load(modelOptions.directory())) {
        RefusalTokens tokens = RefusalTokens.of(m);
        RefusalScorer scorer = new RefusalScorer(m, tokens, batch);
        long t0 = System.nanoTime();
        RefusalCalibration calibration = RefusalCalibration.score(scorer, labelled, temperature);
        double seconds = (System.nanoTime() - t0) / 1e9;
        report(out, tokens, calibration, wanted, labelled.size(), seconds);
      }
      return 0;
    }

    private void report(PrintWriter out, RefusalTokens tokens, RefusalCalibration calibration, Map<String, Double> wanted,
        int n, double seconds) throws IOException {
      RefusalPolicy base = RefusalPolicy.builder(tokens).temperature(temperature).build();
      for (String c : wanted.keySet()) {
        tokens.indexOf(c); // unknown categories fail before any work is reported
      }
      StringBuilder counts = new StringBuilder();
      for (int i = 0; i < tokens.size(); i++) {
        counts.append(tokens.categories().get(i)).append(' ').append(calibration.promptsOf(i)).append(", ");
      }
      out.printf(Locale.ROOT, "%d prompts (%srespond %d) scored in %.1f s, one forward per %d prompts%n", n, counts,
          calibration.promptsToAnswer(), seconds, batch);
      out.println("no controls (the model's own first token):");
      printRates(out, tokens, calibration.rates(base), null);

      RefusalCalibration.Result r = calibration.calibrate(base, wanted);
      out.println("calibrated" + (r.converged() ? "" : " (no fixed point after " + r.rounds() + " rounds)") + ":");
      printRates(out, tokens, r.achieved(), wanted);
      out.println("isolation: largest change of another category's rate when one threshold is");
      Map<String, Double> local = calibration.isolation(r.policy(), 2);
      Map<String, Double> full = calibration.isolation(r.policy(), 0);
      for (String c : local.keySet()) {
        out.printf(Locale.ROOT, "  %-10s halved or doubled %5.1f points; swept 1e-8..1 %5.1f points%n", c, 100 * local.get(c), 100 * full.get(c));
      }
      StringBuilder flags = new StringBuilder();
      for (int i = 0; i < tokens.size(); i++) {
        if (r.policy().hasThreshold(i)) {
          flags.append(String.format(Locale.ROOT, " %s=%.6g", tokens.categories().get(i), r.policy().threshold(i)));
        }
      }
      out.println("sieve generate --refusal" + flags + (temperature != 1.0 ? " --refusal-temperature " + temperature : ""));

      if (crossCheck) {
        for (int half = 0; half < 2; half++) {
          RefusalCalibration.Result h = calibration.half(half).calibrate(base, wanted);
          out.printf("cross-check: calibrated on half %d (%d prompts), measured on the other half:%n", half, calibration.half(half).size());
          printRates(out, tokens, calibration.half(1 - half).rates(h.policy()), wanted);
        }
      }

      List<RefusalCurve> curves = new ArrayList<>();
      double[] chosen = new double[tokens.size()];
      for (int i = 0; i < tokens.size(); i++) {
        curves.add(calibration.sweep(r.policy(), tokens.categories().get(i), RefusalCalibration.defaultGrid()));
        chosen[i] = r.policy().threshold(i);
      }
      if (csv.getParent() != null) {
        Files.createDirectories(csv.getParent());
      }
      try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
        w.write(RefusalCurve.csvHeader(tokens.categories()));
        for (RefusalCurve c : curves) {
          c.writeCsv(w);
        }
      }
      if (png.getParent() != null) {
        Files.createDirectories(png.getParent());
      }
      RefusalCurvePlot.write(curves, chosen, png);
      out.println("wrote " + csv + " and " + png);
    }

    private static void printRates(PrintWriter out, RefusalTokens tokens, RefusalRates rates, Map<String, Double> wanted) {
      for (int i = 0; i < tokens.size(); i++) {
        String c = tokens.categories().get(i);
        Double target = wanted == null ? null : wanted.get(c);
        out.printf(Locale.ROOT, "  %-10s refused %5.1f%% of its prompts%s; %5.1f%% of should-answer prompts refused as %s%n",
            c, 100 * rates.refusalRate(i),
            target == null ? "" : String.format(Locale.ROOT, " (target %.1f%%, off by %.1f points)", 100 * target,
                100 * Math.abs(rates.refusalRate(i) - target)),
            100 * rates.falseRefusalRate(i), c);
      }
      out.printf(Locale.ROOT, "  should-answer prompts answered %.1f%%; first token right %.1f%% of all prompts%n",
          100 * rates.respondRate(), 100 * rates.accuracy());
    }
  }
}
