package dev.sieve.decoding.logits;

/**
 * Selection helpers shared by the truncating processors (top-k, top-p, min-p): find the k-th largest
 * logit, or rank candidates, without sorting the vocabulary. Every method works in caller-owned
 * scratch arrays and allocates nothing.
 */
final class Selection {
  private Selection() {}

  /** Above this k, a bounded heap loses to quickselect on a copy. */
  static final int HEAP_LIMIT = 1024;

  /**
   * The k-th largest value for small k, collecting on the way every value that may reach it: a value is
   * collected when it is at least the running k-th largest (the heap's root), which only grows, so every
   * value at or above the final answer is collected; a random order collects about
   * {@code k ln(n / k)} of them.
   *
   * @param heap at least {@code k} floats
   * @param candidateIds receives the collected ids (at least {@code values.length} long)
   * @param counts {@code counts[0]} receives how many were collected
   */
  static float kthLargestCollecting(float[] values, int k, float[] heap, int[] candidateIds, int[] counts) {
    int n = values.length;
    int c = 0;
    for (int i = 0; i < k; i++) {
      heap[i] = values[i];
      candidateIds[c++] = i;
    }
    for (int i = (k >>> 1) - 1; i >= 0; i--) {
      siftDown(heap, i, k);
    }
    float root = heap[0];
    int i = k;
    // eight at a time: one branch per eight values on the common path (none reaches the root)
    for (; i + 8 <= n; i += 8) {
      float r = root;
      boolean any = values[i] >= r | values[i + 1] >= r | values[i + 2] >= r | values[i + 3] >= r
          | values[i + 4] >= r | values[i + 5] >= r | values[i + 6] >= r | values[i + 7] >= r;
      if (any) {
        for (int j = i; j < i + 8; j++) {
          float v = values[j];
          if (v >= root) {
            candidateIds[c++] = j;
            if (v > root) {
              heap[0] = v;
              siftDown(heap, 0, k);
              root = heap[0];
            }
          }
        }
      }
    }
    for (; i < n; i++) {
      float v = values[i];
      if (v >= root) {
        candidateIds[c++] = i;
        if (v > root) {
          heap[0] = v;
          siftDown(heap, 0, k);
          root = heap[0];
        }
      }
    }
    counts[0] = c;
    return root;
  }

  /** The k-th largest of {@code values[0, n)} (k <= n), with a heap of k in {@code heap}. */
  static float kthLargestByHeapOf(float[] values, int n, int k, float[] heap) {
    for (int i = 0; i < k; i++) {
      heap[i] = values[i];
    }
    for (int i = (k >>> 1) - 1; i >= 0; i--) {
      siftDown(heap, i, k);
    }
    float root = heap[0];
    for (int i = k; i < n; i++) {
      float v = values[i];
      if (v > root) {
        heap[0] = v;
        siftDown(heap, 0, k);
        root = heap[0];
      }
    }
    return root;
  }

  /**
   * The k-th largest value of {@code values} (duplicates counted), with {@code 1 <= k <= values.length}.
   *
   * @param scratch at least {@code k} floats when {@code k <= HEAP_LIMIT}, else at least {@code values.length}
   */
  static float kthLargest(float[] values, int k, float[] scratch) {
    if (k <= HEAP_LIMIT) {
      return kthLargestByHeap(values, k, scratch);
    }
    System.arraycopy(values, 0, scratch, 0, values.length);
    return quickselectDescending(scratch, values.length, k - 1);
  }

  /** A min-heap of the k largest values seen; most elements are rejected by one comparison with its root. */
  static float kthLargestByHeap(float[] values, int k, float[] heap) {
    return kthLargestByHeapOf(values, values.length, k, heap);
  }

  private static void siftDown(float[] heap, int i, int size) {
    float v = heap[i];
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && heap[child + 1] < heap[child]) {
        child++;
      }
      if (heap[child] >= v) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = v;
  }

  /** Rearranges a[0, n) so that a[rank] is the element of that rank in descending order, and returns it. */
  static float quickselectDescending(float[] a, int n, int rank) {
    int lo = 0;
    int hi = n - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      float pivot = medianOf3(a[lo], a[mid], a[hi]);
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] > pivot) {
          i++;
        }
        while (a[j] < pivot) {
          j--;
        }
        if (i <= j) {
          float t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      if (rank <= j) {
        hi = j;
      } else if (rank >= i) {
        lo = i;
      } else {
        return a[rank];
      }
    }
    return a[rank];
  }

  private static float medianOf3(float a, float b, float c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }

  /**
   * A long whose signed order is the ranking of candidates: higher logit first, then lower id first.
   * All keys of distinct ids differ.
   */
  static long rankKey(float logit, int id) {
    int bits = Float.floatToIntBits(logit);
    bits ^= (bits >> 31) & 0x7fffffff; // signed-int order equals float order
    return ((long) bits << 32) | (Integer.MAX_VALUE - id);
  }

  static int idOf(long key) {
    return Integer.MAX_VALUE - (int) (key & 0xffffffffL);
  }

  /**
   * Moves the {@code count} highest keys of {@code keys[lo, hi)} to {@code keys[lo, lo + count)} (in no
   * particular order), moving {@code weights} along. Expected linear time.
   */
  static void selectHighest(long[] keys, double[] weights, int lo, int hi, int count) {
    int target = lo + count; // first position not selected
    int l = lo;
    int h = hi;
    while (h - l > 1 && target > l && target < h) {
      int q = partitionDescending(keys, weights, l, h);
      if (q == target || q + 1 == target) {
        return;
      }
      if (target < q) {
        h = q;
      } else {
        l = q + 1;
      }
    }
  }

  /**
   * Lomuto partition of [lo, hi) around a median-of-three pivot: afterwards keys[lo, q) are higher than
   * the pivot, keys[q] is the pivot, keys(q, hi) are lower. Returns q.
   */
  static int partitionDescending(long[] keys, double[] weights, int lo, int hi) {
    int mid = (lo + hi) >>> 1;
    int last = hi - 1;
    // median of three moved to the end
    long a = keys[lo];
    long b = keys[mid];
    long c = keys[last];
    int p = (a > b) ? ((b > c) ? mid : (a > c ? last : lo)) : ((a > c) ? lo : (b > c ? last : mid));
    swap(keys, weights, p, last);
    long pivot = keys[last];
    int store = lo;
    for (int i = lo; i < last; i++) {
      if (keys[i] > pivot) {
        swap(keys, weights, i, store);
        store++;
      }
    }
    swap(keys, weights, store, last);
    return store;
  }

  static void swap(long[] keys, double[] weights, int i, int j) {
    long k = keys[i];
    keys[i] = keys[j];
    keys[j] = k;
    double w = weights[i];
    weights[i] = weights[j];
    weights[j] = w;
  }
}
