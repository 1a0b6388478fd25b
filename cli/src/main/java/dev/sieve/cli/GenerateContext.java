package dev.sieve.cli;

import dev.sieve.decoding.generate.GenerationConfig;
import dev.sieve.decoding.model.LanguageModel;
import dev.sieve.decoding.tokenizer.Tokenizer;
import java.nio.file.Path;

/**
 * What a {@link RequestOptions} group may need to build its processors for one request.
 *
 * @param modelDir the model's directory (the bundled model's unless {@code --model} was given)
 * @param model the loaded model, shared by every request
 * @param tokenizer the model's tokenizer ({@code model.tokenizer()}); its vocabulary has the exact bytes of
 *     every token
 * @param config the generation settings this request will run with (the model's defaults, the flags and,
 *     for {@code --input}, the line's own settings)
 */
public record GenerateContext(Path modelDir, LanguageModel model, Tokenizer tokenizer, GenerationConfig config) {}
