package org.ringipc.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One round of the in-process transports: each one's bulk rates by chunk size ({@link #round}),
 * and all of their small-message rates in one interleaved block ({@link #messages}).
 */
final class InProcessBench {

    /** What one timed run delivered. */
    record Delivery(long bytes, long nanos) {
        double megabytesPerSecond() {
            return Protocol.megabytesPerSecond(bytes, nanos);
        }

        double perSecond(int unitBytes) {
            return (double) bytes / unitBytes * 1e9 / nanos;
        }
    }

    private InProcessBench() {
    }

    /** Measures {@code transport}'s bulk rates once and adds them to {@code results} (none for message-ring). */
    static void round(Transport transport, BenchConfig config, Results results) throws Exception {
        Lane.Factory factory = factory(transport);
        if (transport != Transport.MESSAGE_RING) {
            for (int chunk : config.chunkSizes()) {
                warm(factory, chunk, config.warmup().toNanos());
                results.add(transport, Metric.THROUGHPUT, chunk,
                        run(factory, chunk, config.measure().toNanos()).megabytesPerSecond());
            }
        }
    }

    /** How many slices a transport's timed message run is cut into, interleaved with the others'. */
    static final int MESSAGE_SLICES = 5;

    /**
     * Measures the small-message rate of every transport in {@code transports} once, interleaved:
     * each is warmed, then each timed run is cut into {@link #MESSAGE_SLICES} slices taken in turn
     * (A B C A B C ...), and a transport's figure for the round is the median of its slices. A
     * burst of the host's (its vCPUs placed close, or another guest's load) then lands on one
     * slice of each transport, or on a slice that the median drops, instead of on one side of a
     * ratio: message-ring against Agrona, 150 ms each, back to back, went 0.61x-1.79x across
     * three rounds of one quick run.
     */
    static void messages(java.util.List<Transport> transports, BenchConfig config, Results results) throws Exception {
        int size = config.messageBytes();
        long slice = Math.max(1, config.measure().toNanos() / MESSAGE_SLICES);
        java.util.List<Lane.Factory> factories = transports.stream().map(InProcessBench::factory).toList();
        for (Lane.Factory f : factories) {
            warm(f, size, config.warmup().toNanos());
        }
        double[][] rates = new double[transports.size()][MESSAGE_SLICES];
        for (int s = 0; s < MESSAGE_SLICES; s++) {
            for (int i = 0; i < factories.size(); i++) {
                rates[i][s] = run(factories.get(i), size, slice).perSecond(size);
            }
        }
        for (int i = 0; i < transports.size(); i++) {
            results.add(transports.get(i), Metric.MESSAGES, size, Summary.of(rates[i]).median());
        }
    }

    /**
     * Gets {@code transport}'s code compiled in this JVM without timing it: one untimed run of each
     * kind a round makes (peer JVMs may be starting meanwhile; the round's own warm-ups wait for
     * quiet compilers).
     */
    static void warmOnly(Transport transport, BenchConfig config) throws Exception {
        Lane.Factory factory = factory(transport);
        if (transport != Transport.MESSAGE_RING) {
            for (int chunk : config.chunkSizes()) {
                run(factory, chunk, config.warmup().toNanos());
            }
        }
        run(factory, config.messageBytes(), config.warmup().toNanos());
    }

    /** The most warm-up runs before a timed one, however busy the compilers stay. */
    static final int MAX_WARM_RUNS = 10;

    /**
     * Untimed runs of {@code durationNanos} until one ran with this JVM's compilers quiet (on two
     * cores a compile during the timed run would take one of the two cores its ends spin on), at
     * most {@link #MAX_WARM_RUNS}; returns how many it took.
     */
    static int warm(Lane.Factory factory, int chunk, long durationNanos) throws Exception {
        CompilerTime jit = CompilerTime.self();
        int runs = 0;
        while (true) {
            long compiled = jit.nanos();
            long start = System.nanoTime();
            run(factory, chunk, durationNanos);
            runs++;
            if (jit.quietSince(compiled, start) || runs >= MAX_WARM_RUNS) {
                return runs;
            }
        }
    }

    static Lane.Factory factory(Transport transport) {
        return switch (transport) {
            case RING -> ChannelLanes::ring;
            case LOCKED_RING -> ChannelLanes::lockedRing;
            case NIO_PIPE -> ChannelLanes::nioPipe;
            case MESSAGE_RING -> MessageRingLane::new;
            case AGRONA -> PeerLibraryLanes::agrona;
            case JCTOOLS -> PeerLibraryLanes::jctools;
            default -> throw new IllegalArgumentException("transport=" + transport.id() + " is not in-process");
        };
    }

    /**
     * The producer (this thread) sends {@code chunk}-byte pieces until the time is up and finishes;
     * a consumer thread takes everything. The clock stops when the consumer has taken the last byte.
     */
    static Delivery run(Lane.Factory factory, int chunk, long durationNanos) throws Exception {
        // check the clock every 4 KiB or so: for small messages a clock read costs as much as a send
        final int batch = Math.max(1, 4096 / chunk);
        try (Lane lane = factory.open(chunk); Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(chunk, 64).fill((byte) 0x5a);
            AtomicLong consumed = new AtomicLong();
            AtomicLong finishedAt = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread consumer = Thread.ofPlatform().daemon().name("lane-consumer").start(() -> {
                try {
                    // the producer is the harness's (pinned) thread; the consumer runs on the peer CPU
                    Affinity.pinPeerEnd();
                    long total = 0;
                    long n;
                    while ((n = lane.receive()) >= 0) {
                        total += n;
                    }
                    finishedAt.set(System.nanoTime());
                    consumed.set(total);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            long sent = 0;
            long start = System.nanoTime();
            long deadline = start + durationNanos;
            do {
                for (int i = 0; i < batch; i++) {
                    lane.send(src, chunk);
                }
                sent += (long) batch * chunk;
            } while (System.nanoTime() < deadline);
            lane.finish();
            consumer.join(TimeUnit.SECONDS.toMillis(60));
            if (failure.get() != null) {
                throw new IllegalStateException("consumer failed", failure.get());
            }
            if (consumer.isAlive() || consumed.get() != sent) {
                throw new IllegalStateException("consumer took " + consumed.get() + " of " + sent + " bytes");
            }
            return new Delivery(sent, finishedAt.get() - start);
        }
    }
}
