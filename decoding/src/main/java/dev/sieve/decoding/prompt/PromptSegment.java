package dev.sieve.decoding.prompt;

import java.util.List;
import java.util.Objects;

/**
 * One piece of a set-based prompt: ordinary {@link Text}, or a {@link Set} of members whose order must not
 * matter (the options of a question, documents to compare). A {@link PromptLayout} gives every member of a
 * set the same starting position id and lets no member see another; what follows the set sees all of them.
 */
public sealed interface PromptSegment permits PromptSegment.Text, PromptSegment.Set {

  /** Ordinary text: it sees everything before it, and everything after it sees it. */
  record Text(String text) implements PromptSegment {
    public Text {
      Objects.requireNonNull(text, "text");
    }
  }

  /** Parallel members: each sees what came before the set and itself only. */
  record Set(List<String> members) implements PromptSegment {
    public Set {
      members = List.copyOf(members);
      if (members.isEmpty()) {
        throw new IllegalArgumentException("a set needs at least one member");
      }
    }
  }

  static PromptSegment text(String text) {
    return new Text(text);
  }

  static PromptSegment set(String... members) {
    return new Set(List.of(members));
  }

  static PromptSegment set(List<String> members) {
    return new Set(members);
  }
}
