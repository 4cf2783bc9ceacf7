package org.ringipc.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./ring bench}: ringipc against the kernel's pipe and Unix socket, the raw shared-memory
 * and copy limits, and (in-process) the locked ring, Agrona, JCTools and the NIO pipe.
 *
 * <pre>
 * ./ring bench [--quick] [--json FILE] [--rounds N] [--only T,T,...] [--measure-ms MS] [--warmup-ms MS]
 * </pre>
 *
 * Every transport is measured once per round and the rounds interleave them (each round starts one
 * transport later than the last; an unrecorded round of the in-process ones warms this JVM first), so slow drifts of a shared machine hit all of them alike; the
 * table shows each figure's median over the rounds with the smallest and largest round. The table
 * goes to stdout, progress to stderr; {@code --json FILE} also writes the figures as JSON and a
 * PNG of them beside it ({@code FILE} with ".png" for ".json").
 */
public final class BenchMain {

    private BenchMain() {
    }

    /** Entry point; exit code 0 on success, 2 for a usage error, 1 when a measurement failed. */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ring bench: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(USAGE);
            return;
        }
        try {
            run(options.config, options.json, options.pin, System.out, System.err);
        } catch (Exception e) {
            System.err.println("ring bench: " + e);
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    static final String USAGE = """
            usage: ring bench [--quick] [--json FILE] [--rounds N] [--only T,T,...]
                              [--warmup-ms MS] [--measure-ms MS] [--no-pin]
              --quick        3 short rounds, about 2 minutes (default: 7 rounds, about 13 minutes)
              --json FILE    also write every figure as JSON, and FILE.png (FILE less .json) with plots
              --rounds N     interleaved rounds; each figure is the median of them
              --only LIST    transports to measure, comma-separated, from:
                             ring-spin ring-spin-memcpy ring-block raw-ring pipe unix-socket tcp-loopback
                             message-ring-spin message-ring-block c-ring c-to-java java-to-c
                             shm-limit copy-limit
                             ring message-ring locked-ring agrona jctools nio-pipe
              --warmup-ms MS untimed run before each timed one
              --measure-ms MS each timed run
              --no-pin       leave the two ends of each lane where the scheduler puts them (default:
                             the harness's end on the first CPU this process may use, the peer's on
                             the second)""";

    /** Runs every round with pinned ends, then prints the table and writes the files; returns the figures. */
    static Results run(BenchConfig config, Path json, PrintStream out, PrintStream progress) throws Exception {
        return run(config, json, true, out, progress);
    }

    /**
     * Runs every round, then prints the table and writes the files; returns the figures. With
     * {@code pin}, each lane's two ends run on two fixed CPUs ({@link Affinity}) when the machine
     * allows it.
     */
    static Results run(BenchConfig config, Path json, boolean pin, PrintStream out, PrintStream progress)
            throws Exception {
        // before pinning: a pinned thread's JVM counts the one CPU it may use
        Env machine = Env.capture(config.mode(), config.rounds());
        Affinity.Pinning plan = pin ? Affinity.plan().orElse(null) : null;
        String pinning = !pin ? "not pinned (--no-pin)"
                : Affinity.begin(plan) ? plan.describe()
                : "not pinned (fewer than two CPUs allowed, or sched_setaffinity unavailable)";
        try {
            return runPinned(config, json, machine.withPinning(pinning), out, progress);
        } finally {
            Affinity.end();
        }
    }

    private static Results runPinned(BenchConfig config, Path json, Env env, PrintStream out,
                                     PrintStream progress) throws Exception {
        Results results = new Results();
        List<Transport> transports = config.transports();
        long start = System.nanoTime();
        progress.println("ring bench: ends " + env.pinning());
        List<Transport> local = inProcess(transports, 0);
        // closed in reverse: the peers first, while the in-process JVM (told to end after the last
        // round) exits too; then the wait for it
        try (InProcessJvm inProcess = local.isEmpty() ? null : InProcessJvm.start(config, local);
             CrossProcessBench.Peers peers = new CrossProcessBench.Peers()) {
            // the peer JVMs start meanwhile, several at once, and the in-process lanes' JVM warms them
            peers.prestart(transports, config);
            // an unrecorded round first, so that the first recorded one does not pay for this JVM's JIT
            warmUp(config, transports, progress, start);
            if (inProcess != null) {
                inProcess.awaitReady();
            }
            progress.printf(Locale.ROOT, "ring bench: peers up, %s elapsed%n", clock(System.nanoTime() - start));
            peers.awaitStarted(inProcess == null ? List.of() : List.of(inProcess.handle()));
            for (int round = 0; round < config.rounds(); round++) {
                boolean localTaken = false;
                for (int i = 0; i < transports.size(); i++) {
                    Transport t = transports.get((round + i) % transports.size());
                    progress.printf(Locale.ROOT, "ring bench: round %d/%d, %-12s (%2d/%d)  %s elapsed%n",
                            round + 1, config.rounds(), t.id(), i + 1, transports.size(),
                            clock(System.nanoTime() - start));
                    // how far apart the host has the two CPUs now: the probe after the last measurement and before this one
                    if (t.scope() != Transport.Scope.IN_PROCESS) {
                        results.placement(Placement.probeNanos());
                        CrossProcessBench.round(t, config, results, peers);
                    } else if (!localTaken) {
                        // every in-process transport of the round at once, where the first of them comes
                        results.placement(Placement.probeNanos());
                        inProcess.round(inProcess(transports, round), results);
                        localTaken = true;
                    }
                }
            }
            // the probe after the last measurement
            results.placement(Placement.probeNanos());
            if (inProcess != null) {
                inProcess.requestEnd();   // it exits while the peers do
            }
        }
        progress.printf(Locale.ROOT, "ring bench: done in %s%n", clock(System.nanoTime() - start));
        out.print(TextReport.render(env, config, results));
        out.flush();
        if (json != null) {
            JsonReport.write(json, env, results);
            Path png = pngBeside(json);
            Charts.write(png, env, config, results);
            progress.println("ring bench: wrote " + json + " and " + png);
        }
        return results;
    }

    /**
     * The unrecorded round of the placement probe and the copy limit, so that round 1 does not pay
     * for this JVM's JIT (the in-process lanes' JVM warms its own).
     */
    private static void warmUp(BenchConfig config, List<Transport> transports, PrintStream progress, long start)
            throws Exception {
        // the placement probe too: run cold, its first round trips take microseconds
        for (int i = 0; i < 20; i++) {
            Placement.probeNanos();
        }
        for (Transport t : transports) {
            if (t == Transport.COPY_LIMIT) {
                progress.printf(Locale.ROOT, "ring bench: warm-up, %-12s  %s elapsed%n", t.id(), clock(System.nanoTime() - start));
                CrossProcessBench.round(t, config, new Results());
            }
        }
    }

    /** The in-process transports in the order round {@code round} meets them. */
    static List<Transport> inProcess(List<Transport> transports, int round) {
        List<Transport> out = new ArrayList<>();
        for (int i = 0; i < transports.size(); i++) {
            Transport t = transports.get((round + i) % transports.size());
            if (t.scope() == Transport.Scope.IN_PROCESS) {
                out.add(t);
            }
        }
        return out;
    }

    static Path pngBeside(Path json) {
        String name = json.getFileName().toString();
        String stem = name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
        return json.resolveSibling(stem + ".png");
    }

    private static String clock(long nanos) {
        long s = Duration.ofNanos(nanos).toSeconds();
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** The parsed command line. */
    static final class Options {
        BenchConfig config = BenchConfig.full();
        Path json;
        boolean help;
        boolean pin = true;

        static Options parse(String[] args) {
            Options o = new Options();
            Integer rounds = null;
            List<Transport> only = null;
            Long warmupMs = null;
            Long measureMs = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> o.config = BenchConfig.quick();
                    case "--json" -> o.json = Path.of(value(args, ++i, a));
                    case "--rounds" -> rounds = positive(value(args, ++i, a), a);
                    case "--warmup-ms" -> warmupMs = (long) positive(value(args, ++i, a), a);
                    case "--measure-ms" -> measureMs = (long) positive(value(args, ++i, a), a);
                    case "--only" -> {
                        only = new ArrayList<>();
                        for (String id : value(args, ++i, a).split(",")) {
                            only.add(Transport.byId(id.strip()));
                        }
                    }
                    case "--no-pin" -> o.pin = false;
                    case "-h", "--help" -> o.help = true;
                    default -> throw new IllegalArgumentException("unknown argument " + a + " in " + Arrays.toString(args));
                }
            }
            if (rounds != null) {
                o.config = o.config.withRounds(rounds);
            }
            if (only != null) {
                o.config = o.config.withTransports(only);
            }
            if (warmupMs != null || measureMs != null) {
                o.config = o.config.withTimes(
                        warmupMs == null ? o.config.warmup() : Duration.ofMillis(warmupMs),
                        measureMs == null ? o.config.measure() : Duration.ofMillis(measureMs));
            }
            return o;
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }

        private static int positive(String v, String flag) {
            try {
                int n = Integer.parseInt(v);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(flag + "=" + v + " is not a positive integer");
        }
    }
}
