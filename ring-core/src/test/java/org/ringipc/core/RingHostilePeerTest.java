package org.ringipc.core;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The other side can write anything into the shared header while we stream. Each scribble must end
 * in a RingCorruptedException naming the positions, with the ring marked broken: no access outside
 * the data region, no hang, no crash.
 */
@Timeout(60)
class RingHostilePeerTest {

    private static final int CAPACITY = 4096;

    enum Scribble {
        HEAD_RUNS_BACKWARDS("producer", "head", -1_000_000),
        HEAD_FAR_AHEAD_OF_TAIL("producer", "head", 1L << 40),
        TAIL_BEYOND_HEAD("consumer", "tail", 1L << 40),
        TAIL_RUNS_BACKWARDS("consumer", "tail", -5),
        CAPACITY_CHANGED("identity", "capacity", 1 << 20);

        final String block;
        final String field;
        final long value;

        Scribble(String block, String field, long value) {
            this.block = block;
            this.field = field;
            this.value = value;
        }

        void apply(MemorySegment memory) {
            long offset = RingLayout.offset(block, field);
            if (field.equals("capacity")) {
                memory.set(ValueLayout.JAVA_INT, offset, (int) value);
            } else {
                memory.set(ValueLayout.JAVA_LONG, offset, value);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Scribble.class)
    void aScribbledHeaderFieldMidStreamBreaksTheRingWithAClearError(Scribble scribble) throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(Ring.requiredBytes(CAPACITY), 64);
            Ring ring = Ring.format(memory, CAPACITY, RingOptions.defaults().withWaitStrategy(WaitStrategy.BACKOFF));
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService threads = Executors.newFixedThreadPool(2);
            CompletableFuture<Throwable> writer = CompletableFuture.supplyAsync(() -> {
                ByteBuffer chunk = ByteBuffer.allocate(1000);
                try {
                    while (!stop.get()) {
                        sink.write(chunk.clear());
                    }
                    return null;
                } catch (IOException e) {
                    return e;
                }
            }, threads);
            CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
                ByteBuffer in = ByteBuffer.allocate(777);
                try {
                    while (!stop.get()) {
                        source.read(in.clear(), 50, TimeUnit.MILLISECONDS);
                    }
                    return null;
                } catch (IOException e) {
                    return e;
                }
            }, threads);
            threads.shutdown();
            Thread.sleep(50);
            // the scribbler keeps writing, because the honest side overwrites its own fields
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!writer.isDone() && !reader.isDone() && System.nanoTime() < deadline) {
                scribble.apply(memory);
                Thread.onSpinWait();
            }
            stop.set(true);
            scribble.apply(memory);
            Throwable failure = writer.isDone() && writer.get() != null ? writer.get() : reader.get(5, TimeUnit.SECONDS);
            if (failure == null) {
                failure = writer.get(5, TimeUnit.SECONDS);
            }
            RingCorruptedException e = assertInstanceOf(RingCorruptedException.class, failure);
            assertTrue(e.getMessage().startsWith("ring corrupted: head="), e.getMessage());
            assertTrue(e.getMessage().contains("capacity=" + CAPACITY), e.getMessage());
            // broken for good: both ends refuse every later operation the same way
            assertThrows(RingCorruptedException.class, () -> source.tryRead(ByteBuffer.allocate(1)));
            assertThrows(RingCorruptedException.class, () -> sink.tryWrite(ByteBuffer.allocate(1)));
            assertEquals(CAPACITY, ring.capacity());
        }
    }
}
