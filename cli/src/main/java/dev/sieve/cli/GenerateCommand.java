package dev.sieve.cli;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.sieve.decoding.generate.ChatMessage;
import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationListener;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.generate.Generator;
import dev.sieve.decoding.generate.Timings;
import dev.sieve.decoding.model.OnnxLanguageModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code sieve generate}: one prompt ({@code --prompt} or stdin) streamed to stdout as text or printed as
 * one JSON object, or a batch ({@code --input prompts.jsonl --output results.jsonl}).
 *
 * <p>Features add their flags as {@link RequestOptions} mixins: a {@code @Mixin} field below and one line in
 * {@link #requestOptions()}. Every request then gets their processors (see {@link RequestOptions}).
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Generate text with a model (the bundled model by default).",
        "The prompt is --prompt TEXT, else all of stdin. Text streams to stdout as it is generated.",
        "With --input FILE every line {\"id\", \"prompt\" | \"messages\", settings...} is generated and written "
            + "to --output as one JSON object; a rerun skips the ids already there."},
    footer = {"", "Examples:",
        "  sieve generate --prompt \"Write a JSON record for a book.\"",
        "  echo \"Once upon a time\" | sieve generate --raw --max-tokens 40 --seed 1",
        "  sieve generate --input prompts.jsonl --output results.jsonl"})
public final class GenerateCommand implements Callable<Integer> {
  /** How a single generation is printed. */
  public enum Format { text, jsonl }

  @Spec CommandSpec spec;
  @ParentCommand Main main;

  @Option(names = "--prompt", paramLabel = "TEXT", description = "The prompt (default: read all of stdin).")
  String prompt;

  @Option(names = "--raw", description = "Continue the prompt as plain text instead of sending it as a user "
      + "message through the model's chat template (the default when the model has one).")
  boolean raw;

  @Option(names = "--system", paramLabel = "TEXT", description = "A system message before the prompt (chat only).")
  String system;

  @Mixin ModelOptions modelOptions = new ModelOptions();
  @Mixin SamplingOptions sampling = new SamplingOptions();
  // Feature option groups (RequestOptions): add a @Mixin field here and one line in requestOptions().
  @Mixin ConstraintOptions constraints = new ConstraintOptions();
  @Mixin SpeculativeOptions speculative = new SpeculativeOptions();
  @Mixin RewardOptions reward = new RewardOptions();
  @Mixin PromptFileOptions promptFile = new PromptFileOptions();
  @Mixin RefusalOptions refusal = new RefusalOptions();
  @Mixin BeamOptions beams = new BeamOptions();

  @Option(names = "--format", paramLabel = "FORMAT", description = "text (streamed) or jsonl (one JSON object). Default: ${DEFAULT-VALUE}.")
  Format format = Format.text;

  @Option(names = "--logprobs", paramLabel = "N", description = "Report every token's logprob with its N most likely alternatives (jsonl).")
  Integer logprobs;

  @Option(names = "--input", paramLabel = "FILE", description = "Batch: a JSON Lines file of requests "
      + "{\"id\", \"prompt\" | \"messages\", optional " + "max_tokens, temperature, top_k, top_p, min_p, repetition_penalty, seed, stop}.")
  Path input;

  @Option(names = "--output", paramLabel = "FILE", description = "Batch: where results go, one JSON object per line, "
      + "each flushed as it completes; ids already in it are skipped. Default: stdout.")
  Path output;

  @Option(names = {"-v", "--verbose"}, description = "Print the finish reason and timings on stderr.")
  boolean verbose;

  /** The feature option groups, in the order their processors join every request's chain. */
  List<RequestOptions> requestOptions() {
    List<RequestOptions> options = new ArrayList<>();
    // options.add(myFeatureOptions);   <- one line per RequestOptions mixin
    options.add(refusal);
    options.add(constraints);
    options.add(reward);
    options.add(speculative);
    options.add(beams);
    return options;
  }

