package org.ringipc.mmap.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.ringipc.core.BurstReport;
import org.ringipc.core.BurstVerifier;
import org.ringipc.core.RingSource;
import org.ringipc.core.RingStats;
import org.ringipc.mmap.SharedRing;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ring consume FILE [--delay D] [--json]}: the consumer of {@code ring dma}. It takes the
 * source and runs {@link BurstVerifier} over it until EOF (or Ctrl+C / SIGTERM, which ends it at
 * the next burst boundary), sleeping {@code --delay} before each burst to play a slow consumer
 * (see {@link PacedSource}), then prints the telemetry: bursts, bytes, gaps, corrupt, the ring's
 * drop counter, and the CPU time this process used. With an honest ring, {@code gaps == drops}.
 * Exit status {@value #EXIT_CORRUPT} when a corrupt burst was seen.
 */
@Command(name = "consume", mixinStandardHelpOptions = true, versionProvider = RingCommand.Version.class,
        description = {
        "Verify the DMA bursts in the ring (sequence, length, CRC32C) until EOF or Ctrl+C, then print bursts,"
                + " bytes, gaps, corrupt, the producer's drops and the CPU time used.",
        "Exit status 3 when any burst was corrupt."})
final class ConsumeCommand implements Callable<Integer> {

    /** The exit status when the verifier counted a corrupt burst. */
    static final int EXIT_CORRUPT = 3;

    @Parameters(index = "0", paramLabel = "FILE", description = "The ring file (see 'ring create', 'ring dma').")
    Path file;

    @Option(names = "--delay", paramLabel = "DURATION", defaultValue = "0ms", converter = Sizes.Durations.class,
            description = "Sleep this long before each burst, to simulate a slow consumer, e.g. 200ms (default: ${DEFAULT-VALUE}).")
    Duration delay;

    @Option(names = "--json", description = "Print the telemetry as one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (StopSignal signal = StopSignal.install();
             SharedRing ring = SharedRing.open(file);
             RingSource source = ring.source()) {
            long cpuBefore = cpuNanos();
            long started = System.nanoTime();
            BurstReport report = BurstVerifier.verify(new PacedSource(source, delay, signal::stopRequested));
            double seconds = (System.nanoTime() - started) / 1e9;
            long cpu = cpuNanos();
            RingStats stats = ring.stats();

            Map<String, Object> fields = new LinkedHashMap<>();
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
            return report.corrupt() > 0 ? EXIT_CORRUPT : 0;
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
