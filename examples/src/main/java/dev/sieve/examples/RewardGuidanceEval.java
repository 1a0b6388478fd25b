package dev.sieve.examples;

import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.logits.LogitsProcessor;
import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.ForwardInput;
import dev.sieve.decoding.model.KvCache;
import dev.sieve.decoding.model.LanguageModel;
import dev.sieve.decoding.model.Logits;
import dev.sieve.decoding.model.OnnxLanguageModel;
import dev.sieve.rewardmodels.RewardGuidance;
import dev.sieve.rewardmodels.RewardModel;
import dev.sieve.rewardmodels.RewardModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures what sentiment guidance does on the bundled model: for neutral prompts, continuations are sampled
 * (the model's own sampling settings, one seed per prompt) unguided and with ARM and RAD guidance at a few
 * strengths, and scored by an independent lexicon (VADER, {@code models/reward/eval_lexicon.txt}; the reward
 * models were trained on AFINN labels). Reported per setting: the share of positive and negative
 * continuations, the mean lexicon valence, the mean reward of the chosen tokens, the base model's perplexity
 * of the generated text (how far guidance pushes it from what the model would write), and the decode time per
 * token relative to unguided. Every prompt runs every setting in turn, so the timings share the machine's
 * load.
 *
 * <p>Run: {@code ./build -q -pl examples -am compile exec:java -Dexec.skip=true
 * -Dexec.mainClass=dev.sieve.examples.RewardGuidanceEval -Dexec.args="--prompts 200 --tokens 16"}; further
 * options {@code --betas 5,10,20}, {@code --topk 20}.
 */
public final class RewardGuidanceEval {
  private static final String[] TEMPLATES = {
    "The %s was", "Yesterday the %s", "I think the %s is", "We talked about the %s and", "The story of the %s began when",
    "When I saw the %s, I", "Everyone said the %s would", "The %s seemed", "In the morning the %s",
    "My friend told me that the %s",
  };
  private static final String[] SUBJECTS = {
    "weather", "meeting", "train", "book", "house", "garden", "letter", "teacher", "market", "river", "dinner", "journey",
    "city", "film", "old man", "village", "school", "music", "road", "ship",
  };

  /** {@code n} neutral prompts (up to 200): every template with every subject. */
  public static List<String> prompts(int n) {
    List<String> out = new ArrayList<>();
    for (int s = 0; s < SUBJECTS.length && out.size() < n; s++) {
      for (int t = 0; t < TEMPLATES.length && out.size() < n; t++) {
        out.add(String.format(Locale.ROOT, TEMPLATES[t], SUBJECTS[s]));
      }
    }
    return out;
  }

  /** A word-valence lexicon ({@code word<TAB>valence} lines): a text's score is the sum over its words. */
  public static final class Lexicon {
    private static final Pattern WORD = Pattern.compile("[a-z]+(?:'[a-z]+)?");
    private final Map<String, Double> valence;

    public Lexicon(Map<String, Double> valence) {
      this.valence = Map.copyOf(valence);
    }

    public static Lexicon read(Path file) throws IOException {
      Map<String, Double> v = new HashMap<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] parts = line.split("\t");
        if (parts.length >= 2) {
          try {
            v.put(parts[0].toLowerCase(Locale.ROOT), Double.parseDouble(parts[1].trim()));
          } catch (NumberFormatException e) {
            throw new IOException(file + ": not a valence: " + line, e);
          }
        }
      }
      return new Lexicon(v);
    }

    public double score(String text) {
      double sum = 0;
      Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
      while (m.find()) {
        sum += valence.getOrDefault(m.group(), 0.0);
      }
      return sum;
    }
  }

  /** One way of decoding: unguided ({@code model == null}) or guided by a reward model. */
  public record Setting(String name, RewardModel model, double beta, int topK, boolean inverse) {
    LogitsProcessor processor() {
      return model == null ? null : new RewardGuidance(model, beta, topK, inverse);
    }
  }

  /** Totals of one setting over all prompts. */
  static final class Tally {
    int samples;
    int positive;
    int negative;
    double valence;
    double rewardSum;
    int rewardSamples;
    double nll;
    long tokens;
    double decodeMs;
    int decodedTokens;
    double rewardMs;
  }

  /** The base model's summed negative log-likelihood (temperature 1) of {@code continuation} after {@code prompt}. */
  static double negativeLogLikelihood(LanguageModel model, int[] prompt, int[] continuation) {
    if (continuation.length == 0) {
      return 0;
    }
    int[] all = new int[prompt.length + continuation.length];
    System.arraycopy(prompt, 0, all, 0, prompt.length);
    System.arraycopy(continuation, 0, all, prompt.length, continuation.length);
    try (KvCache cache = model.newCache(1)) {
      Logits logits = model.forward(cache, ForwardInput.of(all).allLogits());
      double nll = 0;
      float[] row = new float[logits.vocabSize()];
      for (int i = 0; i < continuation.length; i++) {
        logits.copyRow(0, prompt.length - 1 + i, row);
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) {
          max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : row) {
          sum += Math.exp(v - max);
        }
        nll -= row[continuation[i]] - max - Math.log(sum);
      }
      return nll;
    }
  }

  public static void main(String[] args) throws IOException {
    int promptCount = 200;
    int tokens = 16;
    int topK = 20;
    double[] betas = {5, 10, 20};
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--prompts" -> promptCount = Integer.parseInt(args[++i]);
        case "--tokens" -> tokens = Integer.parseInt(args[++i]);
        case "--topk" -> topK = Integer.parseInt(args[++i]);
        case "--betas" -> betas = java.util.Arrays.stream(args[++i].split(",")).mapToDouble(Double::parseDouble).toArray();
        default -> {
          System.err.println("unknown option " + args[i] + " (expected --prompts N, --tokens T, --topk K, --betas B,B,...)");
          System.exit(2);
        }
      }
    }
    Path models = BundledModel.path().getParent();
    Lexicon lexicon = Lexicon.read(models.resolve("reward/eval_lexicon.txt"));
    try (OnnxLanguageModel base = OnnxLanguageModel.load(BundledModel.path());
        RewardModel arm = RewardModels.load(models.resolve("sieve-sentiment-arm"), base.tokenizer().vocabulary());
        RewardModel rad = RewardModels.load(models.resolve("sieve-sentiment-rad"), base.tokenizer().vocabulary())) {
      Generator generator = new Generator(base);
      List<Setting> settings = new ArrayList<>();
      settings.add(new Setting("unguided", null, 0, topK, false));
      for (double b : betas) {
        settings.add(new Setting("ARM beta " + fmt(b), arm, b, topK, false));
      }
      for (double b : betas) {
        settings.add(new Setting("RAD beta " + fmt(b), rad, b, topK, false));
      }
      double strongest = betas[betas.length - 1];
      settings.add(new Setting("ARM beta " + fmt(strongest) + " inverse", arm, strongest, topK, true));
      List<Tally> tallies = new ArrayList<>();
      settings.forEach(s -> tallies.add(new Tally()));
      List<String> prompts = prompts(promptCount);
      long t0 = System.nanoTime();
      for (int p = 0; p < prompts.size(); p++) {
        GenerationConfig config = generator.defaults().toBuilder().maxNewTokens(tokens).seed(1000 + p).build();
        for (int s = 0; s < settings.size(); s++) {
          LogitsProcessor guidance = settings.get(s).processor();
          GenerationRequest request = GenerationRequest.text(prompts.get(p)).withConfig(config)
              .withProcessors(guidance == null ? List.of() : List.of(guidance));
          GenerationResult r = generator.generate(request);
          if (guidance instanceof RewardGuidance g) {
            g.close();
          }
          Tally t = tallies.get(s);
          t.samples++;
          double v = lexicon.score(r.text());
          t.valence += v;
          t.positive += v > 0 ? 1 : 0;
          t.negative += v < 0 ? 1 : 0;
          if (r.measurements().get("reward.mean") instanceof Double mean) {
            t.rewardSum += mean;
            t.rewardSamples++;
          }
          t.nll += negativeLogLikelihood(base, r.promptTokens(), r.tokens());
          t.tokens += r.tokens().length;
          // the first token comes from the prefill; decode time covers choosing every token
          t.decodeMs += r.timings().decodeMs();
          t.decodedTokens += r.timings().generatedTokens();
          if (r.measurements().get("reward.ms") instanceof Double ms) {
            t.rewardMs += ms;
          }
        }
      }
      double unguidedMsPerToken = tallies.get(0).decodeMs / Math.max(1, tallies.get(0).decodedTokens);
      System.out.printf(Locale.ROOT, "%d neutral prompts, up to %d new tokens, sampling as generation_config.json, top-k %d for "
          + "guidance; scored with the evaluation lexicon (VADER)%n%n", prompts.size(), tokens, topK);
      System.out.printf(Locale.ROOT, "| setting | positive | negative | mean valence | mean reward | perplexity | ms/token | vs unguided | reward model ms/token |%n");
      System.out.printf(Locale.ROOT, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |%n");
      for (int s = 0; s < settings.size(); s++) {
        Tally t = tallies.get(s);
        double msPerToken = t.decodeMs / Math.max(1, t.decodedTokens);
        System.out.printf(Locale.ROOT, "| %s | %.1f%% | %.1f%% | %+.3f | %s | %.1f | %.2f | %.2fx | %.2f |%n", settings.get(s).name(),
            100.0 * t.positive / t.samples, 100.0 * t.negative / t.samples, t.valence / t.samples,
            t.rewardSamples == 0 ? "-" : String.format(Locale.ROOT, "%.3f", t.rewardSum / t.rewardSamples),
            Math.exp(t.nll / Math.max(1, t.tokens)), msPerToken, msPerToken / unguidedMsPerToken, t.rewardMs / Math.max(1, t.tokens));
      }
      System.out.printf(Locale.ROOT, "%n%.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
  }

  private static String fmt(double b) {
    return b == Math.rint(b) ? String.valueOf((long) b) : String.valueOf(b);
  }
}
