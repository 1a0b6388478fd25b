package dev.sieve.decoding.refusal;

import dev.sieve.decoding.model.TestModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** The bundled model's held-out labelled refusal prompts, scored once per test JVM (temperature 1). */
final class HeldOut {
  private static List<LabelledPrompt> prompts;
  private static RefusalCalibration calibration;
  private static RefusalScorer scorer;

  private HeldOut() {}

  static synchronized RefusalScorer scorer() {
    if (scorer == null) {
      scorer = new RefusalScorer(TestModels.bundled());
    }
    return scorer;
  }

  static synchronized List<LabelledPrompt> prompts() {
    if (prompts == null) {
      try {
        prompts = LabelledPrompt.readJsonl(TestModels.bundledDir().resolve("refusal_heldout.jsonl"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return prompts;
  }

  static synchronized RefusalCalibration calibration() {
    if (calibration == null) {
      calibration = RefusalCalibration.score(scorer(), prompts(), 1.0);
    }
    return calibration;
  }

  static RefusalTokens tokens() {
    return scorer().tokens();
  }
}
