package org.ringipc.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The edges of an end's life — claiming, closing, abandoning a claim, taking over after a crash —
 * one test per defect that the review of the old code found (issue 10). Crashes are simulated by
 * writing into the header exactly what a process killed between two of its stores leaves behind.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EndLifecycleTest {

    private static final int CAPACITY = 4096;

    // ---- defect 3: close() racing a running call -------------------------------------------

    /**
     * A write that returns normally has every byte before EOF: close() from another thread while a
     * write copies waits for it, so the reader sees all of it (then EOF), never EOF first.
     */
    @Test
    void aWriteThatReturnsNormallyIsReadInFullEvenWhenCloseRacesIt() throws Exception {
        for (int round = 0; round < 300; round++) {
            try (Ring ring = Ring.allocate(1 << 16)) {
                RingSink sink = ring.sink();
                RingSource source = ring.source();
                AtomicLong returned = new AtomicLong();
                CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> readAll(source));
                Thread writer = Thread.ofPlatform().start(() -> {
                    ByteBuffer chunk = ByteBuffer.allocateDirect(48 * 1024);
                    try {
                        while (true) {
                            chunk.clear();
                            int n = sink.write(chunk);
                            returned.addAndGet(n);
                        }
                    } catch (IOException expected) {
                        // closed under it: this write did not return normally, it does not count
                    }
                });
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(20_000, 400_000));
                sink.close();
                writer.join();
                long read = reader.get(30, TimeUnit.SECONDS);
                assertTrue(read >= returned.get(), "round " + round + ": the writer returned normally from "
                        + returned.get() + " bytes but the reader got EOF after " + read);
            }
        }
    }

    private static long readAll(RingSource source) {
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        long total = 0;
        try {
            int n;
            while ((n = source.read(buf)) >= 0) {
                total += n;
                buf.clear();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return total;
    }

    // ---- defect 4: an abandoned MessageRing claim ------------------------------------------

    /** Bytes a claim is filled with: as a record header word they would be a corrupt record. */
    private static void fillWithJunk(MemorySegment claim) {
        claim.fill((byte) 0x41);
    }

    @Test
    void aClaimAbandonedByCloseLeavesNothingForTheNextStream() throws Exception {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSource source = ring.source();
            MessageSink first = ring.sink();
            fillWithJunk(first.claim(100));
            first.close();
            MessageSink second = ring.sink();
            second.write(ByteBuffer.wrap("8 bytes!".getBytes()));
            assertEquals(List.of("8 bytes!"), drain(source));
            assertEquals(0, source.poll(m -> { }, 10), "nothing but the one message");
        }
    }

    @Test
    void aClaimWhoseCommitFailsOnABrokenPipeIsZeroed() throws Exception {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSource gone = ring.source();
            MessageSink sink = ring.sink();
            fillWithJunk(sink.claim(100));
            gone.close();
            IOException broken = assertThrows(IOException.class, sink::commit);
            assertTrue(broken.getMessage().startsWith("broken pipe"), broken.getMessage());
            sink.close();
            MessageSource source = ring.source();
            MessageSink next = ring.sink();
            next.write(ByteBuffer.wrap("8 bytes!".getBytes()));
            assertEquals(List.of("8 bytes!"), drain(source));
            assertEquals(0, source.poll(m -> { }, 10), "nothing but the one message");
        }
    }

    @Test
    void aClaimWhoseCommitThrowsIsGivenUpWholeAndLeavesNoStalePadding() throws Exception {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSource source = ring.source();
            MessageSink sink = ring.sink();
            // move the head near the end of the data region, so the next claim needs padding
            for (int length : new int[] {1000, 1000, 1000, 800}) {   // records of 1008 x 3 + 808: index 3832
                sink.write(ByteBuffer.wrap(new byte[length]));
                assertEquals(1, drain(source).size());
            }
            MemorySegment claim = sink.claim(300);     // padding at the end, the claim at index 0
            fillWithJunk(claim);
            assertThrows(IllegalArgumentException.class, () -> sink.commit(301));
            // a refused commit leaves the claim pending (commit again, or abort); abort gives it up
            assertThrows(IllegalStateException.class, () -> sink.claim(8));
            sink.abort();
            // given up whole: whatever follows reads exactly as written
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String m = "message " + i + " " + "x".repeat(i % 37);
                sink.write(ByteBuffer.wrap(m.getBytes()));
                sent.add(m);
                if (i % 7 == 6) {
                    assertEquals(sent, drain(source));
                    sent.clear();
                }
            }
            assertEquals(sent, drain(source));
            assertEquals(0, source.poll(m -> { }, 10));
        }
    }

    private static List<String> drain(MessageSource source) throws IOException {
        List<String> got = new ArrayList<>();
        while (source.poll(m -> got.add(new String(m.toArray(ValueLayout.JAVA_BYTE))), 64) > 0) {
            // until nothing is published
        }
        return got;
    }

    // ---- defect 5: takeover after a crash between two stores -------------------------------

    /** What a producer killed after storing head and before its record's header word leaves. */
    @Test
    void aProducerKilledBetweenHeadAndHeaderWordCostsOneCountedRecordNotAStall() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(MessageRing.requiredBytes(CAPACITY), 128);
            MessageRing ring = MessageRing.format(memory, CAPACITY);
            MessageSource source = ring.source();
            long lost = RecordLayout.recordBytes(24);
            // the dead producer reserved a 24-byte message (head moved) and never published it
            memory.set(ValueLayout.JAVA_LONG, RingLayout.offset("producer", "head"), lost);
            RingObservabilityTest.pretendHeld(memory, "producer", RingObservabilityTest.deadPid());

            MessageSink sink = ring.sink();             // takes the dead producer's end over
            sink.write(ByteBuffer.wrap("after the crash".getBytes()));
            List<String> got = new ArrayList<>();
            int n = source.take(m -> got.add(new String(m.toArray(ValueLayout.JAVA_BYTE))), 5, TimeUnit.SECONDS);
            assertEquals(1, n, "the consumer skipped the lost record instead of stalling on it");
            assertEquals(List.of("after the crash"), got);
            RingStats stats = ring.stats();
            assertEquals(1, stats.lostRecords());
            assertEquals(lost, stats.lostBytes());
            ring.close();
        }
    }

    /** What a consumer killed while zeroing a batch it had handed out, before storing tail, leaves. */
    @Test
    void aConsumerKilledWhileZeroingIsFinishedByTheNextOneNotStalledOn() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(MessageRing.requiredBytes(CAPACITY), 128);
            MessageRing ring = MessageRing.format(memory, CAPACITY);
            MessageSink sink = ring.sink();
            sink.write(ByteBuffer.wrap("delivered 1".getBytes()));
            sink.write(ByteBuffer.wrap("delivered 2".getBytes()));
            long batch = 2 * RecordLayout.recordBytes("delivered 1".length());
            // the dead consumer handed both out, recorded its batch, zeroed the first record, died
            memory.set(ValueLayout.JAVA_LONG, RingLayout.offset("consumer", "batchEnd"), batch);
            MemorySegment.copy(new byte[(int) (batch / 2)], 0, memory, ValueLayout.JAVA_BYTE, RingLayout.HEADER_BYTES,
                    (int) (batch / 2));
            RingObservabilityTest.pretendHeld(memory, "consumer", RingObservabilityTest.deadPid());

            MessageSource source = ring.source();       // takes the dead consumer's end over
            sink.write(ByteBuffer.wrap("after the crash".getBytes()));
            List<String> got = new ArrayList<>();
            int n = source.take(m -> got.add(new String(m.toArray(ValueLayout.JAVA_BYTE))), 5, TimeUnit.SECONDS);
            assertEquals(1, n);
            assertEquals(List.of("after the crash"), got, "the delivered batch is not handed out twice");
            ring.close();
        }
    }

    // ---- defect 6: two handles over one memory share their doorbell ------------------------

    /**
     * A BLOCK reader on one handle is woken by a write on another handle of the same memory, not by
     * the end of its 100 ms sleep slice: the median wake-up over 15 rounds stays far below it.
     */
    @Test
    void aReaderOnOneHandleIsWokenByAWriteOnAnother() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(Ring.requiredBytes(CAPACITY), 128);
            Ring writerSide = Ring.format(memory, CAPACITY);
            Ring readerSide = Ring.attach(memory);
            RingSink sink = writerSide.sink();
            RingSource source = readerSide.source();
            long[] wake = new long[15];
            for (int i = 0; i < wake.length; i++) {
                long[] readAt = new long[1];
                Thread reader = Thread.ofPlatform().start(() -> {
                    try {
                        source.read(ByteBuffer.allocate(1));
                        readAt[0] = System.nanoTime();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                // let the reader fall asleep (announce itself as waiting)
                while (reader.getState() != Thread.State.WAITING && reader.getState() != Thread.State.TIMED_WAITING) {
                    Thread.onSpinWait();
                }
                Thread.sleep(5);
                long wroteAt = System.nanoTime();
                sink.write(ByteBuffer.wrap(new byte[] {1}));
                reader.join();
                wake[i] = readAt[0] - wroteAt;
            }
            Arrays.sort(wake);
            long median = wake[wake.length / 2];
            assertTrue(median < Duration.ofMillis(40).toNanos(), "median wake-up " + median / 1000
                    + " us: the write's doorbell did not reach the other handle's sleeper (slice 100 ms)");
            writerSide.close();
            readerSide.close();
        }
    }

    // ---- defect 7: start positions are checked when an end opens ---------------------------

    @Test
    void aScribbledHeadIsACorruptRingNotAnIndexError() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(Ring.requiredBytes(CAPACITY), 128);
            Ring ring = Ring.format(memory, CAPACITY);
            memory.set(ValueLayout.JAVA_LONG, RingLayout.offset("producer", "head"), 3L * CAPACITY + 5);
            assertThrows(RingCorruptedException.class, () -> {
                RingSource source = ring.source();
                source.read(ByteBuffer.allocate(100));
            });
            assertThrows(RingCorruptedException.class, () -> {
                RingSink sink = ring.sink();
                sink.write(ByteBuffer.allocate(100));
            });
        }
    }

    @Test
    void aMisalignedMessageTailIsACorruptRingNotAnAccessError() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(MessageRing.requiredBytes(CAPACITY), 128);
            MessageRing ring = MessageRing.format(memory, CAPACITY);
            memory.set(ValueLayout.JAVA_LONG, RingLayout.offset("producer", "head"), 16L);
            memory.set(ValueLayout.JAVA_LONG, RingLayout.offset("consumer", "tail"), 3L);
            assertThrows(RingCorruptedException.class, () -> {
                MessageSource source = ring.source();
                source.poll(m -> { }, 1);
            });
        }
    }

    // ---- defect 8: claim, then write before commit -----------------------------------------

    @Test
    void aWriteWhileAClaimIsPendingIsRefused() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            MemorySegment claim = sink.claim(100);
            claim.fill((byte) 9);
            assertThrows(IllegalStateException.class, () -> sink.write(ByteBuffer.allocate(CAPACITY)));
            assertThrows(IllegalStateException.class, () -> sink.tryWrite(ByteBuffer.allocate(10)));
            assertThrows(IllegalStateException.class, () -> sink.offer(MemorySegment.ofArray(new byte[10])));
            sink.commit(100);
            ByteBuffer got = ByteBuffer.allocate(200);
            assertEquals(100, source.read(got));
            byte[] nines = new byte[100];
            Arrays.fill(nines, (byte) 9);
            assertArrayEquals(nines, Arrays.copyOf(got.array(), 100));
            assertTrue(ring.stats().used() == 0);
        }
    }

    @Test
    void aLockedRingClaimBelongsToTheRingNotToOneOfItsSinks() throws Exception {
        try (LockedRing ring = LockedRing.allocate(CAPACITY)) {
            RingSink a = ring.sink();
            RingSink b = ring.sink();
            a.claim(100);
            assertThrows(IllegalStateException.class, () -> b.write(ByteBuffer.allocate(10)));
            assertThrows(IllegalStateException.class, () -> b.claim(10));
            a.commit(100);
            b.write(ByteBuffer.allocate(10));
            assertEquals(110, ring.stats().used());
        }
    }

    // ---- defect 10: the DMA end marker goes whole or not at all ----------------------------

    /**
     * A ring left with 8 free bytes cannot take the 16-byte end marker; close() gives up after its
     * timeout. The source must then find the burst and EOF, never half a marker.
     */
    @Test
    void theEndMarkerIsNeverWrittenInPart() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSource source = ring.source();
            int burst = CAPACITY - 8;
            BurstProducer dma = BurstProducer.start(ring.sink(), burst, Duration.ofHours(1));
            while (ring.stats().writes() < 1) {
                Thread.sleep(1);
            }
            dma.close();   // waits BurstProducer.CLOSE_TIMEOUT for room, then closes the sink
            assertEquals(burst, readAll(source), "the burst, then EOF: no part of a marker");
        }
    }
}
