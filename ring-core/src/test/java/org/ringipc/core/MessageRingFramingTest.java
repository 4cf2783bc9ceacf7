package org.ringipc.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Records keep their boundaries and bytes wherever the head stands, at the wrap and at the size limits. */
class MessageRingFramingTest {

    private static final int CAPACITY = 4096;
    private static final int MAX = CAPACITY / 2 - 8;

    /** The bytes of message {@code seq}: a pattern the reader can check without being told it. */
    static byte[] payload(long seq, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seq * 31 + i * 7);
        }
        return bytes;
    }

    private static List<byte[]> pollAll(MessageSource source) throws IOException {
        List<byte[]> got = new ArrayList<>();
        while (source.poll(m -> got.add(m.toArray(ValueLayout.JAVA_BYTE)), Integer.MAX_VALUE) > 0) {
            // keep polling until empty
        }
        return got;
    }

    /** Two records through the ring, so the next record starts 64 bytes before the end of the data region. */
    private static void leave64BytesBeforeTheEnd(MessageSink sink, MessageSource source) throws IOException {
        sink.write(MemorySegment.ofArray(new byte[MAX]));
        sink.write(MemorySegment.ofArray(new byte[MAX - 64]));
        pollAll(source);
    }

    @Test
    void largestMessageIsHalfTheRingLessAnEightByteHeader() {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            assertEquals(2040, ring.maxMessageLength());
            assertEquals(2040, RecordLayout.maxMessageLength(CAPACITY));
            assertEquals((1 << 29) - 8, RecordLayout.maxMessageLength(1 << 30));
        }
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {0, 1, 7, 8, 9, 511, 1024, MAX - 1, MAX})
    void messagesOfEdgeLengthsComeOutWholeAtEveryHeadPositionAcrossTheWrap(int length) throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            // an 8-byte filler record moves the head by 8 each round, so the test message starts at every
            // aligned index of the data region, including those where it must wrap behind padding
            for (int round = 0; round < CAPACITY / 8 + 2; round++) {
                sink.write(MemorySegment.ofArray(new byte[0]));
                sink.write(MemorySegment.ofArray(payload(round, length)));
                List<byte[]> got = pollAll(source);
                assertEquals(2, got.size());
                assertEquals(0, got.get(0).length);
                assertArrayEquals(payload(round, length), got.get(1), "round " + round);
            }
            RingStats stats = ring.stats();
            assertEquals(stats.bytesWritten(), stats.bytesRead());
            assertEquals(2L * (CAPACITY / 8 + 2), stats.writes());
            assertEquals(stats.writes(), stats.reads());
        }
    }

    @ParameterizedTest(name = "{0} bytes left before the end")
    @ValueSource(ints = {8, 16, 24, 2040})
    void recordThatDoesNotFitBeforeTheEndIsPaddedAndStartsAtIndexZero(int toEnd) throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            int filler = CAPACITY - toEnd;  // one or two records that leave the head toEnd bytes short of the end
            while (filler > 0) {
                int record = Math.min(filler, MAX + 8);
                sink.write(MemorySegment.ofArray(new byte[record - 8]));
                filler -= record;
            }
            pollAll(source);
            long before = ring.stats().bytesWritten();
            byte[] msg = payload(7, toEnd);  // its record is toEnd + 8 bytes: one aligned step too long
            sink.write(MemorySegment.ofArray(msg));
            assertEquals(toEnd + (toEnd + 8), ring.stats().bytesWritten() - before, "padding plus record");
            List<byte[]> got = pollAll(source);
            assertEquals(1, got.size(), "the padding record is not a message");
            assertArrayEquals(msg, got.get(0));
        }
    }

    @Test
    void recordThatEndsExactlyAtTheEndNeedsNoPadding() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            sink.write(MemorySegment.ofArray(new byte[MAX]));     // 2048 bytes of record
            sink.write(MemorySegment.ofArray(new byte[MAX - 8])); // 2040: the head stops 8 short of the end
            pollAll(source);
            sink.write(MemorySegment.ofArray(new byte[0]));       // exactly the last 8 bytes
            assertEquals(CAPACITY, ring.stats().bytesWritten());
            assertEquals(1, source.poll(m -> assertEquals(0, m.byteSize()), 10));
        }
    }

    @Test
    void messageLongerThanTheLargestIsRefusedNamingItsLength() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MemorySegment tooLong = MemorySegment.ofArray(new byte[MAX + 1]);
            for (var call : List.<ThrowingCall>of(() -> sink.offer(tooLong), () -> sink.write(tooLong),
                    () -> sink.offer(ByteBuffer.allocate(MAX + 1)), () -> sink.claim(MAX + 1),
                    () -> sink.tryClaim(MAX + 1), () -> sink.claim(-1))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
                assertTrue(e.getMessage().matches("length=(2041|-1) is not in 0 \\.\\. maxMessageLength=2040 .*"),
                        e.getMessage());
            }
            assertEquals(0, ring.stats().writes());
            assertEquals(0, ring.stats().drops(), "a caller bug is not a drop");
        }
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void offerRefusesWhatDoesNotFitAndCountsTheFramedRecordAsDropped() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            assertTrue(sink.offer(MemorySegment.ofArray(new byte[MAX])));
            assertTrue(sink.offer(MemorySegment.ofArray(new byte[MAX - 8])));
            ByteBuffer buffer = ByteBuffer.wrap(new byte[100]);
            assertFalse(sink.offer(buffer));
            assertEquals(0, buffer.position(), "a refused buffer is left as it was");
            assertFalse(sink.offer(MemorySegment.ofArray(new byte[1])));
            RingStats stats = ring.stats();
            assertEquals(2, stats.drops());
            assertEquals(112 + 16, stats.bytesDropped());
            assertEquals(2, stats.writes());
            assertEquals(CAPACITY - 8, stats.used());
        }
    }

    @Test
    void offeredByteBufferIsConsumedAndArrivesWhole() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            ByteBuffer direct = ByteBuffer.allocateDirect(64).put(payload(3, 64)).flip().position(10);
            assertTrue(sink.offer(direct));
            assertEquals(64, direct.position());
            sink.write(ByteBuffer.wrap(payload(4, 5)));
            List<byte[]> got = pollAll(source);
            assertArrayEquals(java.util.Arrays.copyOfRange(payload(3, 64), 10, 64), got.get(0));
            assertArrayEquals(payload(4, 5), got.get(1));
        }
    }

    @Test
    void claimedSliceIsInvisibleUntilCommitAndThenArrivesInPlace() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            MemorySegment slot = sink.claim(16);
            assertEquals(16, slot.byteSize());
            slot.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 42L);
            slot.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, 43L);
            assertEquals(0, source.poll(m -> { }, 10), "nothing before commit");
            sink.commit();
            long[] seen = new long[2];
            assertEquals(1, source.poll(m -> {
                seen[0] = m.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                seen[1] = m.get(ValueLayout.JAVA_LONG_UNALIGNED, 8);
            }, 10));
            assertArrayEquals(new long[] {42, 43}, seen);
        }
    }

    @Test
    void commitOfFewerBytesThanClaimedPublishesOnlyThoseAndFreesTheRest() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            MemorySegment slot = sink.claim(MAX);
            MemorySegment.copy(MemorySegment.ofArray(payload(1, 3)), 0, slot, 0, 3);
            sink.commit(3);
            assertEquals(16, ring.stats().bytesWritten());
            assertArrayEquals(payload(1, 3), pollAll(source).get(0));
            assertThrows(IllegalArgumentException.class, () -> {
                sink.claim(10);
                sink.commit(11);
            });
        }
    }

    @Test
    void abortedClaimPublishesNothingAndGivesTheRoomBack() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            for (int i = 0; i < 10; i++) {
                sink.claim(MAX).fill((byte) 1);
                sink.abort();
            }
            sink.abort();  // nothing pending: does nothing
            assertEquals(0, ring.stats().bytesWritten());
            sink.write(MemorySegment.ofArray(payload(9, 9)));
            assertArrayEquals(payload(9, 9), pollAll(source).get(0));
        }
    }

    @Test
    void theUnusedEndOfAShortCommitReadsAsNothingWhereTheNextRecordsGo() throws IOException {
        // the consumer trusts any non-zero header word: the claim's unpublished bytes must not look like one
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            sink.claim(MAX).fill((byte) 0x55);
            sink.commit(3);
            sink.write(MemorySegment.ofArray(payload(2, 5)));
            sink.write(MemorySegment.ofArray(payload(3, 0)));
            List<byte[]> got = pollAll(source);
            assertEquals(3, got.size());
            assertArrayEquals(new byte[] {0x55, 0x55, 0x55}, got.get(0));
            assertArrayEquals(payload(2, 5), got.get(1));
            assertEquals(0, got.get(2).length);
            assertEquals(0, source.poll(m -> { }, 1));
        }
    }

    @Test
    void anAbortedClaimBehindTheWrapLeavesNoPaddingForTheConsumerToFollow() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            leave64BytesBeforeTheEnd(sink, source);
            sink.claim(100).fill((byte) 7);  // 64 bytes left before the end: would need padding
            sink.abort();
            sink.write(MemorySegment.ofArray(payload(4, 40)));  // fits before the end: no padding
            sink.write(MemorySegment.ofArray(payload(5, 100))); // does not: padding, then index 0
            List<byte[]> got = pollAll(source);
            assertEquals(2, got.size());
            assertArrayEquals(payload(4, 40), got.get(0));
            assertArrayEquals(payload(5, 100), got.get(1));
            RingStats stats = ring.stats();
            assertEquals(stats.bytesWritten(), stats.bytesRead());
            assertEquals(0, stats.used());
        }
    }

    @Test
    void aBatchOverAFullRingTakesEachRecordOnceAndStopsAfterOneLap() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            sink.write(MemorySegment.ofArray(new byte[24]));
            pollAll(source);  // start at index 32, so the full ring wraps and its last record ends where the first begins
            int offered = 0;
            while (sink.offer(MemorySegment.ofArray(payload(offered, 24)))) {
                offered++;
            }
            assertEquals(CAPACITY, ring.stats().used(), "32-byte records fill the ring exactly");
            List<byte[]> got = new ArrayList<>();
            assertEquals(offered, source.poll(m -> got.add(m.toArray(ValueLayout.JAVA_BYTE)), Integer.MAX_VALUE));
            for (int i = 0; i < offered; i++) {
                assertArrayEquals(payload(i, 24), got.get(i), "message " + i);
            }
            assertEquals(0, source.poll(m -> { }, Integer.MAX_VALUE));
        }
    }

    @Test
    void formatOverMemoryFullOfGarbageGivesAnEmptyRing() throws IOException {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(MessageRing.requiredBytes(CAPACITY), 8).fill((byte) 0x5A);
            try (MessageRing ring = MessageRing.format(memory, CAPACITY)) {
                MessageSource source = ring.source();
                assertEquals(0, source.poll(m -> { }, 1));
                ring.sink().write(MemorySegment.ofArray(payload(1, 12)));
                assertArrayEquals(payload(1, 12), pollAll(source).get(0));
            }
        }
    }

    @Test
    void claimedSliceBehindWrapPaddingStartsTheDataRegion() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            leave64BytesBeforeTheEnd(sink, source);
            MemorySegment slot = sink.claim(100);  // 64 bytes left before the end: padding, then index 0
            MemorySegment.copy(MemorySegment.ofArray(payload(5, 100)), 0, slot, 0, 100);
            sink.commit();
            assertArrayEquals(payload(5, 100), pollAll(source).get(0));
        }
    }

    @Test
    void aSecondClaimOrAWriteWhileAClaimIsPendingIsRefusedAndCommitWithoutClaimToo() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            assertThrows(IllegalStateException.class, sink::commit);
            sink.claim(8);
            assertThrows(IllegalStateException.class, () -> sink.claim(8));
            assertThrows(IllegalStateException.class, () -> sink.write(MemorySegment.ofArray(new byte[1])));
            assertThrows(IllegalStateException.class, () -> sink.offer(MemorySegment.ofArray(new byte[1])));
            sink.commit();
            assertThrows(IllegalStateException.class, () -> sink.commit(0));
        }
    }

    @Test
    void tryClaimReturnsNullWhenFullWithoutCountingADrop() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            sink.write(MemorySegment.ofArray(new byte[MAX]));
            sink.write(MemorySegment.ofArray(new byte[MAX]));
            assertNull(sink.tryClaim(0));
            assertEquals(0, ring.stats().drops());
        }
    }

    @Test
    void pollHandsAtMostLimitMessagesAndReleasesTheTailOncePerBatch() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            for (int i = 0; i < 10; i++) {
                sink.write(MemorySegment.ofArray(payload(i, 4)));
            }
            List<Long> bytesReadDuringBatch = new ArrayList<>();
            assertEquals(3, source.poll(m -> bytesReadDuringBatch.add(ring.stats().bytesRead()), 3));
            assertEquals(List.of(0L, 0L, 0L), bytesReadDuringBatch, "the tail moves after the batch, not per message");
            assertEquals(3 * 16, ring.stats().bytesRead());
            assertEquals(3, ring.stats().reads());
            assertEquals(7, source.poll(m -> { }, 100));
            assertEquals(0, source.poll(m -> { }, 100));
        }
    }

    @Test
    void handlerThatThrowsConsumesTheMessagesUpToItsOwnAndLeavesTheRest() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            for (int i = 0; i < 5; i++) {
                sink.write(MemorySegment.ofArray(new byte[] {(byte) i}));
            }
            List<Byte> seen = new ArrayList<>();
            assertThrows(IllegalStateException.class, () -> source.poll(m -> {
                seen.add(m.get(ValueLayout.JAVA_BYTE, 0));
                if (seen.size() == 2) {
                    throw new IllegalStateException("handler failed");
                }
            }, 10));
            assertEquals(3, source.poll(m -> seen.add(m.get(ValueLayout.JAVA_BYTE, 0)), 10));
            assertEquals(List.of((byte) 0, (byte) 1, (byte) 2, (byte) 3, (byte) 4), seen);
        }
    }

    @Test
    void handlerSeesAReadOnlySlice() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            sink.write(MemorySegment.ofArray(new byte[8]));
            source.poll(m -> assertTrue(m.isReadOnly()), 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(WaitStrategy.class)
    void aStreamOfMixedLengthsCrossesThreadsIntactUnderEveryWaitStrategy(WaitStrategy strategy) throws Exception {
        final int count = 5_000;
        try (MessageRing ring = MessageRing.allocate(CAPACITY, RingOptions.defaults().withWaitStrategy(strategy))) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
                try (sink) {
                    for (int i = 0; i < count; i++) {
                        int length = (int) ((i * 2654435761L) % (MAX + 1)) >> (i % 5);
                        if (i % 3 == 0) {
                            MemorySegment slot = sink.claim(length);
                            MemorySegment.copy(MemorySegment.ofArray(payload(i, length)), 0, slot, 0, length);
                            sink.commit();
                        } else {
                            sink.write(MemorySegment.ofArray(payload(i, length)));
                        }
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            long[] next = {0};
            int n;
            while ((n = source.take(m -> {
                byte[] got = m.toArray(ValueLayout.JAVA_BYTE);
                assertArrayEquals(payload(next[0], got.length), got, "message " + next[0]);
                next[0]++;
            }, 64, 10, TimeUnit.SECONDS)) >= 0) {
                assertTrue(n > 0, "a 10 s take timed out before EOF");
            }
            producer.get();
            assertEquals(count, next[0]);
            assertEquals(count, ring.stats().reads());
            assertEquals(ring.stats().bytesWritten(), ring.stats().bytesRead());
        }
    }
}
