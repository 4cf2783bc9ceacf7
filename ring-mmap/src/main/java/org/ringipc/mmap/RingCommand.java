package org.ringipc.mmap;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code ring} command: shared ring files from the shell, launched by {@code ./ring} at the
 * repository root (which adds {@code --enable-native-access=ALL-UNNAMED}).
 *
 * <pre>
 *   ring create FILE [--capacity BYTES]     make a shared ring file (replaces one that is there)
 *   ring write FILE &lt; input                 stdin into the ring; closes the sink at EOF
 *   ring read FILE &gt; output                 the ring to stdout until EOF
 *   ring stat FILE [--json]                 capacity, used, counters, who holds each end
 *   ring stat FILE --watch [INTERVAL] [--count N]
 *                                           a line of rates per interval (MB/s, writes/s, drops/s..), like vmstat
 *   ring dma FILE [--burst 512] [--interval 50ms] [--duration D]
 *                                           the simulated DMA engine as producer; prints sent, dropped, bytes
 *   ring consume FILE [--delay D]           verify the bursts until EOF or Ctrl+C; prints bursts, bytes,
 *                                           gaps, corrupt, drops and CPU time (exit 3 if any burst was corrupt)
 * </pre>
 *
 * <p>Sizes take binary suffixes ({@code 64k}, {@code 1m}); durations take units ({@code 50ms},
 * {@code 3s}, {@code 2m}). {@code dma}, {@code consume} and {@code stat --watch} run until told to
 * stop; Ctrl+C or SIGTERM makes them close the ring properly and print their telemetry before the
 * JVM exits (a shutdown hook, {@link StopSignal}), with the signal's exit status (130 or 143).
 *
 * <p>Errors print one line on stderr and exit non-zero (1 for a failure, 2 for a bad command
 * line); {@code --verbose} adds the stack trace. This is the only class of the module that library
 * users never need; it and its subcommands are the only ones that use picocli.
 */
@Command(name = "ring", mixinStandardHelpOptions = true, version = "ring 0.1.0",
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
        throw new CommandLine.ParameterException(new CommandLine(this), "a subcommand is needed: create, write, read, stat, dma, consume");
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given output and error writers; returns the exit status. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        CommandLine cl = new CommandLine(new RingCommand())
                .addSubcommand(new CreateCommand())
                .addSubcommand(new WriteCommand())
                .addSubcommand(new ReadCommand())
                .addSubcommand(new StatCommand())
                .addSubcommand(new DmaCommand())
                .addSubcommand(new ConsumeCommand())
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("ring: " + ex.getMessage() + " (see 'ring --help')");
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
