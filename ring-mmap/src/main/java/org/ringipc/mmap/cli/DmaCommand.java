package org.ringipc.mmap.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.ringipc.core.BurstProducer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ring dma FILE [--burst 512] [--interval 50ms] [--duration D]}: the simulated DMA engine
 * ({@link BurstProducer}) as the producer of a shared ring of either kind (on a message ring each
 * burst is one message, so {@code --burst} is at most its largest message). It takes the sink, drops a burst into
 * the ring every interval whether or not a consumer keeps up (a burst that does not fit is dropped
 * and counted), and stops after {@code --duration} or on Ctrl+C / SIGTERM. Stopping writes the
 * end-of-stream marker and closes the sink (so {@code ring consume} counts trailing drops as gaps
 * and sees EOF), then prints: bursts sent, dropped, bytes, seconds.
 */
@Command(name = "dma", mixinStandardHelpOptions = true, versionProvider = RingCommand.Version.class,
        description = {
        "Run the simulated DMA engine into the ring: a burst (sequence, length, CRC32C) every interval;"
                + " a burst that does not fit is dropped and counted. On a message ring each burst is one message.",
        "Stops after --duration or on Ctrl+C, closes the sink (EOF for the consumer) and prints bursts sent,"
                + " dropped, bytes and seconds."})
final class DmaCommand implements Callable<Integer> {

    /** How often the waiting command looks whether the engine stopped by itself. */
    private static final Duration CHECK = Duration.ofMillis(100);

    @Parameters(index = "0", paramLabel = "FILE", description = "The ring file (see 'ring create').")
    Path file;

    @Option(names = "--burst", paramLabel = "BYTES", defaultValue = "512", converter = Sizes.IntBytes.class,
            description = "Bytes per burst, its 16-byte header included: 16 .. 16m (default: ${DEFAULT-VALUE}).")
    int burst;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "50ms", converter = Sizes.PositiveDurations.class,
            description = "Time between bursts, e.g. 50ms, 1s, 200us (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--duration", paramLabel = "DURATION", converter = Sizes.PositiveDurations.class,
            description = "Stop after this long, e.g. 3s, 2m (default: until Ctrl+C).")
    Duration duration;

    @Option(names = "--json", description = "Print the telemetry as one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (burst < PacedSource.HEADER_BYTES || burst > 1 << 24) {
            throw new ParameterException(spec.commandLine(),
                    "--burst=" + burst + " is not in 16 .. 16777216 bytes (a burst holds a 16-byte header)");
        }
        Map<String, Object> report = new LinkedHashMap<>();
        try (StopSignal signal = StopSignal.install();
             AnyRing ring = AnyRing.open(file)) {
            if (burst > ring.maxBurstBytes()) {
                throw new ParameterException(spec.commandLine(), "--burst=" + burst + " is longer than the largest message"
                        + " of the message ring " + file + " (maxMessageLength=" + ring.maxBurstBytes() + ")");
            }
            long started = System.nanoTime();
            BurstProducer dma = ring.startDma(burst, interval);
            long ran;
            try {
                // wakes early on Ctrl+C, and every CHECK to see whether the engine stopped (broken pipe)
                while (dma.failure() == null) {
                    long left = duration == null ? CHECK.toNanos() : duration.toNanos() - (System.nanoTime() - started);
                    if (left <= 0 || signal.await(Duration.ofNanos(Math.min(left, CHECK.toNanos())))) {
                        break;
                    }
                }
            } finally {
                ran = System.nanoTime() - started;
                dma.close();  // end-of-stream marker, then the sink closes: the consumer sees EOF
            }
            double seconds = ran / 1e9;
            report.put("bursts", dma.burstsSent());
            report.put("dropped", dma.burstsDropped());
            report.put("bytes", dma.burstsSent() * burst);
            report.put("seconds", Math.round(seconds * 1000) / 1000.0);
            report.put("burstBytes", burst);
            report.put("intervalMillis", interval.toNanos() / 1e6);
            report.put("interrupted", signal.stopRequested());
            if (dma.failure() != null) {
                report.put("failure", RingCommand.describe(dma.failure()));
            }
            Output.print(spec.commandLine().getOut(), report, json);
            return dma.failure() == null ? 0 : 1;
        }
    }
}
