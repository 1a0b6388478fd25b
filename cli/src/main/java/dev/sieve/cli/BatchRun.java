package dev.sieve.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.decoding.generate.ChatMessage;
import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.generate.GenerationRequest;
import dev.sieve.decoding.generate.GenerationResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code sieve generate --input prompts.jsonl --output results.jsonl}: every input line is one request
 * {@code {"id", "prompt" | "messages", optional settings}}; every result is appended to the output as one JSON
 * object and flushed as it completes, so an interrupted run loses nothing. A rerun skips the ids already in
 * the output (a last line cut short by the interrupt is dropped and redone). A malformed line, or a request
 * that fails, is reported on stderr with its line number and the rest still run; the exit code is then 1.
 */
final class BatchRun {
  /** One request of the input, with its line number. */
  private record Line(int number, JsonNode id, GenerationRequest request, GenerationConfig config) {}

  private final RequestRunner runner;
  private final GenerationConfig base;
  private final boolean chat;
  private final String system;
  private final Path input;
  private final Path output;
  private final PrintWriter out;
  private final PrintWriter err;

  BatchRun(RequestRunner runner, GenerationConfig base, boolean chat, String system, Path input, Path output,
      PrintWriter out, PrintWriter err) {
    this.runner = runner;
    this.base = base;
    this.chat = chat;
    this.system = system;
    this.input = input;
    this.output = output;
    this.out = out;
    this.err = err;
  }

