package dev.sieve.rewardmodels;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.sieve.decoding.model.ModelException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A reward model's key/value cache for one sequence (batch 1), kept as ONNX Runtime tensors: each
 * forward's {@code present} outputs become the next forward's {@code past} inputs. Slot {@code i} holds
 * the token at position {@code i} (no padding), so positions need no bookkeeping. Truncation copies the
 * kept slots, head by head. The native tensors are freed by {@link #close()}, or by a cleaner once the
 * cache is unreachable, since a processor's life has no explicit end.
 */
final class RewardCache implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();

  /** The native part, reachable from the cleaner without the cache itself. */
  private static final class Tensors implements Runnable {
    OnnxTensor[] keys;
    OnnxTensor[] values;

    Tensors(int layers) {
      keys = new OnnxTensor[layers];
      values = new OnnxTensor[layers];
    }

    @Override
    public void run() {
      closeAll(keys);
      closeAll(values);
    }

    static void closeAll(OnnxTensor[] ts) {
      for (int i = 0; i < ts.length; i++) {
        if (ts[i] != null) {
          ts[i].close();
          ts[i] = null;
        }
      }
    }
  }

  private final OrtEnvironment env;
  private final int layers;
  private final int kvHeads;
  private final int headDim;
  private final Tensors tensors;
  private final Cleaner.Cleanable cleanable;
  private int length;
  private boolean closed;

  RewardCache(OrtEnvironment env, int layers, int kvHeads, int headDim) {
    this.env = env;
    this.layers = layers;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.tensors = new Tensors(layers);
    this.cleanable = CLEANER.register(this, tensors);
  }

  int length() {
    return length;
  }

  int layers() {
    return layers;
  }

  OnnxTensor key(int layer) throws OrtException {
    checkOpen();
    if (tensors.keys[layer] == null) {
      tensors.keys[layer] = empty();
    }
    return tensors.keys[layer];
  }

  OnnxTensor value(int layer) throws OrtException {
    checkOpen();
    if (tensors.values[layer] == null) {
      tensors.values[layer] = empty();
    }
    return tensors.values[layer];
  }

  private OnnxTensor empty() throws OrtException {
    return OnnxTensor.createTensor(env, FloatBuffer.allocate(0), new long[] {1, kvHeads, 0, headDim});
  }

  /** Takes a forward's present tensors (of {@code newLength} slots) as the cache, freeing the old ones. */
  void advance(OnnxTensor[] newKeys, OnnxTensor[] newValues, int newLength) {
    checkOpen();
    for (int l = 0; l < layers; l++) {
      if (tensors.keys[l] != null && tensors.keys[l] != newKeys[l]) {
        tensors.keys[l].close();
      }
      if (tensors.values[l] != null && tensors.values[l] != newValues[l]) {
        tensors.values[l].close();
      }
      tensors.keys[l] = newKeys[l];
      tensors.values[l] = newValues[l];
    }
    length = newLength;
  }

  /** Keeps the first {@code newLength} slots. */
  void truncate(int newLength) {
    checkOpen();
    if (newLength < 0 || newLength > length) {
      throw new IllegalArgumentException("cannot truncate a cache of " + length + " slots to " + newLength);
    }
    if (newLength == length) {
      return;
    }
    try {
      for (int l = 0; l < layers; l++) {
        if (tensors.keys[l] != null) {
          OnnxTensor k = head(tensors.keys[l], newLength);
          tensors.keys[l].close();
          tensors.keys[l] = k;
          OnnxTensor v = head(tensors.values[l], newLength);
          tensors.values[l].close();
          tensors.values[l] = v;
        }
      }
    } catch (OrtException e) {
      throw new ModelException("could not truncate the reward model's cache: " + e.getMessage(), e);
    }
    length = newLength;
  }

  /** A copy of this cache. */
  RewardCache fork() {
    checkOpen();
    RewardCache c = new RewardCache(env, layers, kvHeads, headDim);
    try {
      for (int l = 0; l < layers; l++) {
        if (tensors.keys[l] != null) {
          c.tensors.keys[l] = head(tensors.keys[l], length);
          c.tensors.values[l] = head(tensors.values[l], length);
        }
      }
    } catch (OrtException e) {
      c.close();
      throw new ModelException("could not copy the reward model's cache: " + e.getMessage(), e);
    }
    c.length = length;
    return c;
  }

  /** The first {@code n} slots of a [1, heads, len, dim] tensor, as a new tensor over a direct buffer. */
  private OnnxTensor head(OnnxTensor t, int n) throws OrtException {
    long[] shape = t.getInfo().getShape();
    int len = (int) shape[2];
    FloatBuffer src = t.getFloatBuffer();
    FloatBuffer dst = ByteBuffer.allocateDirect(Math.max(1, kvHeads * n * headDim) * Float.BYTES)
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    for (int h = 0; h < kvHeads; h++) {
      dst.put(src.slice(h * len * headDim, n * headDim));
    }
    dst.flip();
    return OnnxTensor.createTensor(env, dst, new long[] {1, kvHeads, n, headDim});
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the reward model's cache is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      cleanable.clean();
    }
  }
}
