package dev.sieve.decoding.model;

import java.util.Arrays;

/**
 * The tokens of one forward pass over a batch of {@code batch} rows of {@code length} tokens each,
 * with optional padding, position ids and attention bias. Immutable once built.
 *
 * <p>What the runtime does with the optional parts:
 *
 * <ul>
 *   <li><b>padding</b> (1 real, 0 pad, per token): pads are never attended. Without it every token is real.
 *       Batches are padded on the left.
 *   <li><b>positions</b>: the model's position id of every token. Without them each row continues
 *       from {@link KvCache#nextPosition(int)}, counting only real tokens.
 *   <li><b>attentionBias</b>: additive, {@code [batch, 1, length, past+length]} flattened row-major,
 *       0 attends and a large negative number (e.g. -1e9) blocks. Without it the runtime builds the causal
 *       pattern with padding. Needs a model with an {@code attention_bias} input
 *       ({@link ModelCapabilities#hasAttentionBias()}); otherwise the forward fails with a {@link ModelException}.
 * </ul>
 */
public final class ForwardInput {
  /** Which positions' logits the forward returns. */
  public enum LogitsMode {
    /** Only each row's last position (the cheap path of plain decoding). */
    LAST,
    /** Every input position (tree verification, prompt scoring). */
    ALL
  }

  private final int batch;
  private final int length;
  private final int[] tokens;
  private final int[] padding;
  private final long[] positions;
  private final float[] attentionBias;
  private final LogitsMode logitsMode;

  private ForwardInput(int batch, int length, int[] tokens, int[] padding, long[] positions, float[] bias, LogitsMode mode) {
    this.batch = batch;
    this.length = length;
    this.tokens = tokens;
    this.padding = padding;
    this.positions = positions;
    this.attentionBias = bias;
    this.logitsMode = mode;
  }

  /** One row of tokens; logits of the last position only. */
  public static ForwardInput of(int... tokens) {
    if (tokens.length == 0) {
      throw new IllegalArgumentException("a forward pass needs at least one token");
    }
    return new ForwardInput(1, tokens.length, tokens.clone(), null, null, null, LogitsMode.LAST);
  }

  /**
   * Several rows of possibly different lengths, left-padded to the longest with {@code padId}
   * (any valid id: pads are masked out).
   */
  public static ForwardInput batch(int[][] rows, int padId) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("a batch needs at least one row");
    }
    int len = 0;
    for (int[] r : rows) {
      if (r.length == 0) {
        throw new IllegalArgumentException("every row of a batch needs at least one token");
      }
      len = Math.max(len, r.length);
    }
    int[] tokens = new int[rows.length * len];
    int[] padding = new int[rows.length * len];
    boolean padded = false;
    for (int b = 0; b < rows.length; b++) {
      int pad = len - rows[b].length;
      padded |= pad > 0;
      for (int i = 0; i < len; i++) {
        tokens[b * len + i] = i < pad ? padId : rows[b][i - pad];
        padding[b * len + i] = i < pad ? 0 : 1;
      }
    }
    return new ForwardInput(rows.length, len, tokens, padded ? padding : null, null, null, LogitsMode.LAST);
  }

  /** A batch given flat ({@code tokens.length == batch * length}). */
  public static ForwardInput flat(int batch, int length, int[] tokens) {
    if (batch <= 0 || length <= 0 || tokens.length != batch * length) {
      throw new IllegalArgumentException(
          "tokens has " + tokens.length + " ids, expected batch " + batch + " x length " + length);
    }
    return new ForwardInput(batch, length, tokens.clone(), null, null, null, LogitsMode.LAST);
  }

  /** The same tokens with a padding mask (1 real, 0 pad), flat {@code [batch, length]}. */
  public ForwardInput withPadding(int[] padding) {
    check(padding.length, batch * length, "padding");
    return new ForwardInput(batch, length, tokens, padding.clone(), positions, attentionBias, logitsMode);
  }

  /** The same tokens with explicit position ids, flat {@code [batch, length]}. */
  public ForwardInput withPositions(long[] positions) {
    check(positions.length, batch * length, "positions");
    return new ForwardInput(batch, length, tokens, padding, positions.clone(), attentionBias, logitsMode);
  }

  /**
   * The same tokens with an explicit additive attention bias, flat {@code [batch, 1, length, past+length]};
   * its size is checked against the cache at the forward.
   */
  public ForwardInput withAttentionBias(float[] bias) {
    if (bias.length % (batch * length) != 0) {
      throw new IllegalArgumentException(
          "attention bias of " + bias.length + " values is not [batch " + batch + ", 1, " + length + ", past+" + length + "]");
    }
    return new ForwardInput(batch, length, tokens, padding, positions, bias.clone(), logitsMode);
  }

  /** The same input, returning logits of every position. */
  public ForwardInput allLogits() {
    return new ForwardInput(batch, length, tokens, padding, positions, attentionBias, LogitsMode.ALL);
  }

  /** The same input, returning logits of the last position only. */
  public ForwardInput lastLogits() {
    return new ForwardInput(batch, length, tokens, padding, positions, attentionBias, LogitsMode.LAST);
  }

  private static void check(int got, int want, String what) {
    if (got != want) {
      throw new IllegalArgumentException(what + " has " + got + " values, expected " + want);
    }
  }

  public int batch() {
    return batch;
  }

  public int length() {
    return length;
  }

  /** Token id of row {@code b}, index {@code i}. */
  public int token(int b, int i) {
    return tokens[b * length + i];
  }

  /** Whether the token is real (not padding). */
  public boolean isReal(int b, int i) {
    return padding == null || padding[b * length + i] != 0;
  }

  public boolean hasPadding() {
    return padding != null;
  }

  public boolean hasPositions() {
    return positions != null;
  }

  public long position(int b, int i) {
    return positions[b * length + i];
  }

  public boolean hasAttentionBias() {
    return attentionBias != null;
  }

  /** The raw bias; do not modify. */
  public float[] attentionBias() {
    return attentionBias;
  }

  public LogitsMode logitsMode() {
    return logitsMode;
  }

  @Override
  public String toString() {
    return "ForwardInput[batch " + batch + ", length " + length + ", tokens " + Arrays.toString(tokens)
        + (padding != null ? ", padded" : "") + (positions != null ? ", positions" : "")
        + (attentionBias != null ? ", bias" : "") + ", " + logitsMode + "]";
  }
}
