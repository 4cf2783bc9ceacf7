package org.ringipc.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** One round of one in-process transport: bulk rates by chunk size, then the small-message rate. */
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

    /** Measures {@code transport} once and adds its figures to {@code results}. */
    static void round(Transport transport, BenchConfig config, Results results) throws Exception {
        Lane.Factory factory = factory(transport);
        if (transport != Transport.MESSAGE_RING) {
            for (int chunk : config.chunkSizes()) {
                warm(factory, chunk, config.warmup().toNanos());
                results.add(transport, Metric.THROUGHPUT, chunk,
                        run(factory, chunk, config.measure().toNanos()).megabytesPerSecond());
            }
        }
        int size = config.messageBytes();
        warm(factory, size, config.warmup().toNanos());
        results.add(transport, Metric.MESSAGES, size, run(factory, size, config.measure().toNanos()).perSecond(size));
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
