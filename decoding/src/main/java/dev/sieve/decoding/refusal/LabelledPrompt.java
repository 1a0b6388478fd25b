package dev.sieve.decoding.refusal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A prompt labelled with what the model should do: a refusal category, or {@link #RESPOND}.
 *
 * @param prompt the user's message
 * @param label a category name of the model's refusal tokens, or {@code respond}
 */
public record LabelledPrompt(String prompt, String label) {
  /** The label of prompts that should be answered. */
  public static final String RESPOND = "respond";

  public LabelledPrompt {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(label, "label");
  }

  public boolean shouldAnswer() {
    return RESPOND.equals(label);
  }

  /**
   * Reads JSON lines {@code {"prompt": "...", "category": "..."}} ({@code label} is accepted for
   * {@code category}); blank lines are skipped.
   *
   * @throws IllegalArgumentException naming the file and line of the first bad line
   */
  public static List<LabelledPrompt> readJsonl(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<LabelledPrompt> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = json.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new IllegalArgumentException(file + ":" + n + ":" + e.getLocation().getColumnNr() + ": not JSON: " + e.getOriginalMessage());
        }
        JsonNode prompt = node.path("prompt");
        JsonNode label = node.has("category") ? node.path("category") : node.path("label");
        if (!node.isObject() || !prompt.isTextual() || !label.isTextual()) {
          throw new IllegalArgumentException(file + ":" + n + ": expected {\"prompt\": text, \"category\": text}, got " + line);
        }
        out.add(new LabelledPrompt(prompt.asText(), label.asText()));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + ": no labelled prompts");
    }
    return out;
  }
}
