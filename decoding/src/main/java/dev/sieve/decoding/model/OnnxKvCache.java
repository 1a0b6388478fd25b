package dev.sieve.decoding.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A {@link KvCache} whose keys and values stay in ONNX Runtime tensors: each forward's {@code present}
 * outputs become the next forward's {@code past} inputs as they are. Only fork, truncate and keep copy
 * (through direct buffers), since they change the cache's shape.
 */
final class OnnxKvCache implements KvCache {
  private final OrtEnvironment env;
  private final int batch;
  private final int layers;
  private final int kvHeads;
  private final int headDim;
  /** keys[layer] and values[layer]: [batch, kvHeads, length, headDim]. */
  private OnnxTensor[] keys;
  private OnnxTensor[] values;
  private int length;
  /** Per row and slot: 1 for a real token, 0 for a pad. [batch][capacity]. */
  private long[][] mask;
  /** Per row and slot: the position id fed, for keep(). */
  private long[][] positions;
  private final long[] nextPosition;
  private boolean closed;
  /**
   * Pinned output memory for logits: one direct buffer, grown when a forward needs more, and one tensor
   * over its start per query length. Speculative decoding alternates plain steps and draft trees of
   * varying sizes; a tensor per shape over shared memory spares a fresh direct buffer at every change.
   */
  FloatBuffer logitsScratchBuffer;
  /** Where the last forward's logits were written. */
  FloatBuffer logitsRead;
  final java.util.Map<Integer, OnnxTensor> logitsScratch = new java.util.HashMap<>();

