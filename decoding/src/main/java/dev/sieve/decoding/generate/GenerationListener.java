package dev.sieve.decoding.generate;

import java.util.function.Consumer;

/**
 * Streaming events of one generation, called on the generating thread as tokens are chosen. Text deltas
 * never split a UTF-8 character and never contain any part of a stop string. The generated text is the
 * concatenation of every {@link #onToken} delta followed by the {@link #onTrailingText} one, if any.
 */
public interface GenerationListener {
  /**
   * A token was chosen (end-of-sequence tokens are not reported).
   *
   * @param index its index among the generated tokens (0 for the first)
   * @param token the id
   * @param textDelta text that became final with this token (may be empty: an incomplete character, or
   *     text held back because it may begin a stop string)
   * @param logprob its logprob when requested, else {@code null}
   */
  void onToken(int index, int token, String textDelta, TokenLogprob logprob);

  /** Text held back until the end (the start of a stop string that never completed), released once. */
  default void onTrailingText(String textDelta) {}

  /** The generation finished. */
  default void onFinish(GenerationResult result) {}

  /** A listener that passes every piece of text, in order, to {@code sink} (e.g. to print as it streams). */
  static GenerationListener text(Consumer<String> sink) {
    return new GenerationListener() {
      @Override
      public void onToken(int index, int token, String textDelta, TokenLogprob logprob) {
        if (!textDelta.isEmpty()) {
          sink.accept(textDelta);
        }
      }

      @Override
      public void onTrailingText(String textDelta) {
        sink.accept(textDelta);
      }
    };
  }
}