  int run() {
    if (output != null && Files.exists(output) && sameFile(input, output)) {
      throw new CliException("--input and --output are the same file: " + input);
    }
    Set<String> done = output == null ? Set.of() : finishedIds(output);
    List<String> problems = new ArrayList<>();
    List<Line> lines = parse(problems);
    List<Line> pending = new ArrayList<>();
    int skipped = 0;
    for (Line l : lines) {
      if (done.contains(key(l.id()))) {
        skipped++;
      } else {
        pending.add(l);
      }
    }
    ProgressBar bar = new ProgressBar(err, pending.size());
    for (String p : problems) {
      bar.message(p);
    }
    if (skipped > 0) {
      bar.message(skipped + " of " + lines.size() + " requests are already in " + output + "; running the other " + pending.size());
    }
    int failed = 0;
    int generated = 0;
    long tokens = 0;
    double decodeMs = 0;
    bar.update(0, 0, 0);
    try (Writer w = output == null ? null : Files.newBufferedWriter(output, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      int i = 0;
      for (Line l : pending) {
        i++;
        GenerationResult r;
        try {
          r = runner.run(l.request(), l.config(), null);
        } catch (RuntimeException e) {
          failed++;
          bar.message(where(l.number()) + " (id " + l.id() + "): " + Main.ErrorHandler.message(e));
          bar.update(i, failed, decodeMs > 0 ? tokens / (decodeMs / 1000) : 0);
          continue;
        }
        String json = runner.json(l.id(), r).toString();
        if (w != null) {
          w.write(json);
          w.write('\n');
          w.flush();
        } else {
          bar.clear(); // keep the bar off the line of a result when both go to the terminal
          out.println(json);
          out.flush();
        }
        generated++;
        tokens += r.tokens().length;
        decodeMs += r.timings().decodeMs();
        bar.update(i, failed, decodeMs > 0 ? tokens / (decodeMs / 1000) : 0);
      }
    } catch (IOException e) {
      bar.finish();
      throw new UncheckedIOException("could not write " + output + ": " + e.getMessage(), e);
    }
    bar.finish();
    int malformed = problems.size();
    err.println("done: " + generated + " generated" + (skipped > 0 ? ", " + skipped + " already done" : "")
        + (malformed > 0 ? ", " + malformed + " malformed line" + (malformed == 1 ? "" : "s") : "")
        + (failed > 0 ? ", " + failed + " failed" : "")
        + (output != null ? " -> " + output : ""));
    err.flush();
    return malformed > 0 || failed > 0 ? 1 : 0;
  }

  private String where(int line) {
    return input + ":" + line;
  }

  private List<Line> parse(List<String> problems) {
    List<String> text;
    try {
      text = Files.readAllLines(input, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read --input " + input + ": " + e.getMessage(), e);
    }
    List<Line> lines = new ArrayList<>();
    Map<String, Integer> firstLine = new HashMap<>();
    for (int n = 1; n <= text.size(); n++) {
      String s = text.get(n - 1);
      if (s.isBlank()) {
        continue;
      }
      try {
        Line l = parseLine(n, s);
        Integer first = firstLine.putIfAbsent(key(l.id()), n);
        if (first != null) {
          throw new CliException("id " + l.id() + " was already used on line " + first);
        }
        lines.add(l);
      } catch (CliException e) {
        problems.add(where(n) + ": " + e.getMessage() + "; line skipped");
      } catch (JsonProcessingException e) {
        int column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
        problems.add(where(n) + (column > 0 ? ":" + column : "") + ": not valid JSON: " + e.getOriginalMessage() + "; line skipped");
      }
    }
    return lines;
  }

  private Line parseLine(int n, String s) throws JsonProcessingException {
    JsonNode node = RequestRunner.JSON.readTree(s);
    if (node == null || !node.isObject()) {
      throw new CliException("expected a JSON object {\"id\", \"prompt\" | \"messages\", ...}");
    }
    JsonNode id = node.get("id");
    if (id == null || !(id.isTextual() || id.isIntegralNumber())) {
      throw new CliException("\"id\" (a string or an integer) is missing");
    }
    JsonNode prompt = node.get("prompt");
    JsonNode messages = node.get("messages");
    if ((prompt == null) == (messages == null)) {
      throw new CliException("give exactly one of \"prompt\" (a string) and \"messages\" (a list of {\"role\", \"content\"})");
    }
    GenerationRequest request;
    if (prompt != null) {
      if (!prompt.isTextual() || prompt.asText().isEmpty()) {
        throw new CliException("\"prompt\" must be a non-empty string");
      }
      request = chat ? GenerationRequest.chat(GenerateCommand.messages(system, prompt.asText()))
          : GenerationRequest.text(prompt.asText());
    } else {
      request = GenerationRequest.chat(chatMessages(messages));
    }
    GenerationConfig config = Settings.applyLine(base, node);
    return new Line(n, id, request, config);
  }

  private static List<ChatMessage> chatMessages(JsonNode messages) {
    if (!messages.isArray() || messages.isEmpty()) {
      throw new CliException("\"messages\" must be a non-empty list of {\"role\", \"content\"}");
    }
    List<ChatMessage> list = new ArrayList<>();
    for (JsonNode m : messages) {
      JsonNode role = m.get("role");
      JsonNode content = m.get("content");
      if (role == null || !role.isTextual() || content == null || !content.isTextual()) {
        throw new CliException("every message needs \"role\" and \"content\" strings, got " + m);
      }
      list.add(new ChatMessage(role.asText(), content.asText()));
    }
    return list;
  }

  /** How ids compare: as JSON text, so 7 and "7" are different ids. */
  private static String key(JsonNode id) {
    return id.toString();
  }

  /**
   * The ids of the results already in {@code output}. A last line without its newline was cut short by an
   * interrupt: it is removed, so its request runs again and the file stays one object per line.
   */
  private Set<String> finishedIds(Path output) {
    Set<String> ids = new HashSet<>();
    if (!Files.exists(output)) {
      return ids;
    }
    try {
      dropPartialLastLine(output);
      for (String s : Files.readAllLines(output, StandardCharsets.UTF_8)) {
        if (s.isBlank()) {
          continue;
        }
        try {
          JsonNode id = RequestRunner.JSON.readTree(s).get("id");
          if (id != null) {
            ids.add(key(id));
          }
        } catch (JsonProcessingException e) {
          // not one of ours: leave it, and its request (if any) runs again
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read --output " + output + ": " + e.getMessage(), e);
    }
    return ids;
  }

  private static void dropPartialLastLine(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long len = f.length();
      if (len == 0) {
        return;
      }
      f.seek(len - 1);
      if (f.read() == '\n') {
        return;
      }
      long end = len - 1;
      while (end > 0) {
        f.seek(end - 1);
        if (f.read() == '\n') {
          break;
        }
        end--;
      }
      f.setLength(end);
    }
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }
}
