package org.ringipc.bench;

import java.time.Duration;
import java.util.List;

/**
 * How long and how often to measure. Every figure is taken once per round, the rounds interleave
 * all transports, and the report shows each figure's median over the rounds.
 *
 * @param mode          "quick" or "full", for the report
 * @param rounds        how many interleaved rounds
 * @param warmup        untimed run before each timed one (JIT, page faults, caches)
 * @param measure       each timed run
 * @param chunkSizes    bulk chunk sizes, in bytes
 * @param messageBytes  the small-message size for the in-process message rate
 * @param transports    what to measure, in the order of the first round
 */
public record BenchConfig(String mode, int rounds, Duration warmup, Duration measure, List<Integer> chunkSizes,
                          int messageBytes, List<Transport> transports) {

    /** The chunk sizes the issue asks for: 4 KiB, 64 KiB, 1 MiB. */
    public static final List<Integer> CHUNKS = List.of(4 << 10, 64 << 10, 1 << 20);

    /**
     * The order of the first round (later rounds rotate it by one each): the two sides of every
     * {@link Headline} ratio sit next to each other or nearly, so each round measures them within
     * seconds of each other, before the host moves the vCPUs.
     */
    public static final List<Transport> RUN_ORDER = List.of(
            Transport.SHM_LIMIT, Transport.RING_SPIN, Transport.RAW_RING, Transport.RING_BLOCK, Transport.PIPE,
            Transport.RING_SPIN_MEMCPY, Transport.AGRONA, Transport.MESSAGE_RING, Transport.JCTOOLS, Transport.RING,
            Transport.LOCKED_RING, Transport.NIO_PIPE, Transport.COPY_LIMIT, Transport.C_RING, Transport.C_TO_JAVA,
            Transport.JAVA_TO_C, Transport.MESSAGE_RING_SPIN, Transport.MESSAGE_RING_BLOCK, Transport.UNIX_SOCKET,
            Transport.TCP_LOOPBACK, Transport.BRIDGE_UDP);

    public BenchConfig {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds=" + rounds + " must be at least 1");
        }
        if (chunkSizes.isEmpty() || transports.isEmpty()) {
            throw new IllegalArgumentException("chunkSizes=" + chunkSizes + ", transports=" + transports + ": neither may be empty");
        }
        chunkSizes = List.copyOf(chunkSizes);
        transports = List.copyOf(transports);
    }

    /** Under two minutes on a 2-core machine (1m54s on 2026-12-03): 80 ms warm-up slices, 150 ms timed runs. */
    public static BenchConfig quick() {
        return new BenchConfig("quick", 3, Duration.ofMillis(80), Duration.ofMillis(150), CHUNKS, 32,
                RUN_ORDER);
    }

    /** About 13 minutes on a 2-core machine (12m58s on 2026-12-03). */
    public static BenchConfig full() {
        return new BenchConfig("full", 7, Duration.ofMillis(300), Duration.ofMillis(700), CHUNKS, 32,
                RUN_ORDER);
    }

    /** This configuration with {@code n} rounds. */
    public BenchConfig withRounds(int n) {
        return new BenchConfig(mode, n, warmup, measure, chunkSizes, messageBytes, transports);
    }

    /** This configuration measuring only {@code only}, in that order. */
    public BenchConfig withTransports(List<Transport> only) {
        return new BenchConfig(mode, rounds, warmup, measure, chunkSizes, messageBytes, only);
    }

    /** This configuration with other warm-up and timed durations. */
    public BenchConfig withTimes(Duration warm, Duration timed) {
        return new BenchConfig(mode, rounds, warm, timed, chunkSizes, messageBytes, transports);
    }

    /** This configuration with other bulk chunk sizes. */
    public BenchConfig withChunkSizes(List<Integer> sizes) {
        return new BenchConfig(mode, rounds, warmup, measure, sizes, messageBytes, transports);
    }

    int largestChunk() {
        return chunkSizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }
}
