package org.ringipc.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.jctools.queues.SpscArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.ringipc.core.LockedRing;
import org.ringipc.core.MessageRing;
import org.ringipc.core.MessageSink;
import org.ringipc.core.MessageSource;
import org.ringipc.core.Ring;
import org.ringipc.core.RingOptions;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;
import org.ringipc.core.WaitStrategy;

/**
 * Messages per second, one producer and one consumer thread, by message size, through ringipc's
 * framed {@code MessageRing}, its byte {@code Ring} (all-or-nothing {@code offer}), the
 * {@code LockedRing}, Agrona's {@code OneToOneRingBuffer} and JCTools' {@code SpscArrayQueue} of
 * pooled {@code byte[]}. Every consumer copies each message out. Read the {@code messagesTaken}
 * counter: the score counts calls, full and empty ones included ({@code failedOffers},
 * {@code failedPolls}).
 *
 * <p>How to run: {@code ./ring jmh MessageBenchmark -p size=32} (or {@code java -jar
 * ring-bench/target/ring-bench.jar MessageBenchmark}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class MessageBenchmark {

    /** The most messages a consumer call takes. */
    static final int BATCH = 64;

    /** One implementation's two ends, never blocking. */
    interface Ends extends AutoCloseable {
        boolean offer() throws IOException;

        /** Takes up to {@link #BATCH} messages, copying each out; returns how many. */
        int poll() throws IOException;

        @Override
        void close() throws IOException;
    }

    /** The ends under test, shared by the group's producer and consumer. */
    @State(Scope.Group)
    public static class Pair {
        /** Message payload in bytes. */
        @Param({"8", "32", "64", "256", "1024"})
        public int size;

        /** Ring capacity in bytes (JCTools: capacity / size slots). */
        @Param({"1048576"})
        public int capacity;

        /** The implementation under test. */
        @Param({"message-ring", "ring", "locked-ring", "agrona", "jctools"})
        public String impl;

        Ends ends;

        /** Makes the implementation named by {@code impl}. */
        @Setup(Level.Trial)
        public void open() {
            ends = switch (impl) {
                case "message-ring" -> new MessageRingEnds(capacity, size);
                case "ring" -> new ByteRingEnds(capacity, size, false);
                case "locked-ring" -> new ByteRingEnds(capacity, size, true);
                case "agrona" -> new AgronaEnds(capacity, size);
                case "jctools" -> new JctoolsEnds(capacity, size);
                default -> throw new IllegalArgumentException("impl=" + impl + " is unknown");
            };
        }

        /** Closes both ends and frees the memory. */
        @TearDown(Level.Trial)
        public void close() throws IOException {
            ends.close();
        }
    }

    /** Producer: one all-or-nothing offer of a message. */
    @Benchmark
    @Group("messages")
    @GroupThreads(1)
    public boolean offer(Pair pair, JmhCounters.Producer counters) throws IOException {
        boolean sent = pair.ends.offer();
        if (sent) {
            counters.bytesOffered += pair.size;
        } else {
            counters.failedOffers++;
        }
        return sent;
    }

    /** Consumer: takes up to {@link #BATCH} messages. */
    @Benchmark
    @Group("messages")
    @GroupThreads(1)
    public int poll(Pair pair, JmhCounters.Consumer counters) throws IOException {
        int n = pair.ends.poll();
        if (n == 0) {
            counters.failedPolls++;
        } else {
            counters.messagesTaken += n;
            counters.bytesTaken += (long) n * pair.size;
        }
        return n;
    }

    private static final class MessageRingEnds implements Ends {
        final Arena arena = Arena.ofShared();
        final MessageRing ring;
        final MessageSink sink;
        final MessageSource source;
        final MemorySegment src;
        final MemorySegment dst;

        MessageRingEnds(int capacity, int size) {
            ring = MessageRing.allocate(capacity, RingOptions.defaults().withWaitStrategy(WaitStrategy.SPIN));
            sink = ring.sink();
            source = ring.source();
            src = arena.allocate(size, 8).fill((byte) 1);
            dst = arena.allocate(size, 8);
        }

        @Override
        public boolean offer() throws IOException {
            return sink.offer(src);
        }

        @Override
        public int poll() throws IOException {
            return Math.max(0, source.poll(m -> MemorySegment.copy(m, 0, dst, 0, m.byteSize()), BATCH));
        }

        @Override
        public void close() throws IOException {
            sink.close();
            source.close();
            ring.close();
            arena.close();
        }
    }

    /** A byte ring carrying fixed-size messages: the consumer reads whole batches of them. */
    private static final class ByteRingEnds implements Ends {
        final Arena arena = Arena.ofShared();
        final java.io.Closeable owner;
        final RingSink sink;
        final RingSource source;
        final MemorySegment src;
        final ByteBuffer dst;
        final int size;

        ByteRingEnds(int capacity, int size, boolean locked) {
            if (locked) {
                LockedRing r = LockedRing.allocate(capacity);
                sink = r.sink();
                source = r.source();
                owner = r::close;
            } else {
                Ring r = Ring.allocate(capacity, RingOptions.defaults().withWaitStrategy(WaitStrategy.SPIN));
                sink = r.sink();
                source = r.source();
                owner = r::close;
            }
            this.size = size;
            src = arena.allocate(size, 8).fill((byte) 1);
            dst = ByteBuffer.allocateDirect(size * BATCH);
        }

        @Override
        public boolean offer() throws IOException {
            return sink.offer(src);
        }

        @Override
        public int poll() throws IOException {
            // offers are whole, so whole messages are there; read only whole ones
            int n = source.tryRead(dst.clear());
            return Math.max(0, n) / size;
        }

        @Override
        public void close() throws IOException {
            sink.close();
            source.close();
            owner.close();
            arena.close();
        }
    }

    private static final class AgronaEnds implements Ends {
        final Arena arena = Arena.ofShared();
        final OneToOneRingBuffer ring;
        final UnsafeBuffer src;
        final UnsafeBuffer dst;
        final int size;

        AgronaEnds(int capacity, int size) {
            ring = PeerLibraryLanes.agronaRing(arena, capacity);
            src = new UnsafeBuffer(arena.allocate(size, 8).fill((byte) 1).address(), size);
            dst = new UnsafeBuffer(arena.allocate(size, 8).address(), size);
            this.size = size;
        }

        @Override
        public boolean offer() {
            return ring.write(1, src, 0, size);
        }

        @Override
        public int poll() {
            return ring.read((type, buffer, index, length) -> buffer.getBytes(index, dst, 0, length), BATCH);
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /** A queue of pooled arrays: the producer copies into a free one, the consumer out and back. */
    private static final class JctoolsEnds implements Ends {
        final SpscArrayQueue<byte[]> full;
        final SpscArrayQueue<byte[]> free;
        final Arena arena = Arena.ofShared();
        final MemorySegment src;
        final byte[] dst;

        JctoolsEnds(int capacity, int size) {
            int slots = Math.max(2, capacity / size);
            full = new SpscArrayQueue<>(slots);
            free = new SpscArrayQueue<>(slots);
            for (int i = 0; i < slots; i++) {
                free.offer(new byte[size]);
            }
            src = arena.allocate(size, 8).fill((byte) 1);
            dst = new byte[size];
        }

        @Override
        public boolean offer() {
            byte[] message = free.poll();
            if (message == null) {
                return false;
            }
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, message, 0, message.length);
            return full.offer(message);
        }

        @Override
        public int poll() {
            int n = 0;
            byte[] message;
            while (n < BATCH && (message = full.poll()) != null) {
                System.arraycopy(message, 0, dst, 0, message.length);
                free.offer(message);
                n++;
            }
            return n;
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
