package org.ringipc.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The promises of a pipe: EOF, broken pipe, sleeping readers and writers, timeouts, one end each. */
@Timeout(30)
class RingPipeSemanticsTest {

    private static final int CAPACITY = 4096;

    private static Ring ring(WaitStrategy strategy) {
        return Ring.allocate(CAPACITY, RingOptions.defaults().withWaitStrategy(strategy));
    }

    /** Waits until {@code thread} is parked or spinning inside a call, i.e. no longer runnable in our code. */
    private static void awaitBlocked(Thread thread) throws InterruptedException {
        Thread.sleep(100);
        assertTrue(thread.isAlive(), "the call should still be blocked");
    }

    @Test
    void readReturnsMinusOneAfterSinkClosesAndRingDrains() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            sink.write(ByteBuffer.wrap(new byte[]{1, 2, 3}));
            sink.close();
            ByteBuffer in = ByteBuffer.allocate(10);
            assertEquals(3, source.read(in));
            assertEquals(-1, source.read(in));
            assertEquals(-1, source.tryRead(in));
            assertEquals(-1, source.drain(data -> { }, 100));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(WaitStrategy.class)
    void aBlockedReaderSeesDataThenEofWhenTheSinkCloses(WaitStrategy strategy) throws Exception {
        try (Ring ring = ring(strategy)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            CompletableFuture<int[]> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    ByteBuffer in = ByteBuffer.allocate(10);
                    int first = source.read(in);
                    int second = source.read(in);
                    return new int[]{first, second};
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(100);
            assertFalse(reader.isDone());
            sink.write(ByteBuffer.wrap(new byte[]{9, 9}));
            Thread.sleep(50);
            sink.close();
            assertEquals(2, reader.get()[0]);
            assertEquals(-1, reader.get()[1]);
        }
    }

    @Test
    void writingAfterTheSourceClosedIsABrokenPipe() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            ring.source().close();
            IOException e = assertThrows(IOException.class, () -> sink.write(ByteBuffer.wrap(new byte[1])));
            assertTrue(e.getMessage().contains("broken pipe"), e.getMessage());
            assertThrows(IOException.class, () -> sink.offer(java.lang.foreign.MemorySegment.ofArray(new byte[1])));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(WaitStrategy.class)
    void aWriterBlockedOnAFullRingGetsBrokenPipeWhenTheSourceCloses(WaitStrategy strategy) throws Exception {
        try (Ring ring = ring(strategy)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
                try {
                    return sink.write(ByteBuffer.allocate(CAPACITY + 1));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(100);
            assertFalse(writer.isDone());
            source.close();
            ExecutionException e = assertThrows(ExecutionException.class, writer::get);
            assertTrue(e.getCause().getMessage().contains("broken pipe"), e.getCause().getMessage());
        }
    }

    @Test
    void readWithTimeoutReturnsZeroWhenNothingArrives() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            ring.sink();
            RingSource source = ring.source();
            long start = System.nanoTime();
            assertEquals(0, source.read(ByteBuffer.allocate(4), 50, TimeUnit.MILLISECONDS));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50));
            assertEquals(0, source.tryRead(ByteBuffer.allocate(4)));
        }
    }

    @Test
    void readWithTimeoutReturnsDataThatArrivesInTime() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(50);
                    sink.write(ByteBuffer.wrap(new byte[]{4}));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertEquals(1, source.read(ByteBuffer.allocate(4), 10, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(WaitStrategy.class)
    void interruptingABlockedReaderEndsItWithClosedByInterrupt(WaitStrategy strategy) throws Exception {
        try (Ring ring = ring(strategy)) {
            ring.sink();
            RingSource source = ring.source();
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    source.read(ByteBuffer.allocate(4));
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            awaitBlocked(reader);
            reader.interrupt();
            assertInstanceOf(ClosedByInterruptException.class, outcome.get(5, TimeUnit.SECONDS));
            assertFalse(source.isOpen());
        }
    }

    @Test
    void interruptingABlockedWriterEndsItWithClosedByInterruptAndTheReaderSeesEof() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    sink.write(ByteBuffer.allocate(CAPACITY * 2));
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            awaitBlocked(writer);
            writer.interrupt();
            assertInstanceOf(ClosedByInterruptException.class, outcome.get(5, TimeUnit.SECONDS));
            ByteBuffer in = ByteBuffer.allocate(CAPACITY);
            assertEquals(CAPACITY, source.read(in));
            assertEquals(-1, source.read(in.clear()));
        }
    }

    @Test
    void closingASourceFromAnotherThreadEndsItsBlockedRead() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            ring.sink();
            RingSource source = ring.source();
            CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return source.read(ByteBuffer.allocate(4));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(100);
            source.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> reader.get(5, TimeUnit.SECONDS));
            assertInstanceOf(AsynchronousCloseException.class, e.getCause().getCause());
        }
    }

    @Test
    void aSecondSinkOrSourceWhileOneIsOpenIsRefusedNamingThePid() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            String pid = Long.toString(ProcessHandle.current().pid());
            IllegalStateException e = assertThrows(IllegalStateException.class, ring::sink);
            assertTrue(e.getMessage().contains("pid " + pid), e.getMessage());
            e = assertThrows(IllegalStateException.class, ring::source);
            assertTrue(e.getMessage().contains("pid " + pid), e.getMessage());
            assertEquals(ProcessHandle.current().pid(), ring.stats().producerPid());
            sink.close();
            source.close();
            assertEquals(0, ring.stats().producerPid());
            ring.sink().close();
        }
    }

    @Test
    void aClosedEndRefusesEveryOperation() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            sink.close();
            source.close();
            sink.close();
            assertThrows(ClosedChannelException.class, () -> sink.write(ByteBuffer.allocate(1)));
            assertThrows(ClosedChannelException.class, () -> sink.claim(1));
            assertThrows(ClosedChannelException.class, () -> source.read(ByteBuffer.allocate(1)));
            assertThrows(ClosedChannelException.class, () -> source.drain(d -> { }, 1));
            assertFalse(sink.isOpen());
        }
        Ring closed = Ring.allocate(CAPACITY);
        closed.close();
        assertThrows(IllegalStateException.class, closed::sink);
    }

    @Test
    void aReaderBlockedForASecondUnderBlockUsesAlmostNoCpu() throws Exception {
        try (Ring ring = ring(WaitStrategy.BLOCK)) {
            ring.sink();
            RingSource source = ring.source();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            AtomicLong cpu = new AtomicLong();
            Thread reader = Thread.ofPlatform().start(() -> {
                long before = threads.getCurrentThreadCpuTime();
                try {
                    source.read(ByteBuffer.allocate(4), 1, TimeUnit.SECONDS);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
                cpu.set(threads.getCurrentThreadCpuTime() - before);
            });
            reader.join();
            // asleep in park: well under 5% of the second it waited
            assertTrue(cpu.get() < TimeUnit.MILLISECONDS.toNanos(50), "reader used " + cpu.get() + " ns of CPU");
            assertTrue(ring.stats().consumerSleeps() >= 1);
        }
    }
}
