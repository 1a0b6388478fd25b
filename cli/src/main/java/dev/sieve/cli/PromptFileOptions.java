package dev.sieve.cli;

import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.prompt.PromptFile;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --prompt-file FILE}: a set-based prompt from a JSON file ({@link PromptFile}): segments, or chat
 * messages whose content may hold sets. The members of a set share positions and cannot see each other, so
 * their order cannot change the output. Needs a model with {@code attention_bias}.
 */
public final class PromptFileOptions {
  @Option(names = "--prompt-file", paramLabel = "FILE",
      description = "A set-based prompt: JSON {\"segments\": [{\"text\": ...}, {\"set\": [...]}, ...]} or {\"messages\": "
          + "[{\"role\", \"content\" | \"segments\"}]}. The order of a set's members cannot change the output.")
  Path promptFile;

  boolean given() {
    return promptFile != null;
  }

  /** The request the file describes; a bad file is one error naming it and the place. */
  GenerationRequest request() {
    try {
      return PromptFile.read(promptFile).toRequest();
    } catch (IllegalArgumentException e) {
      throw new CliException("--prompt-file: " + e.getMessage());
    }
  }
}
