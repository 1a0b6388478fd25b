package dev.sieve.decoding.generate;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face chat template (tokenizer_config.json's {@code chat_template}, Jinja) rendered with jinjava,
 * with the variables transformers passes: {@code messages} (role and content), {@code add_generation_prompt},
 * and the special tokens' text ({@code bos_token}, {@code eos_token}). Blocks are trimmed as transformers
 * does (trim_blocks, lstrip_blocks). Immutable and thread-safe.
 */
public final class ChatTemplate {
  private final String source;
  private final Map<String, Object> extra;
  private final Jinjava jinjava;

  /**
   * @param source the template
   * @param extraVariables further variables (e.g. bos_token, eos_token), may be empty
   */
  public ChatTemplate(String source, Map<String, Object> extraVariables) {
    this.source = source;
    this.extra = Map.copyOf(extraVariables);
    JinjavaConfig config = JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true).build();
    this.jinjava = new Jinjava(config);
  }

  public String source() {
    return source;
  }

  /** Renders a chat; with {@code addGenerationPrompt} the text ends where the assistant's reply begins. */
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    List<Map<String, Object>> msgs = new ArrayList<>();
    for (ChatMessage m : messages) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("role", m.role());
      map.put("content", m.content());
      msgs.add(map);
    }
    Map<String, Object> vars = new HashMap<>(extra);
    vars.put("messages", msgs);
    vars.put("add_generation_prompt", addGenerationPrompt);
    RenderResult r = jinjava.renderForResult(source, vars);
    List<TemplateError> fatal = r.getErrors().stream()
        .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL).toList();
    if (!fatal.isEmpty()) {
      throw new IllegalArgumentException("the chat template could not be rendered: " + fatal.get(0).getMessage());
    }
    return r.getOutput();
  }
}
