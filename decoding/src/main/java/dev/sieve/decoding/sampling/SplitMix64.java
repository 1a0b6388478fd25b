package dev.sieve.decoding.sampling;

/**
 * The SplitMix64 generator (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
 * OOPSLA 2014): a 64-bit state advanced by a fixed odd constant and mixed by a bijective finalizer.
 * Integer arithmetic only, so the stream is identical on every JVM and machine. Not thread-safe.
 */
public final class SplitMix64 {
  private long state;

  public SplitMix64(long seed) {
    this.state = seed;
  }

  private SplitMix64(SplitMix64 other) {
    this.state = other.state;
  }

  public long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** A generator that will produce exactly what this one produces from now on. */
  public SplitMix64 copy() {
    return new SplitMix64(this);
  }
}
