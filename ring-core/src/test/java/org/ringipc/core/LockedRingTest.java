package org.ringipc.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mutex ring: many writers and readers, pipe rules (EOF, broken pipe, PIPE_BUF) and the shared interfaces. */
class LockedRingTest {

    private static final int CAPACITY = 16384;

    /** A record of {@code length} bytes: writer, sequence and length up front, then a pattern of all three. */
    static byte[] record(int writer, int seq, int length) {
        ByteBuffer b = ByteBuffer.allocate(length);
        b.putInt(writer).putInt(seq).putInt(length);
        while (b.hasRemaining()) {
            b.put((byte) (writer * 31 + seq * 7 + b.position()));
        }
        return b.array();
    }

    @ParameterizedTest(name = "{0} writers x {1} readers")
    @CsvSource({"1, 1", "4, 1", "1, 3", "4, 3"})
    void pipeBufSizedRecordsFromManyWritersReachManyReadersWholeOnceEach(int writers, int readers) throws Exception {
        final int perWriter = 300;
        final int size = LockedRing.PIPE_BUF;
        ConcurrentHashMap<Long, Integer> seen = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newCachedThreadPool();
        try (LockedRing ring = LockedRing.allocate(CAPACITY)) {
            List<RingSink> sinks = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                sinks.add(ring.sink());  // every sink is open before any reader could see EOF
            }
            List<Future<?>> tasks = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                final int writer = w;
                final RingSink sink = sinks.get(w);
                tasks.add(pool.submit((Callable<Void>) () -> {
                    try (sink) {
                        for (int s = 0; s < perWriter; s++) {
                            assertEquals(size, sink.write(ByteBuffer.wrap(record(writer, s, size))));
                        }
                    }
                    return null;
                }));
            }
            for (int r = 0; r < readers; r++) {
                final RingSource source = ring.source();
                tasks.add(pool.submit((Callable<Void>) () -> {
                    ByteBuffer buf = ByteBuffer.allocate(size);
                    // every write is one whole PIPE_BUF record, so a PIPE_BUF read takes exactly one
                    while (source.read(buf.clear()) >= 0) {
                        assertFalse(buf.hasRemaining(), "a read of a whole record");
                        int writer = buf.getInt(0);
                        int seq = buf.getInt(4);
                        assertArrayEquals(record(writer, seq, size), buf.array(), "record not interleaved");
                        seen.merge((long) writer << 32 | seq, 1, Integer::sum);
                    }
                    return null;
                }));
            }
            for (Future<?> t : tasks) {
                t.get(60, TimeUnit.SECONDS);
            }
            assertEquals(writers * perWriter, seen.size(), "none lost");
            assertTrue(seen.values().stream().allMatch(n -> n == 1), "none duplicated");
            RingStats stats = ring.stats();
            assertEquals((long) writers * perWriter * size, stats.bytesWritten());
            assertEquals(stats.bytesWritten(), stats.bytesRead());
            assertEquals((long) writers * perWriter, stats.writes());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void writesOfEveryLengthUpToPipeBufFromFourWritersNeverInterleave() throws Exception {
        final int writers = 4;
        final int perWriter = 400;
        ExecutorService pool = Executors.newCachedThreadPool();
        try (LockedRing ring = LockedRing.allocate(CAPACITY)) {
            List<Future<?>> tasks = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                final int writer = w;
                final RingSink sink = ring.sink();
                tasks.add(pool.submit((Callable<Void>) () -> {
                    try (sink) {
                        for (int s = 0; s < perWriter; s++) {
                            int length = 12 + (s * 977 + writer * 131) % (LockedRing.PIPE_BUF - 11);
                            byte[] rec = record(writer, s, length);
                            if (s % 2 == 0) {
                                sink.write(MemorySegment.ofArray(rec));
                            } else {
                                while (sink.tryWrite(ByteBuffer.wrap(rec)) == 0) {
                                    Thread.onSpinWait();  // all or nothing: retry until it fits whole
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            // one reader re-frames the stream by the length field: an interleaved write would break it
            RingSource source = ring.source();
            ByteBuffer stream = ByteBuffer.allocate(64 * 1024);
            int[] next = new int[writers];
            int records = 0;
            while (source.read(stream) >= 0) {
                stream.flip();
                while (stream.remaining() >= 12 && stream.remaining() >= stream.getInt(stream.position() + 8)) {
                    int writer = stream.getInt(stream.position());
                    int seq = stream.getInt(stream.position() + 4);
                    byte[] got = new byte[stream.getInt(stream.position() + 8)];
                    stream.get(got);
                    assertEquals(next[writer]++, seq, "each writer's records in order");
                    assertArrayEquals(record(writer, seq, got.length), got);
                    records++;
                }
                stream.compact();
            }
            for (Future<?> t : tasks) {
                t.get(60, TimeUnit.SECONDS);
            }
            assertEquals(writers * perWriter, records);
            assertEquals(0, stream.position(), "nothing left over");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void readersSeeEofOnlyOnceEverySinkIsClosedAndTheRingIsDrained() throws IOException {
        try (LockedRing ring = LockedRing.allocate(CAPACITY)) {
            RingSource source = ring.source();
            ByteBuffer buf = ByteBuffer.allocate(16);
            assertEquals(0, source.tryRead(buf), "no sink opened yet: empty, not EOF");
            RingSink a = ring.sink();
            RingSink b = ring.sink();
            a.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            a.close();
            assertEquals(3, source.tryRead(buf));
            assertEquals(0, source.tryRead(buf), "one sink still open");
            b.write(ByteBuffer.wrap(new byte[] {4}));
            b.close();
            assertEquals(1, source.read(buf));
            assertEquals(-1, source.read(buf));
            assertEquals(-1, source.read(buf, 1, TimeUnit.SECONDS));
        }
    }

    @Test
    void writersFailWithBrokenPipeOnlyOnceEverySourceIsClosed() throws IOException {
        try (LockedRing ring = LockedRing.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            assertEquals(1, sink.write(ByteBuffer.wrap(new byte[1])), "no source opened yet: the ring buffers");
            RingSource a = ring.source();
            RingSource b = ring.source();
            a.close();
            assertEquals(1, sink.write(ByteBuffer.wrap(new byte[1])));
            b.close();
            IOException e = assertThrows(IOException.class, () -> sink.write(ByteBuffer.wrap(new byte[1])));
            assertTrue(e.getMessage().startsWith("broken pipe"), e.getMessage());
        }
    }

    @Test
    void tryWriteOfAtMostPipeBufIsAllOrNothingAndLargerOnesGoInPieces() throws IOException {
        try (LockedRing ring = LockedRing.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            sink.write(MemorySegment.ofArray(new byte[CAPACITY - 100]));
            ByteBuffer small = ByteBuffer.wrap(new byte[101]);
            assertEquals(0, sink.tryWrite(small));
            assertEquals(0, small.position());
            ByteBuffer large = ByteBuffer.wrap(new byte[LockedRing.PIPE_BUF + 1]);
            assertEquals(100, sink.tryWrite(large));
            assertEquals(100, large.position());
            assertEquals(CAPACITY, ring.stats().used());
        }
    }

    @Test
    void offerThatDoesNotFitIsRefusedWholeAndCountedAsADrop() throws IOException {
        try (LockedRing ring = LockedRing.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            assertTrue(sink.offer(MemorySegment.ofArray(new byte[CAPACITY - 10])));
            assertFalse(sink.offer(MemorySegment.ofArray(new byte[11])));
            assertTrue(sink.offer(MemorySegment.ofArray(new byte[10])));
            RingStats stats = ring.stats();
            assertEquals(1, stats.drops());
            assertEquals(11, stats.bytesDropped());
            assertEquals(2, stats.writes());
            assertEquals(CAPACITY, stats.bytesWritten());
        }
    }

    @Test
    void underDropAWriteThatDoesNotFitIsDiscardedWholeAndCountedWithoutWaiting() throws IOException {
        try (LockedRing ring = LockedRing.allocate(4096, RingOptions.defaults().withOverflowPolicy(OverflowPolicy.DROP))) {
            assertEquals(OverflowPolicy.DROP, ring.options().overflowPolicy());
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            assertEquals(4000, sink.write(ByteBuffer.wrap(new byte[4000])));
            ByteBuffer late = ByteBuffer.wrap(new byte[200]);
            assertEquals(0, sink.write(late), "no room for 200: dropped at once, no wait");
            assertFalse(late.hasRemaining(), "a dropped buffer is consumed, as Ring's is");
            assertEquals(0, sink.write(MemorySegment.ofArray(new byte[97])));
            assertEquals(96, sink.write(ByteBuffer.wrap(new byte[96])), "what fits exactly still goes in");
            RingStats stats = ring.stats();
            assertEquals(2, stats.drops());
            assertEquals(297, stats.bytesDropped());
            assertEquals(4096, stats.used());
            assertEquals(4096, source.read(ByteBuffer.allocate(8192)));
            assertEquals(0, sink.write(MemorySegment.ofArray(new byte[5000])), "larger than the ring: dropped, not streamed");
            assertEquals(3, ring.stats().drops());
            assertEquals(0, ring.stats().used());
        }
    }

    @Test
    void aWriteLargerThanTheRingStreamsThroughToAReader() throws Exception {
        try (LockedRing ring = LockedRing.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            byte[] big = record(9, 9, CAPACITY * 3 + 5);
            Thread writer = Thread.ofPlatform().start(() -> {
                try (sink) {
                    sink.write(ByteBuffer.wrap(big));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            ByteBuffer got = ByteBuffer.allocate(big.length + 1);
            while (source.read(got) >= 0) {
                // until EOF
            }
            writer.join();
            assertArrayEquals(big, java.util.Arrays.copyOf(got.array(), got.position()));
            assertEquals(1, ring.stats().writes(), "one write, in pieces");
        }
    }

    @Test
    void claimCommitAndDrainWorkUnderTheLock() throws IOException {
        try (LockedRing ring = LockedRing.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            MemorySegment slot = sink.claim(8);
            assertEquals(CAPACITY, slot.byteSize());
            slot.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 77L);
            sink.commit(8);
            long[] seen = new long[1];
            assertEquals(8, source.drain(s -> seen[0] = s.get(ValueLayout.JAVA_LONG_UNALIGNED, 0), 100));
            assertEquals(77L, seen[0]);
            assertEquals(0, source.drain(s -> { }, 100));
            assertThrows(IllegalArgumentException.class, () -> sink.commit(1), "nothing claimed");
            sink.close();
            assertEquals(-1, source.drain(s -> { }, 100));
        }
    }

    @Test
    void readWithATimeoutReturnsZeroWhenNothingCame() throws IOException {
        try (LockedRing ring = LockedRing.allocate(CAPACITY)) {
            ring.sink();
            assertEquals(0, ring.source().read(ByteBuffer.allocate(8), 2, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void interruptingABlockedReadClosesThatSourceWithClosedByInterrupt() throws Exception {
        try (LockedRing ring = LockedRing.allocate(CAPACITY)) {
            ring.sink();
            RingSource source = ring.source();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    source.read(ByteBuffer.allocate(8));
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            reader.interrupt();
            reader.join(10_000);
            assertInstanceOf(ClosedByInterruptException.class, failure.get());
            assertFalse(source.isOpen());
        }
    }

    @Test
    void closingTheRingWakesABlockedWriterWithAsynchronousClose() throws Exception {
        LockedRing ring = LockedRing.allocate(CAPACITY);
        RingSink sink = ring.sink();
        ring.source();
        sink.write(MemorySegment.ofArray(new byte[CAPACITY]));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                sink.write(ByteBuffer.allocate(1));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        while (ring.stats().producerSleeps() == 0) {
            Thread.onSpinWait();  // until the writer waits for room
        }
        ring.close();
        writer.join(10_000);
        assertInstanceOf(AsynchronousCloseException.class, failure.get());
        assertThrows(IllegalStateException.class, ring::sink);
    }
}