  @Override
  public Integer call() {
    if (input != null && prompt != null) {
      throw new CliException("give either --prompt or --input, not both");
    }
    if (output != null && input == null) {
      throw new CliException("--output needs --input (a batch); a single generation prints to stdout");
    }
    if (promptFile.given() && (prompt != null || input != null || system != null || raw)) {
      throw new CliException("--prompt-file holds the whole prompt (text or chat messages); drop "
          + (prompt != null ? "--prompt" : input != null ? "--input" : system != null ? "--system" : "--raw"));
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String promptText = null;
    GenerationRequest fromFile = promptFile.given() ? promptFile.request() : null; // checked before the model loads
    if (fromFile != null) {
      // the prompt is the file's
    } else if (input == null) {
      promptText = prompt != null ? prompt : readStdin(err);
      if (promptText.isEmpty()) {
        throw new CliException("the prompt is empty: give --prompt TEXT or pipe the prompt on stdin");
      }
    } else if (!java.nio.file.Files.isRegularFile(input)) {
      throw new CliException("--input: " + input + (java.nio.file.Files.exists(input) ? " is not a file" : " does not exist"));
    }
    Path dir = modelOptions.directory();
    try (OnnxLanguageModel model = OnnxLanguageModel.load(dir)) {
      Generator generator = new Generator(model);
      GenerationConfig config = speculative.apply(sampling.apply(generator.defaults()));
      if (logprobs != null) {
        config = Settings.build(withLogprobs(config, logprobs));
      }
      config = beams.apply(config);
      RequestRunner runner = new RequestRunner(generator, dir, requestOptions());
      boolean chat = !raw && generator.chatTemplate().isPresent();
      if (input != null) {
        return new BatchRun(runner, config, chat, system, input, output, out, err).run();
      }
      if (system != null && !chat) {
        throw new CliException("--system needs a chat prompt; "
            + (raw ? "drop --raw" : "the model has no chat template"));
      }
      GenerationRequest request = fromFile != null ? fromFile
          : chat ? GenerationRequest.chat(messages(system, promptText)) : GenerationRequest.text(promptText);
      GenerationListener listener = format == Format.text ? GenerationListener.text(s -> {
        out.print(s);
        out.flush();
      }) : null;
      GenerationResult result = runner.run(request, config, listener);
      if (format == Format.text) {
        out.println();
      } else {
        out.println(runner.json(IntNode.valueOf(1), result).toString());
      }
      out.flush();
      if (verbose) {
        err.println(summary(result));
        err.flush();
      }
      return 0;
    }
  }

  private static GenerationConfig.Builder withLogprobs(GenerationConfig config, int n) {
    try {
      return config.toBuilder().logprobs(n);
    } catch (IllegalArgumentException e) {
      throw new CliException("--logprobs: " + e.getMessage());
    }
  }

  static List<ChatMessage> messages(String system, String user) {
    List<ChatMessage> m = new ArrayList<>();
    if (system != null) {
      m.add(ChatMessage.system(system));
    }
    m.add(ChatMessage.user(user));
    return m;
  }

  static String summary(GenerationResult r) {
    Timings t = r.timings();
    return String.format(Locale.ROOT, "finish: %s, %d tokens, prefill %.1f ms, decode %.1f ms (%.1f tokens/s)",
        r.finishReason().wireName(), r.tokens().length, t.prefillMs(), t.decodeMs(), t.tokensPerSecond());
  }

  private String readStdin(PrintWriter err) {
    if (main.stdinIsTerminal()) {
      err.println("Reading the prompt from stdin (end it with Ctrl-D), or give --prompt TEXT.");
      err.flush();
    }
    try {
      String s = new String(main.stdin().readAllBytes(), StandardCharsets.UTF_8);
      // a piped prompt usually ends with the newline of echo or of the file's last line
      if (s.endsWith("\r\n")) {
        return s.substring(0, s.length() - 2);
      }
      return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the prompt from stdin: " + e.getMessage(), e);
    }
  }
}
