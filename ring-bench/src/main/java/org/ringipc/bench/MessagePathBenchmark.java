package org.ringipc.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.ringipc.core.MessageHandler;
import org.ringipc.core.MessageRing;
import org.ringipc.core.MessageSink;
import org.ringipc.core.MessageSource;
import org.ringipc.core.RingOptions;
import org.ringipc.core.WaitStrategy;

/**
 * The instructions of the 32-byte message path, without the other core: one thread puts 64
 * messages in and takes them out with one poll, copying each out as the {@code message-ring} and
 * {@code agrona} lanes do. What the machine's far-apart cores add is the {@code MessageBenchmark}'s
 * and the bench's business; this one shows what each call costs by itself (ns per message), so a
 * change to the path can be weighed without cross-core noise.
 *
 * <p>How to run: {@code ./ring jmh MessagePathBenchmark -f 3}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class MessagePathBenchmark {

    private static final int BATCH = 64;
    private static final int LENGTH = 32;
    private static final int CAPACITY = 1 << 16;

    private Arena arena;
    private MemorySegment src;
    private MemorySegment dst;
    private MessageRing ring;
    private MessageSink sink;
    private MessageSource source;
    private OneToOneRingBuffer agrona;
    private UnsafeBuffer agronaSrc;
    private UnsafeBuffer agronaDst;
    private int at;
    private final MessageHandler handler = this::copyOut;
    private final org.agrona.concurrent.MessageHandler agronaHandler = this::copyOut;

    @Setup(Level.Trial)
    public void open() {
        arena = Arena.ofShared();
        src = arena.allocate(LENGTH, 64).fill((byte) 7);
        dst = arena.allocate(Lane.READ_BYTES, 64);
        ring = MessageRing.allocate(CAPACITY, RingOptions.defaults().withWaitStrategy(WaitStrategy.SPIN));
        sink = ring.sink();
        source = ring.source();
        agrona = PeerLibraryLanes.agronaRing(arena, CAPACITY);
        agronaSrc = new UnsafeBuffer(src.address(), LENGTH);
        agronaDst = new UnsafeBuffer(dst.address(), (int) dst.byteSize());
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        try {
            ring.close();
        } finally {
            arena.close();
        }
    }

    private void copyOut(MemorySegment message) {
        long length = message.byteSize();
        if (at + length > dst.byteSize()) {
            at = 0;
        }
        MemorySegment.copy(message, 0, dst, at, length);
        at += (int) length;
    }

    private void copyOut(int type, MutableDirectBuffer buffer, int index, int length) {
        if (at + length > agronaDst.capacity()) {
            at = 0;
        }
        buffer.getBytes(index, agronaDst, at, length);
        at += length;
    }

    /** {@code offer}: one call per message (a refused offer would count a drop; here none is refused). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int messageRingOffer() throws IOException {
        for (int i = 0; i < BATCH; i++) {
            sink.offer(src);
        }
        return source.poll(handler, BATCH);
    }

    /** {@code write}: as offer, but a full ring would wait (spin) instead of dropping. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int messageRingWrite() throws IOException {
        for (int i = 0; i < BATCH; i++) {
            sink.write(src);
        }
        return source.poll(handler, BATCH);
    }

    /** {@code tryClaim}, a copy into the claimed bytes, {@code commit}: two calls per message. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int messageRingClaim() throws IOException {
        for (int i = 0; i < BATCH; i++) {
            MemorySegment claimed = sink.tryClaim(LENGTH);
            MemorySegment.copy(src, 0, claimed, 0, LENGTH);
            sink.commit();
        }
        return source.poll(handler, BATCH);
    }

    /** Agrona's {@code OneToOneRingBuffer.write} and {@code read}, as the {@code agrona} lane drives them. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int agrona() {
        for (int i = 0; i < BATCH; i++) {
            agrona.write(1, agronaSrc, 0, LENGTH);
        }
        return agrona.read(agronaHandler, BATCH);
    }
}
