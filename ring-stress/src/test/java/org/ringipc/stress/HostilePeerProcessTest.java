package org.ringipc.stress;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ringipc.core.MessageRing;
import org.ringipc.core.MessageSink;
import org.ringipc.core.MessageSource;
import org.ringipc.core.RingCorruptedException;
import org.ringipc.core.RingFormatException;
import org.ringipc.core.RingLayout;
import org.ringipc.core.RingOptions;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;
import org.ringipc.core.WaitStrategy;
import org.ringipc.mmap.SharedRing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hostile peer in another PROCESS: while this JVM streams through a shared ring file (a writer
 * thread and a reader thread, the BLOCK wait strategy, futex sleeps), a child JVM maps the same file
 * and keeps storing a bad value into one header field. The honest side must fail its next
 * operation with an IOException saying "ring corrupted" (positions, capacity, a framed length) or,
 * for the identity fields that only {@code open} reads, be refused by a fresh {@code open} with a
 * {@link RingFormatException} naming the field; never hang, never crash.
 */
@Timeout(120)
class HostilePeerProcessTest {

    private static final int CAPACITY = 1 << 16;
    /** How long the scribbler keeps at it; the honest side must notice long before. */
    private static final int SCRIBBLE_SECONDS = 60;

    /** The positions and the capacity: scribbled mid-stream, each must break the ring. */
    enum Scribble {
        HEAD_RUNS_BACKWARDS("producer", "head", Long.BYTES, -1_000_000),
        HEAD_MORE_THAN_CAPACITY_AHEAD_OF_TAIL("producer", "head", Long.BYTES, 1L << 40),
        TAIL_BEYOND_HEAD("consumer", "tail", Long.BYTES, 1L << 40),
        TAIL_RUNS_BACKWARDS("consumer", "tail", Long.BYTES, -5),
        CAPACITY_CHANGED_AFTER_OPEN("identity", "capacity", Integer.BYTES, 1 << 20);

        final String block;
        final String field;
        final int width;
        final long value;

        Scribble(String block, String field, int width, long value) {
            this.block = block;
            this.field = field;
            this.width = width;
            this.value = value;
        }

        Children.Child start(Path file) throws IOException, InterruptedException {
            Children.Child child = Children.start("hostile-" + name(), "scribble", file.toString(),
                    String.valueOf(RingLayout.offset(block, field)), String.valueOf(width), String.valueOf(value),
                    String.valueOf(SCRIBBLE_SECONDS));
            child.awaitLine("SCRIBBLE ready", 60);
            return child;
        }
    }

    /** One I/O step of an honest end, repeated until it fails or the test stops it. */
    @FunctionalInterface
    private interface Step {
        void run() throws IOException;
    }

    /** Runs the honest writer and reader on two threads; each ends with the IOException it met, or null. */
    private static final class Honest implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ExecutorService threads = Executors.newFixedThreadPool(2);
        final CompletableFuture<IOException> writer;
        final CompletableFuture<IOException> reader;

        Honest(Step write, Step read) {
            writer = CompletableFuture.supplyAsync(() -> loop(write), threads);
            reader = CompletableFuture.supplyAsync(() -> loop(read), threads);
        }

        private IOException loop(Step step) {
            try {
                while (!stop.get()) {
                    step.run();
                }
                return null;
            } catch (IOException e) {
                return e;
            }
        }

