package org.ringipc.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
import org.openjdk.jmh.infra.Blackhole;
import org.ringipc.core.MessageHandler;
import org.ringipc.core.MessageRing;
import org.ringipc.core.MessageSink;
import org.ringipc.core.MessageSource;
import org.ringipc.core.Ring;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;
import org.ringipc.core.SegmentHandler;

/**
 * Allocation per operation of the hot paths, for {@code -prof gc}'s {@code gc.alloc.rate.norm}
 * (bytes per operation, which the machine's load does not change): one thread makes one producer
 * call and the consumer call that takes it back out, per {@code op}: {@code write-read},
 * {@code offer-drain}, {@code claim-commit} (then a read) on {@code Ring}, {@code offer-poll} and
 * {@code claim-commit-poll} on {@code MessageRing}. Each op runs in a JVM of its own (a fork), so
 * what C2 inlines, and so what escape analysis removes, does not depend on the other ops.
 *
 * <p>How to run: {@code ./ring jmh AllocationBenchmark -prof gc} and read {@code gc.alloc.rate.norm}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class AllocationBenchmark {

    @Param({"write-read", "offer-drain", "claim-commit", "offer-poll", "claim-commit-poll"})
    public String op;

    private Ring ring;
    private RingSink sink;
    private RingSource source;
    private MessageRing messages;
    private MessageSink messageSink;
    private MessageSource messageSource;
    private Arena arena;
    private MemorySegment src;
    private MemorySegment dst;
    // sliced once here, so that a slice made per call cannot count as the ring's allocation
    private MemorySegment dst64;
    private MemorySegment message;
    private long seen;
    private final SegmentHandler segmentHandler = data -> seen += data.get(ValueLayout.JAVA_BYTE, 0);
    private final MessageHandler messageHandler = m -> seen += m.get(ValueLayout.JAVA_BYTE, 0);

    @Setup(Level.Trial)
    public void open() {
        arena = Arena.ofConfined();
        src = arena.allocate(256).fill((byte) 7);
        dst = arena.allocate(256);
        dst64 = dst.asSlice(0, 64);
        message = src.asSlice(0, 32);
        ring = Ring.allocate(1 << 16);
        sink = ring.sink();
        source = ring.source();
        messages = MessageRing.allocate(1 << 16);
        messageSink = messages.sink();
        messageSource = messages.source();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        ring.close();
        messages.close();
        arena.close();
    }

    /** One producer call and one consumer call of {@link #op}; returns what the consumer saw. */
    @Benchmark
    public long op(Blackhole bh) throws IOException {
        switch (op) {
            case "write-read" -> {
                sink.write(src);
                return source.read(dst);
            }
            case "offer-drain" -> {
                bh.consume(sink.offer(src));
                return source.drain(segmentHandler, Long.MAX_VALUE);
            }
            case "claim-commit" -> {
                MemorySegment slot = sink.claim(64);
                slot.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 3L);
                sink.commit(64);
                return source.read(dst64);
            }
            case "offer-poll" -> {
                bh.consume(messageSink.offer(message));
                return messageSource.poll(messageHandler, 16);
            }
            case "claim-commit-poll" -> {
                MemorySegment slot = messageSink.claim(8);
                slot.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 5L);
                messageSink.commit();
                return messageSource.poll(messageHandler, 16);
            }
            default -> throw new IllegalArgumentException("op=" + op + " is not one of the @Param values");
        }
    }
}
