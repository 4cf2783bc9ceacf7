package org.ringipc.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EOF, broken pipe, roles, stats, wait/timeout and the header kind of a message ring. */
class MessageRingEndsTest {

    private static final int CAPACITY = 4096;

    private static MemorySegment bytes(int n) {
        return MemorySegment.ofArray(new byte[n]);
    }

    @Test
    void pollReturnsMinusOneOnlyAfterTheSinkClosesAndEveryMessageIsHandled() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            assertEquals(0, source.poll(m -> { }, 10), "empty, sink open: 0");
            sink.write(bytes(3));
            sink.write(bytes(4));
            sink.close();
            assertEquals(2, source.poll(m -> { }, 10));
            assertEquals(-1, source.poll(m -> { }, 10));
            assertEquals(-1, source.take(m -> { }, 1, TimeUnit.SECONDS));
            assertEquals(-1, source.take(m -> { }));
        }
    }

    @Test
    void everySinkCallFailsWithBrokenPipeOnceTheSourceCloses() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            ring.source().close();
            for (var call : java.util.List.<MessageRingFramingTest.ThrowingCall>of(() -> sink.write(bytes(1)),
                    () -> sink.offer(bytes(1)), () -> sink.claim(1), () -> sink.tryClaim(1))) {
                IOException e = assertThrows(IOException.class, call::run);
                assertTrue(e.getMessage().startsWith("broken pipe"), e.getMessage());
            }
        }
    }

    @Test
    void commitFailsWithBrokenPipeWhenTheSourceClosedDuringTheClaim() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            sink.claim(8);
            source.close();
            IOException e = assertThrows(IOException.class, sink::commit);
            assertTrue(e.getMessage().startsWith("broken pipe"));
            assertEquals(0, ring.stats().writes());
        }
    }

    @Test
    void aClosedEndRefusesFurtherCallsWithClosedChannelException() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            sink.close();
            sink.close();
            source.close();
            assertFalse(sink.isOpen());
            assertFalse(source.isOpen());
            assertThrows(ClosedChannelException.class, () -> sink.write(bytes(1)));
            assertThrows(ClosedChannelException.class, () -> source.poll(m -> { }, 1));
        }
    }

    @Test
    void eachEndIsHeldByOneOpenerAtATimeAndCanBeReopenedAfterClose() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            IllegalStateException e = assertThrows(IllegalStateException.class, ring::sink);
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
            MessageSource source = ring.source();
            assertThrows(IllegalStateException.class, ring::source);
            assertEquals(ProcessHandle.current().pid(), ring.stats().producerPid());
            assertEquals(ProcessHandle.current().pid(), ring.stats().consumerPid());
            sink.close();
            assertEquals(0, ring.stats().producerPid());
            MessageSink again = ring.sink();
            again.write(bytes(5));
            assertEquals(1, source.poll(m -> assertEquals(5, m.byteSize()), 10));
        }
    }

    @Test
    void statsCountFramedBytesAndMessages() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            sink.write(bytes(5));   // record 16
            sink.write(bytes(8));   // record 16
            sink.write(bytes(9));   // record 24
            RingStats written = ring.stats();
            assertEquals(56, written.bytesWritten());
            assertEquals(3, written.writes());
            assertEquals(56, written.used());
            assertEquals(CAPACITY - 56, written.free());
            source.poll(m -> { }, 2);
            RingStats read = ring.stats();
            assertEquals(32, read.bytesRead());
            assertEquals(2, read.reads());
            assertEquals(24, read.used());
        }
    }

    @Test
    void takeReturnsZeroWhenTheTimeoutPassesWithNothingWritten() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            ring.sink();
            MessageSource source = ring.source();
            assertEquals(0, source.take(m -> { }, 2, TimeUnit.MILLISECONDS));
            assertEquals(0, source.take(m -> { }, 10, 0, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void takeWaitsForAMessageWrittenByAnotherThread() throws Exception {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            CompletableFuture<Integer> taker = CompletableFuture.supplyAsync(() -> {
                try {
                    int[] length = {-1};
                    assertEquals(1, source.take(m -> length[0] = (int) m.byteSize()));
                    return length[0];
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            sink.write(bytes(33));
            assertEquals(33, taker.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aBlockedWriterResumesWhenTheReaderMakesRoom() throws Exception {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            sink.write(bytes(2040));
            sink.write(bytes(2040));
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    sink.write(bytes(2040));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            int handled = 0;
            while (handled < 3) {
                int n = source.take(m -> { }, 10, TimeUnit.SECONDS);
                assertTrue(n > 0);
                handled += n;
            }
            writer.get(10, TimeUnit.SECONDS);
            assertEquals(3, ring.stats().reads());
        }
    }

    @Test
    void interruptingABlockedTakeClosesTheSourceWithClosedByInterrupt() throws Exception {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            ring.sink();
            MessageSource source = ring.source();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread taker = Thread.ofPlatform().start(() -> {
                try {
                    source.take(m -> { });
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            taker.interrupt();
            taker.join(10_000);
            assertInstanceOf(ClosedByInterruptException.class, failure.get());
            assertFalse(source.isOpen());
        }
    }

    @Test
    void closingTheSinkWakesABlockedTakeWithEof() throws Exception {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            CompletableFuture<Integer> taker = CompletableFuture.supplyAsync(() -> {
                try {
                    return source.take(m -> { });
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            sink.close();
            assertEquals(-1, taker.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void closingTheSourceWakesABlockedWriterWithBrokenPipe() throws Exception {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            sink.write(bytes(2040));
            sink.write(bytes(2040));
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    sink.write(bytes(2040));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            source.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> writer.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getCause().getMessage().startsWith("broken pipe"));
        }
    }

    @Test
    void writeUnderDropPolicyNeverWaitsAndCountsWhatDidNotFit() throws IOException {
        RingOptions drop = RingOptions.defaults().withOverflowPolicy(OverflowPolicy.DROP);
        try (MessageRing ring = MessageRing.allocate(CAPACITY, drop)) {
            MessageSink sink = ring.sink();
            for (int i = 0; i < 5; i++) {
                sink.write(bytes(1000));  // records of 1008: four fit
            }
            RingStats stats = ring.stats();
            assertEquals(4, stats.writes());
            assertEquals(1, stats.drops());
            assertEquals(1008, stats.bytesDropped());
        }
    }

    @Test
    void aMessageRingFormattedIntoCallerMemoryIsAttachedWithItsOptionsAndContents() throws IOException {
        RingOptions spin = RingOptions.defaults().withWaitStrategy(WaitStrategy.SPIN);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(MessageRing.requiredBytes(CAPACITY), 8);
            try (MessageRing first = MessageRing.format(memory, CAPACITY, spin)) {
                MessageSink sink = first.sink();
                sink.write(MemorySegment.ofArray(new byte[] {1, 2, 3}));
                sink.close();
            }
            MessageRing second = MessageRing.attach(memory);
            assertEquals(spin, second.options());
            assertEquals(CAPACITY, second.capacity());
            MessageSource source = second.source();
            byte[][] got = new byte[1][];
            assertEquals(1, source.poll(m -> got[0] = m.toArray(ValueLayout.JAVA_BYTE), 10));
            assertEquals(3, got[0].length);
            assertEquals(-1, source.poll(m -> { }, 10), "the sink closed through the first handle");
            second.close();
        }
    }

    @Test
    void eachRingKindRefusesToAttachTheOtherNamingTheFlags() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment messages = arena.allocate(Ring.requiredBytes(CAPACITY), 8);
            MemorySegment bytes = arena.allocate(Ring.requiredBytes(CAPACITY), 8);
            MessageRing.format(messages, CAPACITY);
            Ring.format(bytes, CAPACITY);
            RingFormatException asBytes = assertThrows(RingFormatException.class, () -> Ring.attach(messages));
            assertTrue(asBytes.getMessage().startsWith("flags=0x103: a message ring"), asBytes.getMessage());
            RingFormatException asMessages = assertThrows(RingFormatException.class, () -> MessageRing.attach(bytes));
            assertTrue(asMessages.getMessage().startsWith("flags=0x3: a byte ring"), asMessages.getMessage());
        }
    }

    @Test
    void attachRefusesPositionsOffARecordBoundary() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(MessageRing.requiredBytes(CAPACITY), 8);
            MessageRing.format(memory, CAPACITY);
            memory.set(ValueLayout.JAVA_LONG, RingLayout.offset("producer", "head"), 12L);
            RingFormatException e = assertThrows(RingFormatException.class, () -> MessageRing.attach(memory));
            assertTrue(e.getMessage().startsWith("head=12 tail=0 are not multiples of 8"), e.getMessage());
        }
    }

    @Test
    void aCorruptRecordHeaderIsReportedNotFollowed() throws IOException {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(MessageRing.requiredBytes(CAPACITY), 8);
            try (MessageRing ring = MessageRing.format(memory, CAPACITY)) {
                MessageSink sink = ring.sink();
                MessageSource source = ring.source();
                sink.write(bytes(8));
                memory.set(ValueLayout.JAVA_INT, RingLayout.HEADER_BYTES + RecordLayout.LENGTH_OFFSET, 4000);
                RingCorruptedException e = assertThrows(RingCorruptedException.class, () -> source.poll(m -> { }, 1));
                assertTrue(e.getMessage().contains("length=4000"), e.getMessage());
            }
        }
    }
}
