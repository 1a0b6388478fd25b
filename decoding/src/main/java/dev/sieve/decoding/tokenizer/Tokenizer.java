package dev.sieve.decoding.tokenizer;

/** Text to token ids and back. Implementations are immutable and thread-safe. */
public interface Tokenizer {
  /** The exact bytes of every id; what masks work on. */
  Vocabulary vocabulary();

  /** Encodes plain text: special-token text in it is encoded as ordinary text, never as a control token. */
  int[] encode(String text);

  /** Encodes text in which special tokens written out (e.g. {@code <|user|>}) become their ids: for rendered chat templates. */
  int[] encodeWithSpecialTokens(String text);

  /** Decodes ids to text; bytes that do not form valid UTF-8 become U+FFFD. Special tokens are included as their text. */
  String decode(int[] ids);
}
