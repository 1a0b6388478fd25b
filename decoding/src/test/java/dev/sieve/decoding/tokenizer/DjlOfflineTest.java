package dev.sieve.decoding.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sieve.decoding.model.BundledModel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Loading and running a Hugging Face tokenizer never reaches for the network: every Java connection
 * (URLConnection, HttpClient) asks the default ProxySelector first, so a recording one sees any attempt.
 */
class DjlOfflineTest {
  @Test
  void loadingAndEncodingMakeNoNetworkAttempt() throws IOException {
    List<URI> asked = new CopyOnWriteArrayList<>();
    ProxySelector previous = ProxySelector.getDefault();
    ProxySelector.setDefault(new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        asked.add(uri);
        return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("blocked.invalid", 9)));
      }

      @Override
      public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
    });
    try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.load(BundledModel.path())) {
      int[] ids = tok.encode("Offline, always.");
      assertEquals("Offline, always.", tok.decode(ids));
    } finally {
      ProxySelector.setDefault(previous);
    }
    assertTrue(asked.isEmpty(), "network attempts: " + asked);
    assertEquals("true", System.getProperty("ai.djl.offline"));
    assertEquals("true", System.getProperty("OPT_OUT_TRACKING"));
  }
}
