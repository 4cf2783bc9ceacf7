package org.ringipc.mmap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.Callable;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code ring} command: shared ring files from the shell, launched by {@code ./ring} at the
 * repository root (which adds {@code --enable-native-access=ALL-UNNAMED}).
 *
 * <pre>
 *   ring create FILE [--capacity BYTES]     make a shared ring file (replaces one that is there)
 *   ring write FILE &lt; input                 stdin into the ring; closes the sink at EOF
 *   ring read FILE... [--tag] &gt; output      the rings to stdout until EOF (several: whole lines/messages)
 *   ring stat FILE [--json]                 capacity, used, counters, who holds each end
 *   ring stat FILE --watch [INTERVAL] [--count N]
 *                                           a line of rates per interval (MB/s, writes/s, drops/s..), like vmstat
 *   ring dma FILE [--burst 512] [--interval 50ms] [--duration D]
 *                                           the simulated DMA engine as producer; prints sent, dropped, bytes
 *   ring consume FILE... [--delay D]        verify the bursts until EOF or Ctrl+C; prints bursts, bytes,
 *                                           gaps, corrupt, drops and CPU time (exit 3 if any burst was corrupt)
 *   ring help [COMMAND]                     the usage of ring or of one command (as COMMAND --help)
 *   ring completion                         a bash completion script: source &lt;(ring completion)
 *   ring [COMMAND] --version
 * </pre>
 *
 * <p>Sizes take binary suffixes ({@code 64k}, {@code 1m}); durations take units ({@code 50ms},
 * {@code 3s}, {@code 2m}). {@code dma}, {@code consume} and {@code stat --watch} run until told to
 * stop; Ctrl+C or SIGTERM makes them close the ring properly and print their telemetry before the
 * JVM exits (a shutdown hook, {@link StopSignal}), with the signal's exit status (130 or 143).
 *
 * <p>Errors print one line on stderr and exit non-zero (1 for a failure, 2 for a bad command
 * line: an unknown command or option, a missing or malformed value, a capacity or mode that
 * {@code SharedRing.create} refuses); {@code --verbose} adds the stack trace. Every command takes
 * {@code --help} and {@code --version} and exits 0 with them.
 *
 * <p>This package is the only one of the module that uses picocli, and the module does not
 * export it: library users never see it.
 */
@Command(name = "ring", mixinStandardHelpOptions = true, versionProvider = RingCommand.Version.class,
        description = "A lock-free shared-memory pipe between processes: a ring buffer in a mapped file.",
        footer = {"", "Through ./ring also: bench ARGS (the comparison harness) and jmh ARGS (JMH), from ring-bench."})
public final class RingCommand implements Callable<Integer> {

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces on errors.")
    boolean verbose;

    /** For picocli. */
    public RingCommand() {
    }

    @Override
    public Integer call() {
        // no subcommand given
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a command is needed: " + String.join(", ", spec.subcommands().keySet()));
    }

    @Spec
    CommandSpec spec;

    /** {@code --version} of every command: the version the build wrote into {@code version.properties}. */
    static final class Version implements IVersionProvider {

        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = RingCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"ring " + p.getProperty("version", "(unknown version)")
                    + " (ringipc; Java " + Runtime.version() + ")"};
        }
    }

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the command line with the given output and error writers.
     *
     * @param args the command line
     * @param out  where the commands print their results and help
     * @param err  where errors go, one line each
     * @return the exit status: 0, 1 for a failure, 2 for a bad command line, 3 for corrupt bursts
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        // picocli's completion-script generator, listed (it hides itself) under a shorter name
        CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion()).setCommandName("completion");
        completion.getCommandSpec().usageMessage().hidden(false)
                .description("Print a bash completion script for ring: source <(ring completion)");
        CommandLine cl = new CommandLine(new RingCommand())
                .addSubcommand(new CreateCommand())
                .addSubcommand(new WriteCommand())
                .addSubcommand(new ReadCommand())
                .addSubcommand(new StatCommand())
                .addSubcommand(new DmaCommand())
                .addSubcommand(new ConsumeCommand())
                .addSubcommand(new CommandLine.HelpCommand())
                .addSubcommand("completion", completion)
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("ring: " + badCommandLine(ex));
            if (verbose) {
                ex.printStackTrace(err);
            }
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            err.println("ring " + c.getCommandName() + ": " + describe(ex));
            if (verbose) {
                ex.printStackTrace(err);
            }
            return 1;
        });
        int status = cl.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    /**
     * One line for a bad command line: what is wrong and where to read more. A first word that is
     * no command gets the list of commands, as git does.
     */
    private static String badCommandLine(CommandLine.ParameterException ex) {
        CommandLine where = ex.getCommandLine();
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched && where.getParent() == null
                && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().getFirst().startsWith("-")) {
            return "unknown command '" + unmatched.getUnmatched().getFirst() + "'; the commands are "
                    + String.join(", ", where.getSubcommands().keySet()) + " (see 'ring --help')";
        }
        String message = String.valueOf(ex.getMessage()).strip().replaceAll("\\s*\\R\\s*", "; ");
        return message + " (see '" + where.getCommandSpec().qualifiedName() + " --help')";
    }

    /** One line: the message, completed where the JDK leaves only a path. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() == null) {
            String what = switch (e) {
                case java.nio.file.NoSuchFileException ignored -> "no such file";
                case java.nio.file.AccessDeniedException ignored -> "permission denied";
                case java.nio.file.FileAlreadyExistsException ignored -> "already exists";
                default -> e.getClass().getSimpleName();
            };
            return fse.getFile() + ": " + what;
        }
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
