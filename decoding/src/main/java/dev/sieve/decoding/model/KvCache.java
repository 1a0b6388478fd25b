package dev.sieve.decoding.model;

/**
 * The keys and values of every layer for the tokens a model has seen, kept in native (ONNX Runtime)
 * memory between forward passes. One cache belongs to one sequence (or one padded batch of sequences);
 * a cache is not thread-safe, but many caches may run on one shared model at once.
 *
 * <p>Positions in the cache are cache slots, 0 to {@link #length()}-1, in the order tokens were fed
 * (pads included); they are not the model's position ids, which the caller may choose freely.
 */
public interface KvCache extends AutoCloseable {
  /** Number of cache slots filled (the "past" length of the next forward). */
  int length();

  /** Number of sequences (rows) in the batch this cache holds. */
  int batchSize();

  /**
   * The position id the next token of {@code row} gets when the caller gives none: one past the
   * largest position fed so far for a real (non-pad) token of that row.
   */
  long nextPosition(int row);

  /** An independent copy: forward passes on either leave the other untouched (beam search, drafts). */
  KvCache fork();

  /** Drops the slots from {@code newLength} on (rolls back rejected tokens). */
  void truncate(int newLength);

  /**
   * Keeps only the given slots, in the given order, and drops the others: after verifying a draft
   * tree, keep the prompt and the accepted path. Positions must be increasing, each in [0, length).
   * The next default position becomes one past the largest kept position id.
   */
  void keep(int[] positions);

  /**
   * Marks slots as never attended again, like pads, without copying anything: after verifying a draft
   * tree, the rejected branches can stay in place (the length does not change) until enough of them pile
   * up to be worth one {@link #keep}. The next default position becomes one past the largest position
   * of a slot still attended. Slots must lie in [0, length).
   */
  void discard(int[] slots);

  /** Frees the native memory. Idempotent. */
  @Override
  void close();
}
