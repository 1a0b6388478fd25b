package dev.sieve.decoding.tokenizer;

/**
 * Tells DJL, before any of its classes load, that it must never reach the network: no usage tracking,
 * no downloads of native libraries or models (the tokenizer's native library ships inside its jar).
 * Called by {@link HuggingFaceTokenizer} before it touches DJL; safe to call any number of times.
 */
public final class DjlOffline {
  private static volatile boolean done;

  private DjlOffline() {}

  /** Sets {@code ai.djl.offline=true} and {@code OPT_OUT_TRACKING=true} (DJL reads both as system properties). */
  public static void ensure() {
    if (done) {
      return;
    }
    synchronized (DjlOffline.class) {
      System.setProperty("ai.djl.offline", "true");
      System.setProperty("OPT_OUT_TRACKING", "true");
      done = true;
    }
  }
}
