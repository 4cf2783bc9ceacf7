package org.ringipc.core;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Claim/commit, in-place drain, all-or-nothing offers, the DROP policy, and exact counters. */
class RingZeroCopyAndStatsTest {

    private static final int CAPACITY = 4096;

    @Test
    void statsCountEveryByteAndOperationExactly() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            sink.write(ByteBuffer.allocate(1000));
            sink.write(ByteBuffer.allocate(24));
            source.read(ByteBuffer.allocate(100));
            RingStats stats = ring.stats();
            // one stream so far; nothing lost to a crash
            assertEquals(new RingStats(CAPACITY, 924, CAPACITY - 924, 1024, 100, 0, 2, 1, 0, 0, 0,
                    ProcessHandle.current().pid(), ProcessHandle.current().pid(), 0, 0, 1), stats);
        }
    }

    @Test
    void offerIsAllOrNothingAndCountsARefusalAsADrop() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            assertTrue(sink.offer(MemorySegment.ofArray(new byte[CAPACITY - 10])));
            assertFalse(sink.offer(MemorySegment.ofArray(new byte[11])));
            assertTrue(sink.offer(MemorySegment.ofArray(new byte[10])));
            RingStats stats = ring.stats();
            assertEquals(CAPACITY, stats.used());
            assertEquals(1, stats.drops());
            assertEquals(11, stats.bytesDropped());
            assertEquals(2, stats.writes());
        }
    }

    @Test
    void tryWriteWritesWhatFitsAndReturnsZeroWhenFull() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            ByteBuffer big = ByteBuffer.allocate(CAPACITY + 100);
            assertEquals(CAPACITY, sink.tryWrite(big));
            assertEquals(100, big.remaining());
            assertEquals(0, sink.tryWrite(big));
            assertEquals(0, sink.tryWrite(MemorySegment.ofArray(new byte[5])));
        }
    }

    @Test
    void underDropAWriteThatDoesNotFitIsDiscardedWholeAndCounted() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY, RingOptions.defaults().withOverflowPolicy(OverflowPolicy.DROP))) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            assertEquals(4000, sink.write(ByteBuffer.wrap(RingTransferTest.pattern(4000, 1))));
            ByteBuffer dropped = ByteBuffer.allocate(200);
            assertEquals(0, sink.write(dropped));
            assertFalse(dropped.hasRemaining());
            assertEquals(0, sink.write(MemorySegment.ofArray(new byte[CAPACITY + 1])));
            assertEquals(96, sink.write(ByteBuffer.allocate(96)));
            RingStats stats = ring.stats();
            assertEquals(2, stats.drops());
            assertEquals(200 + CAPACITY + 1, stats.bytesDropped());
            assertEquals(4096, stats.bytesWritten());
            ByteBuffer in = ByteBuffer.allocate(4000);
            assertEquals(4000, source.read(in));
            assertArrayEquals(RingTransferTest.pattern(4000, 1), in.array());
        }
    }

    @Test
    void claimedBytesAreInvisibleUntilCommittedAndOnlyTheCommittedPartIsPublished() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            MemorySegment slot = sink.claim(100);
            assertEquals(CAPACITY, slot.byteSize());
            slot.asSlice(0, 5).fill((byte) 7);
            assertEquals(0, source.tryRead(ByteBuffer.allocate(10)));
            sink.commit(5);
            ByteBuffer in = ByteBuffer.allocate(10);
            assertEquals(5, source.tryRead(in));
            assertArrayEquals(new byte[]{7, 7, 7, 7, 7}, java.util.Arrays.copyOf(in.array(), 5));
            assertThrows(IllegalArgumentException.class, () -> sink.commit(1));
            assertThrows(IllegalArgumentException.class, () -> sink.claim(0));
            assertThrows(IllegalArgumentException.class, () -> sink.claim(CAPACITY + 1));
        }
    }

    @Test
    void aClaimNeverSpansTheWrapPoint() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            sink.write(ByteBuffer.allocate(CAPACITY - 10));
            source.read(ByteBuffer.allocate(CAPACITY));
            MemorySegment tailEnd = sink.claim(1);
            assertEquals(10, tailEnd.byteSize());
            // claim(100) with 10 bytes to the wrap point: never a shorter slice (ClaimNearWrapTest)
            assertThrows(IllegalStateException.class, () -> sink.claim(100));
            tailEnd.fill((byte) 1);
            sink.commit(10);
            MemorySegment wrapped = sink.claim(100);
            assertEquals(CAPACITY - 10, wrapped.byteSize());
            wrapped.asSlice(0, 3).fill((byte) 2);
            sink.commit(3);
            ByteBuffer in = ByteBuffer.allocate(13);
            assertEquals(13, source.read(in));
            assertArrayEquals(new byte[]{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2}, in.array());
        }
    }

    @Test
    void tryClaimReturnsAnEmptySegmentWhenTheRingIsFull() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            sink.write(ByteBuffer.allocate(100));
            source.read(ByteBuffer.allocate(100));
            sink.write(ByteBuffer.allocate(CAPACITY - 8));
            assertEquals(0, sink.tryClaim(9).byteSize());
            assertEquals(8, sink.tryClaim(8).byteSize());
        }
    }

    @Test
    void drainHandsOutReadOnlySlicesInPlaceSplitAtTheWrap() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            sink.write(ByteBuffer.allocate(CAPACITY - 4));
            source.read(ByteBuffer.allocate(CAPACITY));
            byte[] expected = RingTransferTest.pattern(12, 4);
            sink.write(ByteBuffer.wrap(expected));
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            int[] calls = {0};
            long n = source.drain(data -> {
                calls[0]++;
                assertTrue(data.isReadOnly());
                seen.writeBytes(data.toArray(ValueLayout.JAVA_BYTE));
            }, 100);
            assertEquals(12, n);
            assertEquals(2, calls[0]);
            assertArrayEquals(expected, seen.toByteArray());
            assertEquals(0, source.drain(data -> { }, 100));
            assertEquals(0, ring.stats().used());
        }
    }

    @Test
    void drainConsumesNoMoreThanMaxBytes() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            sink.write(ByteBuffer.allocate(100));
            assertEquals(30, source.drain(data -> assertEquals(30, data.byteSize()), 30));
            assertEquals(70, ring.stats().used());
        }
    }
}
