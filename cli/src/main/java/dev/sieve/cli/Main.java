package dev.sieve.cli;

import dev.sieve.decoding.model.ModelException;
import dev.sieve.decoding.tokenizer.DjlOffline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code sieve} command. Exit codes: 0 success, 1 a failed run (bad input, an unreadable model, a
 * batch with failed lines), 2 bad flags. Errors are one message on stderr, never a stack trace (set the
 * environment variable {@code SIEVE_DEBUG=1} to see one).
 */
@Command(name = "sieve", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Constrained and guided decoding for language models.",
    subcommands = {GenerateCommand.class, InfoCommand.class, GrammarCommand.class, RefusalsCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final InputStream stdin;
  private final boolean stdinIsTerminal;

  Main(InputStream stdin, boolean stdinIsTerminal) {
    this.stdin = stdin;
    this.stdinIsTerminal = stdinIsTerminal;
  }

  InputStream stdin() {
    return stdin;
  }

  boolean stdinIsTerminal() {
    return stdinIsTerminal;
  }

  /** Without a subcommand: the usage, on stderr, and exit code 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.in, System.out, System.err, System.console() != null));
  }

  /** Runs the command line with the given streams (UTF-8) and returns the exit code; for tests and embedding. */
  public static int run(String[] args, InputStream in, OutputStream out, OutputStream err) {
    return run(args, in, out, err, false);
  }

  private static int run(String[] args, InputStream in, OutputStream out, OutputStream err, boolean terminal) {
    DjlOffline.ensure();
    PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    try {
      return commandLine(in, terminal, o, e).execute(args);
    } finally {
      o.flush();
      e.flush();
    }
  }

  static CommandLine commandLine(InputStream in, boolean terminal, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main(in, terminal));
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler(new ErrorHandler());
    cl.setParameterExceptionHandler(new UsageErrorHandler());
    return cl;
  }

  /** Bad flags: the message and where to read more; exit code 2. */
  static final class UsageErrorHandler implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cl = ex.getCommandLine();
      PrintWriter err = cl.getErr();
      err.println(cl.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
      err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for the options.");
      err.flush();
      return cl.getCommandSpec().exitCodeOnInvalidInput();
    }
  }

  /** A failed run: one line on stderr, exit code 1. */
  static final class ErrorHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
      PrintWriter err = cl.getErr();
      err.println(cl.getCommandSpec().qualifiedName() + ": error: " + message(ex));
      if (System.getenv("SIEVE_DEBUG") != null) {
        ex.printStackTrace(err);
      }
      err.flush();
      return 1;
    }

    static String message(Throwable ex) {
      if (ex instanceof CliException || ex instanceof ModelException || ex instanceof IllegalArgumentException
          || ex instanceof UncheckedIOException || ex instanceof IllegalStateException) {
        return ex.getMessage();
      }
      if (ex instanceof IOException) {
        return "I/O error: " + ex.getMessage();
      }
      if (ex instanceof OutOfMemoryError) {
        return "out of memory (give the JVM more with JAVA_OPTS=-Xmx...)";
      }
      // a bug: still one line, with the way to get the stack trace
      return "internal error: " + ex + " (set SIEVE_DEBUG=1 for the stack trace)";
    }
  }

  /** {@code --version}: Sieve's version (from the build) and the Java running it. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"sieve " + version(), "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }

    static String version() {
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in == null) {
          return "unknown";
        }
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      } catch (IOException e) {
        return "unknown";
      }
    }
  }
}
