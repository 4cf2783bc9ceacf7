package org.ringipc.mmap.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.ringipc.core.BurstReport;
import org.ringipc.core.BurstStream;
import org.ringipc.core.RingStats;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ring consume FILE... [--delay D] [--json]}: the consumer of {@code ring dma}, on either kind
 * of ring (a message ring carries one burst per message). It takes each file's source and checks
 * its bursts ({@link BurstStream}: sequence, length, CRC32C) until EOF on every file (or Ctrl+C /
 * SIGTERM), serving all files from one thread with one {@link org.ringipc.core.RingSelector},
 * sleeping {@code --delay} per burst to play a slow consumer (see {@link PacedSource}), then prints
 * the telemetry: bursts, bytes, gaps, corrupt, the ring's drop counter, and the CPU time this process
 * used. With several files it prints one such record per file, in the order given, each starting
 * with {@code file}. With an honest ring, {@code gaps == drops}. Exit status {@value #EXIT_CORRUPT}
 * when a corrupt burst was seen in any file.
 */
@Command(name = "consume", mixinStandardHelpOptions = true, versionProvider = RingCommand.Version.class,
        description = {
        "Verify the DMA bursts in each ring (sequence, length, CRC32C) until EOF on every one or Ctrl+C, then print"
                + " bursts, bytes, gaps, corrupt, the producer's drops and the CPU time used.",
        "Byte rings and message rings (one burst per message) alike. Several files are served by one thread;"
                + " each gets its own record of figures, first the line 'file NAME' (with --json one object per line).",
        "Exit status 3 when any burst was corrupt."})
final class ConsumeCommand implements Callable<Integer> {

    /** The exit status when the verifier counted a corrupt burst. */
    static final int EXIT_CORRUPT = 3;

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "FILE",
            description = "The ring files (see 'ring create', 'ring dma').")
    List<Path> files;

    @Option(names = "--delay", paramLabel = "DURATION", defaultValue = "0ms", converter = Sizes.Durations.class,
            description = "Sleep this long before each burst, to simulate a slow consumer, e.g. 200ms (default: ${DEFAULT-VALUE}).")
    Duration delay;

    @Option(names = "--json", description = "Print the telemetry as one JSON object (per file).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (StopSignal signal = StopSignal.install();
             FanIn fanIn = new FanIn()) {
            signal.onStop(fanIn::wakeup);
            List<BurstCheck> checks = new ArrayList<>();
            for (Path file : files) {
                checks.add(new BurstCheck(fanIn, fanIn.open(file), delay, signal::stopRequested));
            }
            long cpuBefore = cpuNanos();
            long started = System.nanoTime();
            fanIn.run(signal::stopRequested, () -> { });
            double seconds = (System.nanoTime() - started) / 1e9;
            long cpu = cpuNanos();
            boolean corrupt = false;
            for (BurstCheck check : checks) {
                BurstReport report = check.report();
                RingStats stats = check.ring.stats();
                corrupt |= report.corrupt() > 0;
                Map<String, Object> fields = new LinkedHashMap<>();
                if (files.size() > 1) {
                    fields.put("file", check.ring.file.toString());
                }
                fields.put("bursts", report.bursts());
                fields.put("bytes", report.bytes());
                fields.put("gaps", report.gaps());
                fields.put("corrupt", report.corrupt());
                fields.put("drops", stats.drops());
                fields.put("bytesDropped", stats.bytesDropped());
                fields.put("seconds", round3(seconds));
                fields.put("cpuSeconds", round3(cpu / 1e9));  // the whole process, JVM start-up included
                fields.put("cpuPercent", Math.round(1000.0 * (cpu - cpuBefore) / 1e9 / seconds) / 10.0);  // while consuming
                fields.put("interrupted", signal.stopRequested());
                Output.print(spec.commandLine().getOut(), fields, json);
            }
            return corrupt ? EXIT_CORRUPT : 0;
        }
    }

    /** CPU time this process used so far, all threads (from /proc on Linux); 0 where the OS does not say. */
    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private static double round3(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
