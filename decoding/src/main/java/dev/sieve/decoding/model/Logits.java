package dev.sieve.decoding.model;

/**
 * The logits a forward returned: {@code batch} rows of {@code positions} positions of {@code vocabSize}
 * scores each (positions is 1 when only the last position was asked for).
 */
public final class Logits {
  private final int batch;
  private final int positions;
  private final int vocabSize;
  private final float[] values;

  public Logits(int batch, int positions, int vocabSize, float[] values) {
    if (values.length != batch * positions * vocabSize) {
      throw new IllegalArgumentException("logits of " + values.length + " values for " + batch + "x" + positions + "x" + vocabSize);
    }
    this.batch = batch;
    this.positions = positions;
    this.vocabSize = vocabSize;
    this.values = values;
  }

  public int batch() {
    return batch;
  }

  public int positions() {
    return positions;
  }

  public int vocabSize() {
    return vocabSize;
  }

  /** A fresh copy of one row's scores at one position. */
  public float[] row(int b, int position) {
    float[] out = new float[vocabSize];
    copyRow(b, position, out);
    return out;
  }

  /** A fresh copy of the last position's scores of row {@code b}. */
  public float[] last(int b) {
    return row(b, positions - 1);
  }

  /** Copies one row's scores at one position into {@code dst} (no allocation). */
  public void copyRow(int b, int position, float[] dst) {
    if (b < 0 || b >= batch || position < 0 || position >= positions) {
      throw new IndexOutOfBoundsException("row " + b + " position " + position + " of " + batch + "x" + positions);
    }
    System.arraycopy(values, (b * positions + position) * vocabSize, dst, 0, vocabSize);
  }

  /** One score. */
  public float get(int b, int position, int token) {
    return values[(b * positions + position) * vocabSize + token];
  }

  /** The flat backing array [batch, positions, vocab]; do not modify. */
  public float[] values() {
    return values;
  }
}
