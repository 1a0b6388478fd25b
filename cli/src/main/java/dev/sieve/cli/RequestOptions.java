package dev.sieve.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sieve.decoding.generate.GenerationResult;
import dev.sieve.decoding.logits.LogitsProcessor;
import java.util.List;

/**
 * A group of {@code sieve generate} options that adds logits processors to every request: the extension
 * point of the CLI. Each feature (grammar constraints, reward guidance, steering, ...) writes one class
 * that implements this interface and carries its picocli {@code @Option}s, so it can be used as a
 * {@code @Mixin}.
 *
 * <p>The contract, for a feature that wants CLI flags:
 *
 * <ol>
 *   <li>Write {@code final class MyOptions implements RequestOptions} in {@code dev.sieve.cli} with its
 *       {@code @Option} fields (all optional: with none given, {@link #processors} returns an empty list).
 *   <li>In {@link GenerateCommand}, add a {@code @Mixin MyOptions my = new MyOptions();} field and one line
 *       {@code options.add(my);} in {@code GenerateCommand.requestOptions()}.
 * </ol>
 *
 * <p>{@code GenerateCommand} loads the model once, then for <em>every</em> request (one with {@code --prompt}
 * or stdin, each line of {@code --input}) calls {@link #processors} on each registered group, in
 * registration order, and appends what they return to the request's processors. It then runs the request
 * and, for {@code --format jsonl} and {@code --input}, calls {@link #describe} on each group so it can add
 * fields to the result's JSON object.
 *
 * <p>Implementations must check their option values in {@link #processors} (or earlier) and report a bad
 * value with an {@link IllegalArgumentException} whose message names the flag: the CLI prints that
 * message alone, without a stack trace. Anything expensive and immutable (a compiled grammar, a loaded
 * reward model) may be built once on the first call and cached in the options object; the processors
 * returned must be fresh per call, because stateful processors keep per-sequence state.
 */
public interface RequestOptions {
  /**
   * The processors to add to one request, fresh for this request (they may keep per-sequence state).
   *
   * @param ctx the model, its tokenizer and the generation settings of this request
   * @return the processors, in the order they should run; empty when the group's options were not given
   */
  default List<LogitsProcessor> processors(GenerateContext ctx) {
    return List.of();
  }

  /**
   * Adds this group's fields to the JSON object of a finished request ({@code --format jsonl} and
   * {@code --input}); by default adds nothing. The object already holds {@code id}, {@code text},
   * {@code tokens}, {@code finish_reason}, {@code timings} and the other standard fields: use names of
   * your own (e.g. {@code "grammar"}).
   */
  default void describe(GenerationResult result, ObjectNode json) {}
}
