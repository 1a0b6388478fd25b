package dev.sieve.rewardmodels;

import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.ModelException;
import dev.sieve.decoding.model.OnnxLanguageModel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bundled base model and the bundled sentiment reward models, loaded once per test JVM. The reward
 * models are found under the project root ({@code sieve.root}) as {@code models/sieve-sentiment-arm}
 * and {@code models/sieve-sentiment-rad}; the system properties {@code sieve.reward.arm} and
 * {@code sieve.reward.rad} point elsewhere.
 */
final class RewardTestModels {
  private static OnnxLanguageModel base;
  private static OnnxArmRewardModel arm;
  private static OnnxRadRewardModel rad;

  private RewardTestModels() {}

  static synchronized OnnxLanguageModel base() {
    if (base == null) {
      base = OnnxLanguageModel.load(BundledModel.path());
    }
    return base;
  }

  static synchronized OnnxArmRewardModel arm() {
    if (arm == null) {
      arm = OnnxArmRewardModel.load(armDir(), base().tokenizer().vocabulary());
    }
    return arm;
  }

  static synchronized OnnxRadRewardModel rad() {
    if (rad == null) {
      rad = OnnxRadRewardModel.load(radDir(), base().tokenizer().vocabulary());
    }
    return rad;
  }

  static Path armDir() {
    return locate("sieve.reward.arm", "models/sieve-sentiment-arm");
  }

  static Path radDir() {
    return locate("sieve.reward.rad", "models/sieve-sentiment-rad");
  }

  private static Path locate(String property, String relative) {
    String p = System.getProperty(property);
    if (p != null && !p.isBlank()) {
      return Path.of(p);
    }
    String root = System.getProperty("sieve.root");
    Path start = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
    for (Path d = start.toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve(relative))) {
        return d.resolve(relative);
      }
    }
    throw new ModelException("the reward model " + relative + " was not found above " + start + "; set -D" + property + "=DIR");
  }
}