  OnnxKvCache(OrtEnvironment env, int batch, int layers, int kvHeads, int headDim) {
    this.env = env;
    this.batch = batch;
    this.layers = layers;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.keys = new OnnxTensor[layers];
    this.values = new OnnxTensor[layers];
    this.mask = new long[batch][16];
    this.positions = new long[batch][16];
    this.nextPosition = new long[batch];
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public int batchSize() {
    return batch;
  }

  @Override
  public long nextPosition(int row) {
    return nextPosition[row];
  }

  int layers() {
    return layers;
  }

  long mask(int row, int slot) {
    return mask[row][slot];
  }

  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the KV cache is closed");
    }
  }

  /** The past key of a layer, creating the empty [batch, heads, 0, dim] tensor at first use. */
  OnnxTensor key(int layer) throws OrtException {
    if (keys[layer] == null) {
      keys[layer] = empty();
    }
    return keys[layer];
  }

  OnnxTensor value(int layer) throws OrtException {
    if (values[layer] == null) {
      values[layer] = empty();
    }
    return values[layer];
  }

  private OnnxTensor empty() throws OrtException {
    return OnnxTensor.createTensor(env, FloatBuffer.allocate(0), new long[] {batch, kvHeads, 0, headDim});
  }

  /** Takes the forward's present tensors as the new cache, closing the old ones; records the new slots. */
  void advance(OnnxTensor[] newKeys, OnnxTensor[] newValues, int added, long[][] addedMask, long[][] addedPositions) {
    for (int l = 0; l < layers; l++) {
      if (keys[l] != null && keys[l] != newKeys[l]) {
        keys[l].close();
      }
      if (values[l] != null && values[l] != newValues[l]) {
        values[l].close();
      }
    }
    keys = newKeys;
    values = newValues;
    ensureCapacity(length + added);
    for (int b = 0; b < batch; b++) {
      System.arraycopy(addedMask[b], 0, mask[b], length, added);
      System.arraycopy(addedPositions[b], 0, positions[b], length, added);
      for (int i = 0; i < added; i++) {
        if (addedMask[b][i] != 0) {
          nextPosition[b] = Math.max(nextPosition[b], addedPositions[b][i] + 1);
        }
      }
    }
    length += added;
  }

  private void ensureCapacity(int n) {
    if (n > mask[0].length) {
      int cap = Math.max(n, mask[0].length * 2);
      for (int b = 0; b < batch; b++) {
        mask[b] = Arrays.copyOf(mask[b], cap);
        positions[b] = Arrays.copyOf(positions[b], cap);
      }
    }
  }

  @Override
  public KvCache fork() {
    checkOpen();
    OnnxKvCache c = new OnnxKvCache(env, batch, layers, kvHeads, headDim);
    int[] all = new int[length];
    for (int i = 0; i < length; i++) {
      all[i] = i;
    }
    try {
      for (int l = 0; l < layers; l++) {
        c.keys[l] = keys[l] == null ? null : gather(keys[l], all);
        c.values[l] = values[l] == null ? null : gather(values[l], all);
      }
    } catch (OrtException e) {
      c.close();
      throw new ModelException("could not copy the KV cache: " + e.getMessage(), e);
    }
    c.length = length;
    c.mask = new long[batch][];
    c.positions = new long[batch][];
    for (int b = 0; b < batch; b++) {
      c.mask[b] = mask[b].clone();
      c.positions[b] = positions[b].clone();
    }
    System.arraycopy(nextPosition, 0, c.nextPosition, 0, batch);
    return c;
  }

  @Override
  public void truncate(int newLength) {
    checkOpen();
    if (newLength < 0 || newLength > length) {
      throw new IllegalArgumentException("cannot truncate a cache of " + length + " slots to " + newLength);
    }
    if (newLength == length) {
      return;
    }
    int[] slots = new int[newLength];
    for (int i = 0; i < newLength; i++) {
      slots[i] = i;
    }
    compact(slots);
  }

  @Override
  public void keep(int[] slots) {
    checkOpen();
    int prev = -1;
    for (int s : slots) {
      if (s <= prev || s >= length) {
        throw new IllegalArgumentException(
            "slots to keep must increase and lie in [0, " + length + "): " + Arrays.toString(slots));
      }
      prev = s;
    }
    compact(slots);
  }

  @Override
  public void discard(int[] slots) {
    checkOpen();
    for (int s : slots) {
      if (s < 0 || s >= length) {
        throw new IllegalArgumentException("slots to discard must lie in [0, " + length + "): " + Arrays.toString(slots));
      }
    }
    for (int b = 0; b < batch; b++) {
      for (int s : slots) {
        mask[b][s] = 0;
      }
      long next = 0;
      for (int i = 0; i < length; i++) {
        if (mask[b][i] != 0) {
          next = Math.max(next, positions[b][i] + 1);
        }
      }
      nextPosition[b] = next;
    }
  }

  private void compact(int[] slots) {
    try {
      for (int l = 0; l < layers; l++) {
        if (keys[l] != null) {
          OnnxTensor k = gather(keys[l], slots);
          keys[l].close();
          keys[l] = k;
          OnnxTensor v = gather(values[l], slots);
          values[l].close();
          values[l] = v;
        }
      }
    } catch (OrtException e) {
      throw new ModelException("could not compact the KV cache: " + e.getMessage(), e);
    }
    for (int b = 0; b < batch; b++) {
      long[] m = new long[Math.max(16, slots.length * 2)];
      long[] p = new long[m.length];
      long next = 0;
      for (int i = 0; i < slots.length; i++) {
        m[i] = mask[b][slots[i]];
        p[i] = positions[b][slots[i]];
        if (m[i] != 0) {
          next = Math.max(next, p[i] + 1);
        }
      }
      mask[b] = m;
      positions[b] = p;
      nextPosition[b] = next;
    }
    length = slots.length;
  }

  /** A new tensor holding the given slots (dimension 2) of {@code t}, in order. */
  private OnnxTensor gather(OnnxTensor t, int[] slots) throws OrtException {
    FloatBuffer src = t.getFloatBuffer();
    int oldLen = (int) t.getInfo().getShape()[2];
    int n = slots.length;
    FloatBuffer dst = ByteBuffer.allocateDirect(Math.max(1, batch * kvHeads * n * headDim) * Float.BYTES)
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    // copy runs of consecutive slots at once: after a draft tree, the whole prefix is one run
    float[] run = new float[Math.max(1, n) * headDim];
    for (int bh = 0; bh < batch * kvHeads; bh++) {
      for (int i = 0; i < n; ) {
        int j = i + 1;
        while (j < n && slots[j] == slots[j - 1] + 1) {
          j++;
        }
        int len = (j - i) * headDim;
        src.get((bh * oldLen + slots[i]) * headDim, run, 0, len);
        dst.put(run, 0, len);
        i = j;
      }
    }
    dst.flip();
    return OnnxTensor.createTensor(env, dst, new long[] {batch, kvHeads, n, headDim});
  }

  /** Direct input memory reused from forward to forward: ids, mask, positions (longs) and the bias. */
  private final java.nio.LongBuffer[] longInputs = new java.nio.LongBuffer[3];
  private FloatBuffer floatInput;

  /** {@code values} in reused direct memory (input {@code slot}: 0 ids, 1 mask, 2 positions), exactly as long. */
  java.nio.LongBuffer longInput(int slot, long[] values) {
    java.nio.LongBuffer buf = longInputs[slot];
    if (buf == null || buf.capacity() < values.length) {
      buf = ByteBuffer.allocateDirect(Math.max(64, values.length * 2) * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
      longInputs[slot] = buf;
    }
    return buf.put(0, values).slice(0, values.length);
  }

  /** {@code values} (the attention bias) in reused direct memory, exactly as long. */
  FloatBuffer floatInput(float[] values) {
    if (floatInput == null || floatInput.capacity() < values.length) {
      floatInput = ByteBuffer.allocateDirect(Math.max(1024, values.length * 2) * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
    return floatInput.put(0, values).slice(0, values.length);
  }

  void closeLogitsScratch() {
    for (OnnxTensor t : logitsScratch.values()) {
      t.close();
    }
    logitsScratch.clear();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int l = 0; l < layers; l++) {
      if (keys[l] != null) {
        keys[l].close();
      }
      if (values[l] != null) {
        values[l].close();
      }
    }
    closeLogitsScratch();
  }
}