        /** Waits (bounded) for the first end to fail, and returns that failure. */
        IOException firstFailure(long seconds) throws Exception {
            CompletableFuture.anyOf(writer, reader).get(seconds, TimeUnit.SECONDS);
            return writer.isDone() && writer.get() != null ? writer.get() : reader.get();
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            threads.shutdown();
            assertTrue(threads.awaitTermination(30, TimeUnit.SECONDS), "an honest end hung after the scribble");
        }
    }

    private static Path file(String name) throws IOException {
        return Children.freshPath(name);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Scribble.class)
    void aHeaderFieldScribbledByAnotherProcessMidStreamBreaksTheRingWithAClearError(Scribble scribble) throws Exception {
        Path file = file("hostile-" + scribble.name() + ".ring");
        SharedRing.create(file, CAPACITY).close();
        Children.Child scribbler = null;
        try (SharedRing ring = SharedRing.open(file); RingSink sink = ring.sink(); RingSource source = ring.source()) {
            ByteBuffer out = ByteBuffer.allocate(1000);
            ByteBuffer in = ByteBuffer.allocate(777);
            IOException failure;
            try (Honest honest = new Honest(() -> sink.write(out.clear()),
                    () -> source.read(in.clear(), 50, TimeUnit.MILLISECONDS))) {
                Thread.sleep(200);                  // mid-stream: both ends have moved
                assertTrue(ring.stats().bytesRead() > 0, "the stream did not start: " + ring.stats());
                scribbler = scribble.start(file);
                failure = honest.firstFailure(60);
            }
            assertNotNull(failure, "no honest end failed");
            RingCorruptedException e = assertInstanceOf(RingCorruptedException.class, failure);
            assertTrue(e.getMessage().startsWith("ring corrupted: head="), e.getMessage());
            assertTrue(e.getMessage().contains("capacity=" + CAPACITY), e.getMessage());
            // the ring is broken for good: both ends refuse every later operation the same way
            assertThrows(RingCorruptedException.class, () -> source.tryRead(ByteBuffer.allocate(1)));
            assertThrows(RingCorruptedException.class, () -> sink.tryWrite(ByteBuffer.allocate(1)));
            FaultTable.row("hostile peer process: " + scribble.name().toLowerCase().replace('_', ' '),
                    "a child JVM stores " + scribble.block + "." + scribble.field + "=" + scribble.value
                            + " over and over while this JVM streams (BLOCK, futex)",
                    e.getClass().getSimpleName() + " \"" + e.getMessage() + "\"; both ends refuse every later call");
        } finally {
            if (scribbler != null) {
                scribbler.kill();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(IdentityField.class)
    void anIdentityFieldScribbledByAnotherProcessIsRefusedByTheNextOpen(IdentityField field) throws Exception {
        Path file = file("hostile-identity-" + field + ".ring");
        SharedRing.create(file, CAPACITY).close();
        Children.Child scribbler = null;
        try (SharedRing ring = SharedRing.open(file); RingSink sink = ring.sink(); RingSource source = ring.source()) {
            ByteBuffer out = ByteBuffer.allocate(1000);
            ByteBuffer in = ByteBuffer.allocate(777);
            // tryWrite: the reader stops first when the runner closes, and a blocking write would then wait
            try (Honest honest = new Honest(() -> sink.tryWrite(out.clear()),
                    () -> source.read(in.clear(), 50, TimeUnit.MILLISECONDS))) {
                Thread.sleep(200);
                scribbler = Children.start("hostile-identity-" + field, "scribble", file.toString(),
                        String.valueOf(RingLayout.offset("identity", field.name())), String.valueOf(field.width),
                        String.valueOf(field.value), String.valueOf(SCRIBBLE_SECONDS));
                scribbler.awaitLine("SCRIBBLE ready", 60);
                Thread.sleep(300);
                RingFormatException e = assertThrows(RingFormatException.class, () -> SharedRing.open(file));
                assertTrue(e.getMessage().contains(field.name() + "="), e.getMessage());
                // the ends already open keep to their own checks: they go on or fail cleanly, and
                // closing the Honest runner asserts that neither hangs
                FaultTable.row("hostile peer process: identity field " + field + " changed",
                        "a child JVM stores identity." + field + "=" + field.value + " while this JVM streams",
                        "a new open refuses: " + e.getMessage().replace(file.toAbsolutePath().toString(), "FILE"));
            }
        } finally {
            if (scribbler != null) {
                scribbler.kill();
            }
        }
    }

    /** The identity fields that only {@code open} checks, and a value no ring has. */
    enum IdentityField {
        magic(Long.BYTES, 0x0BADC0DE0BADC0DEL),
        version(Integer.BYTES, 99),
        headerSize(Integer.BYTES, 4096),
        flags(Integer.BYTES, 0x7FFF_0000);

        final int width;
        final long value;

        IdentityField(int width, long value) {
            this.width = width;
            this.value = value;
        }
    }

    @Test
    void aFramedLengthLargerThanTheRingScribbledByAnotherProcessBreaksTheMessageRing() throws Exception {
        Path file = file("hostile-messages.ring");
        int capacity = 4096;
        long size = MessageRing.requiredBytes(capacity);
        Children.Child scribbler = null;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ch.truncate(0);
                ch.write(ByteBuffer.allocate(1), size - 1);
                memory = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            }
            MessageRing ring = MessageRing.format(memory, capacity,
                    RingOptions.defaults().withWaitStrategy(WaitStrategy.BACKOFF));
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            MemorySegment message = arena.allocate(100);
            long[] polled = new long[1];
            IOException failure;
            try (Honest honest = new Honest(() -> sink.write(message),
                    () -> {
                        int n = source.take(m -> polled[0]++, 50, TimeUnit.MILLISECONDS);
                        if (n < 0) {
                            throw new IOException("unexpected EOF");
                        }
                    })) {
                Thread.sleep(200);
                assertTrue(ring.stats().reads() > 0, "the stream did not start: " + ring.stats());
                scribbler = Children.start("hostile-framed-length", "scribble-length", file.toString(),
                        String.valueOf(2L * capacity), String.valueOf(SCRIBBLE_SECONDS));
                scribbler.awaitLine("SCRIBBLE ready", 60);
                failure = honest.firstFailure(60);
            }
            assertNotNull(failure, "no honest end failed");
            RingCorruptedException e = assertInstanceOf(RingCorruptedException.class, failure);
            assertTrue(e.getMessage().contains("ring corrupted"), e.getMessage());
            assertTrue(e.getMessage().contains("length=" + 2 * capacity), e.getMessage());
            assertThrows(RingCorruptedException.class, () -> source.poll(m -> { }, 1));
            assertEquals(capacity, ring.capacity());
            FaultTable.row("hostile peer process: framed length larger than the ring",
                    "a child JVM stores length=" + 2 * capacity + " into the record at the tail of a MessageRing in a"
                            + " mapped file, over and over, mid-stream",
                    e.getClass().getSimpleName() + " \"" + e.getMessage() + "\"");
            sink.close();
            source.close();
            ring.close();
        } finally {
            if (scribbler != null) {
                scribbler.kill();
            }
        }
    }
}
