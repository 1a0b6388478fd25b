package dev.sieve.decoding.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundledModelTest {
  @Test
  void findsTheBundledModelDirectory() {
    Path p = BundledModel.path();
    assertTrue(Files.isRegularFile(p.resolve("model.onnx")), p.toString());
    assertTrue(Files.isRegularFile(p.resolve("tokenizer.json")), p.toString());
  }

  @Test
  void aPropertyOverridesAndAMissingOverrideFailsClearly(@TempDir Path dir) {
    String before = System.getProperty("sieve.model");
    try {
      System.setProperty("sieve.model", dir.toString());
      assertEquals(dir, BundledModel.path());
      System.setProperty("sieve.model", dir.resolve("nowhere").toString());
      ModelException e = assertThrows(ModelException.class, BundledModel::path);
      assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty("sieve.model");
      } else {
        System.setProperty("sieve.model", before);
      }
    }
  }
}
