package dev.sieve.decoding.model;

import java.nio.file.Path;

/** The bundled model, loaded once per test JVM and shared (it is thread-safe). */
public final class TestModels {
  private static OnnxLanguageModel bundled;

  private TestModels() {}

  public static synchronized OnnxLanguageModel bundled() {
    if (bundled == null) {
      bundled = OnnxLanguageModel.load(BundledModel.path());
    }
    return bundled;
  }

  public static Path bundledDir() {
    return BundledModel.path();
  }
}
