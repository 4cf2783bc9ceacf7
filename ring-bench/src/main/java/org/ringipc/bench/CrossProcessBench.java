package org.ringipc.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** One round of one cross-process transport: a fresh peer JVM, its round trips, then its bulk rates. */
final class CrossProcessBench {

    private CrossProcessBench() {
    }

    /** Measures {@code transport} once and adds its figures to {@code results}. */
    static void round(Transport transport, BenchConfig config, Results results) throws IOException {
        switch (transport) {
            case SHM_LIMIT -> shmLimit(config, results);
            case COPY_LIMIT -> {
                for (int chunk : config.chunkSizes()) {
                    CopyLimit.measure(chunk, config.warmup().toNanos());
                    results.add(transport, Metric.THROUGHPUT, chunk, CopyLimit.measure(chunk, config.measure().toNanos()));
                }
            }
            default -> linked(transport, config, results);
        }
    }

    private static void linked(Transport transport, BenchConfig config, Results results) throws IOException {
        // the peer's script: a handshake, then a warm-up and a timed run of each measurement (back
        // to back round trips, round trips after an idle pause, bulk by chunk size)
        List<String> phases = new ArrayList<>(List.of("rtt", "rtt", "rtt", "rtt", "rtt"));
        for (int chunk : config.chunkSizes()) {
            phases.add("bulk:" + chunk);
            phases.add("bulk:" + chunk);
        }
        try (CrossProcess.Session session = CrossProcess.start(transport, phases, config.largestChunk())) {
            Link link = session.link();
            Protocol.pingUntil(link, 0);
            // warm until the busy round trip settles, at most 20 warm-up lengths (JIT of the wait loops)
            Protocol.warmUntilSettled(link, config.warmup().toNanos(), 20 * config.warmup().toNanos(), 0);
            long sleeps = link.sleeps();
            Histogram busy = Protocol.pingUntil(link, System.nanoTime() + config.measure().toNanos());
            addRtt(results, transport, busy);
            addSleeps(results, transport, Metric.SLEEPS_PER_RTT, link, sleeps, busy);
            Protocol.warmUntilSettled(link, config.warmup().toNanos(), 20 * config.warmup().toNanos(),
                    Protocol.IDLE_PAUSE_NANOS);
            sleeps = link.sleeps();
            Histogram idle = Protocol.pingUntil(link, System.nanoTime() + config.measure().toNanos(),
                    Protocol.IDLE_PAUSE_NANOS);
            results.add(transport, Metric.RTT_IDLE_P50, 1, idle.getValueAtPercentile(50.0));
            results.add(transport, Metric.RTT_IDLE_P99, 1, idle.getValueAtPercentile(99.0));
            addSleeps(results, transport, Metric.SLEEPS_PER_IDLE_RTT, link, sleeps, idle);
            for (int chunk : config.chunkSizes()) {
                Protocol.streamUntil(link, chunk, config.warmup().toNanos());
                results.add(transport, Metric.THROUGHPUT, chunk,
                        Protocol.streamUntil(link, chunk, config.measure().toNanos()));
            }
        }
    }

    private static void shmLimit(BenchConfig config, Results results) throws IOException {
        var dir = CrossProcess.tempDir("shm");
        try (Arena arena = Arena.ofConfined()) {
            ShmPingPong line = ShmPingPong.map(dir.resolve("line"), arena);
            Process peer = CrossProcess.launch(Transport.SHM_LIMIT, List.of(Transport.SHM_LIMIT.id(), dir.toString()));
            try {
                line.pingUntil(0);
                line.pingUntil(System.nanoTime() + config.warmup().toNanos());
                addRtt(results, Transport.SHM_LIMIT, line.pingUntil(System.nanoTime() + config.measure().toNanos()));
            } finally {
                line.stop();
                waitOrKill(peer);
            }
        } finally {
            CrossProcess.deleteTree(dir);
        }
    }

    static void addRtt(Results results, Transport transport, Histogram rtt) {
        results.add(transport, Metric.RTT_P50, 1, rtt.getValueAtPercentile(50.0));
        results.add(transport, Metric.RTT_P99, 1, rtt.getValueAtPercentile(99.0));
        results.add(transport, Metric.RTT_P999, 1, rtt.getValueAtPercentile(99.9));
        results.add(transport, Metric.RTT_MAX, 1, rtt.getMaxValue());
    }

    /**
     * Sleeps per round trip since {@code before}, for the transports whose headers count them; the
     * phase's closing STOP round trip counts too.
     */
    private static void addSleeps(Results results, Transport transport, Metric metric, Link link, long before,
                                  Histogram rtt) {
        if (before >= 0) {
            results.add(transport, metric, 1, (double) (link.sleeps() - before) / (rtt.getTotalCount() + 1));
        }
    }

    private static void waitOrKill(Process peer) {
        try {
            if (!peer.waitFor(10, TimeUnit.SECONDS)) {
                peer.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            peer.destroyForcibly();
        }
    }
}
