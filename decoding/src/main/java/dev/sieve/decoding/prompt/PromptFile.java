package dev.sieve.decoding.prompt;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.decoding.generate.GenerationRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A set-based prompt read from JSON, for {@code sieve generate --prompt-file FILE}. Two forms:
 *
 * <pre>{@code
 * {"segments": [{"text": "Which is a fruit?\n"}, {"set": ["- apple\n", "- chair\n"]}, {"text": "Answer:"}]}
 *
 * {"messages": [
 *   {"role": "system", "content": "Answer briefly."},
 *   {"role": "user", "segments": [{"text": "Which is a fruit?\n"}, {"set": ["- apple\n", "- chair\n"]}]}]}
 * }</pre>
 *
 * A segment is {@code {"text": "..."}} or {@code {"set": ["...", ...]}} (at least one member, none empty). A
 * message has a {@code role} and either {@code content} (text) or {@code segments}. Plain segments are encoded
 * as text (special-token text stays text); messages go through the model's chat template. Every problem is
 * one {@link IllegalArgumentException} naming the file and the place (line and column for JSON syntax, the
 * path of the offending value otherwise).
 *
 * @param segments the segments of a plain prompt, or {@code null}
 * @param messages the messages of a chat prompt, or {@code null}
 */
public record PromptFile(List<PromptSegment> segments, List<PromptMessage> messages) {
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  public PromptFile {
    if ((segments == null) == (messages == null)) {
      throw new IllegalArgumentException("a prompt file holds either segments or messages");
    }
    segments = segments == null ? null : List.copyOf(segments);
    messages = messages == null ? null : List.copyOf(messages);
  }

  /** Reads and checks a prompt file. */
  public static PromptFile read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read the prompt file: " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** Parses a prompt file's text; {@code source} names it in errors. */
  public static PromptFile parse(String json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? source : source + ":" + at.getLineNr() + ":" + at.getColumnNr();
      throw new IllegalArgumentException(where + ": not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw error(source, "", "the prompt file must be a JSON object with \"segments\" or \"messages\"");
    }
    checkKeys(root, source, "", "segments", "messages");
    boolean hasSegments = root.has("segments");
    boolean hasMessages = root.has("messages");
    if (hasSegments == hasMessages) {
      throw error(source, "", "the prompt file needs exactly one of \"segments\" and \"messages\"");
    }
    if (hasSegments) {
      List<PromptSegment> segments = segments(root.get("segments"), source, "/segments");
      if (!(segments.get(segments.size() - 1) instanceof PromptSegment.Text)) {
        throw error(source, "/segments", "the last segment must be text: generation continues after it and must see every member");
      }
      return new PromptFile(segments, null);
    }
    JsonNode ms = root.get("messages");
    if (!ms.isArray() || ms.isEmpty()) {
      throw error(source, "/messages", "must be a non-empty array of messages");
    }
    List<PromptMessage> messages = new ArrayList<>();
    for (int i = 0; i < ms.size(); i++) {
      String at = "/messages/" + i;
      JsonNode m = ms.get(i);
      if (!m.isObject()) {
        throw error(source, at, "a message must be an object with \"role\" and \"content\" or \"segments\"");
      }
      checkKeys(m, source, at, "role", "content", "segments");
      JsonNode role = m.get("role");
      if (role == null || !role.isTextual() || role.asText().isEmpty()) {
        throw error(source, at + "/role", "a message needs a role (a non-empty string)");
      }
      if (m.has("content") == m.has("segments")) {
        throw error(source, at, "a message needs exactly one of \"content\" and \"segments\"");
      }
      if (m.has("content")) {
        if (!m.get("content").isTextual()) {
          throw error(source, at + "/content", "must be a string");
        }
        messages.add(PromptMessage.of(role.asText(), m.get("content").asText()));
      } else {
        messages.add(new PromptMessage(role.asText(), segments(m.get("segments"), source, at + "/segments")));
      }
    }
    return new PromptFile(null, messages);
  }

  private static List<PromptSegment> segments(JsonNode node, String source, String at) {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw error(source, at, "must be a non-empty array of segments ({\"text\": ...} or {\"set\": [...]})");
    }
    List<PromptSegment> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String here = at + "/" + i;
      JsonNode s = node.get(i);
      if (!s.isObject() || s.size() != 1 || !(s.has("text") || s.has("set"))) {
        throw error(source, here, "a segment is {\"text\": \"...\"} or {\"set\": [\"...\", ...]}");
      }
      if (s.has("text")) {
        if (!s.get("text").isTextual()) {
          throw error(source, here + "/text", "must be a string");
        }
        out.add(new PromptSegment.Text(s.get("text").asText()));
      } else {
        JsonNode set = s.get("set");
        if (!set.isArray() || set.isEmpty()) {
          throw error(source, here + "/set", "must be a non-empty array of strings");
        }
        List<String> members = new ArrayList<>();
        for (int k = 0; k < set.size(); k++) {
          JsonNode m = set.get(k);
          if (!m.isTextual() || m.asText().isEmpty()) {
            throw error(source, here + "/set/" + k, "a member must be a non-empty string");
          }
          members.add(m.asText());
        }
        out.add(new PromptSegment.Set(members));
      }
    }
    return out;
  }

  private static void checkKeys(JsonNode object, String source, String at, String... allowed) {
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!List.of(allowed).contains(key)) {
        throw error(source, at, "unknown key \"" + key + "\" (expected " + String.join(", ", allowed) + ")");
      }
    }
  }

  private static IllegalArgumentException error(String source, String at, String message) {
    return new IllegalArgumentException(source + (at.isEmpty() ? "" : " at " + at) + ": " + message);
  }

  /** The generation request for this prompt (set-based; add config and processors with the request's methods). */
  public GenerationRequest toRequest() {
    return segments != null ? GenerationRequest.setBased(segments) : GenerationRequest.setBasedChat(messages);
  }
}
