package dev.sieve.cli;

import dev.sieve.decoding.model.BundledModel;
import dev.sieve.decoding.model.OnnxLanguageModel;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model DIR}: which model to load; the bundled model when absent. */
public final class ModelOptions {
  @Option(names = "--model", paramLabel = "DIR",
      description = "Model directory (model.onnx, config.json, tokenizer.json, ...). Default: the bundled model models/sieve-tiny.")
  Path model;

  /** The model directory to use: {@code --model}, else the bundled model (a clear error when neither exists). */
  public Path directory() {
    if (model == null) {
      return BundledModel.path();
    }
    if (!Files.exists(model)) {
      throw new CliException("--model: " + model + " does not exist");
    }
    if (!Files.isDirectory(model)) {
      throw new CliException("--model: " + model + " is not a directory (give the folder that holds model.onnx)");
    }
    return model;
  }

  /** Loads the model; the caller closes it. */
  public OnnxLanguageModel load() {
    return OnnxLanguageModel.load(directory());
  }
}
