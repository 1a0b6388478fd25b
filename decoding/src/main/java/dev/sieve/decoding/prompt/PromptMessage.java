package dev.sieve.decoding.prompt;

import java.util.List;
import java.util.Objects;

/**
 * A chat message whose content is made of segments: a user message may hold a set (the options of a
 * question) between ordinary text. Rendered through the model's chat template by
 * {@link PromptLayout#encodeChat}.
 */
public record PromptMessage(String role, List<PromptSegment> segments) {
  public PromptMessage {
    Objects.requireNonNull(role, "role");
    segments = List.copyOf(segments);
  }

  /** A message of plain text only. */
  public static PromptMessage of(String role, String content) {
    return new PromptMessage(role, List.of(new PromptSegment.Text(content)));
  }
}
