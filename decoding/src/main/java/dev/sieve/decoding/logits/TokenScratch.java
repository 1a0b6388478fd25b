package dev.sieve.decoding.logits;

/** Per-token counters sized to the vocabulary, reused across steps and left all-zero after each use. */
final class TokenScratch {
  private int[] counts = new int[0];

  int[] counts(int vocabularySize) {
    if (counts.length < vocabularySize) {
      counts = new int[vocabularySize];
    }
    return counts;
  }

  static void checkId(int id, int vocabularySize) {
    if (id < 0 || id >= vocabularySize) {
      throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + vocabularySize);
    }
  }
}
