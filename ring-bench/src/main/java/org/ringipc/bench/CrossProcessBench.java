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
        // the peer's script: a handshake, a warm-up and a timed run of each measurement
        List<String> phases = new ArrayList<>(List.of("rtt", "rtt", "rtt"));
        for (int chunk : config.chunkSizes()) {
            phases.add("bulk:" + chunk);
            phases.add("bulk:" + chunk);
        }
        try (CrossProcess.Session session = CrossProcess.start(transport, phases, config.largestChunk())) {
            Link link = session.link();
            Protocol.pingUntil(link, 0);
            Protocol.pingUntil(link, System.nanoTime() + config.warmup().toNanos());
            addRtt(results, transport, Protocol.pingUntil(link, System.nanoTime() + config.measure().toNanos()));
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
