package org.ringipc.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulated DMA engine and its verifier: every burst accounted for as received, dropped or (never) corrupt. */
class BurstEngineTest {

    private static final Duration FAST = Duration.ofMillis(1);

    /** A ring kind under test: the lock-free byte ring or the mutex ring, through the same interfaces. */
    private record Pipe(RingSink sink, RingSource source, Runnable closer, Supplier<RingStats> stats)
            implements AutoCloseable {
        static Pipe of(String kind, int capacity) {
            if (kind.equals("locked")) {
                LockedRing ring = LockedRing.allocate(capacity);
                return new Pipe(ring.sink(), ring.source(), ring::close, ring::stats);
            }
            Ring ring = Ring.allocate(capacity);
            return new Pipe(ring.sink(), ring.source(), ring::close, ring::stats);
        }

        @Override
        public void close() {
            closer.run();
        }
    }

    private static CompletableFuture<BurstReport> verifyAsync(RingSource source) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return BurstVerifier.verify(source);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    /** Waits for a condition the test cannot hurry (the engine's clock), checking every millisecond. */
    static void awaitCondition(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached within 30 s");
            LockSupport.parkNanos(1_000_000);
        }
    }

    @ParameterizedTest(name = "{0} ring")
    @ValueSource(strings = {"lock-free", "locked"})
    void aFastConsumerReceivesEveryBurstWithNoGapsAndNothingCorrupt(String kind) throws Exception {
        // two thousand bursts of slack: no drop without a stall of seconds
        try (Pipe pipe = Pipe.of(kind, 1 << 20)) {
            CompletableFuture<BurstReport> report = verifyAsync(pipe.source());
            BurstProducer dma = BurstProducer.start(pipe.sink(), 512, FAST);
            awaitCondition(() -> dma.burstsSent() >= 100);
            dma.close();
            BurstReport r = report.get(30, TimeUnit.SECONDS);
            assertEquals(0, dma.burstsDropped());
            assertEquals(new BurstReport(dma.burstsSent(), dma.burstsSent() * 512, 0, 0), r);
            assertEquals(0, pipe.stats().get().drops());
        }
    }

    @ParameterizedTest(name = "{0} ring")
    @ValueSource(strings = {"lock-free", "locked"})
    void aSlowedConsumerSeesGapsEqualToTheProducersDropsExactlyAndNothingCorrupt(String kind) throws Exception {
        // eight bursts: a consumer that dawdles makes the engine drop
        try (Pipe pipe = Pipe.of(kind, 4096)) {
            BurstProducer dma = BurstProducer.start(pipe.sink(), 512, FAST);
            awaitCondition(() -> dma.burstsDropped() >= 10);  // nobody reads yet: the ring fills, then drops
            CompletableFuture<BurstReport> report = verifyAsync(new SlowSource(pipe.source()));
            awaitCondition(() -> dma.burstsDropped() >= 30 && dma.burstsSent() >= 30);
            dma.close();
            BurstReport r = report.get(30, TimeUnit.SECONDS);
            assertEquals(dma.burstsDropped(), r.gaps(), "every drop is a gap, every gap a drop");
            assertEquals(dma.burstsSent(), r.bursts());
            assertEquals(dma.burstsSent() * 512, r.bytes());
            assertEquals(0, r.corrupt());
            RingStats stats = pipe.stats().get();
            assertEquals(dma.burstsDropped(), stats.drops(), "the ring counted the same drops");
            assertEquals(dma.burstsDropped() * 512, stats.bytesDropped());
        }
    }

    @Test
    void onADropRingFullAtCloseTheEndMarkerWaitsForRoomSoTrailingDropsStillCountAsGaps() throws Exception {
        // the last bursts are dropped with nobody reading: only the end marker tells the verifier
        // they existed, and under DROP a blocking write would have discarded the marker whole
        try (Ring ring = Ring.allocate(4096, RingOptions.defaults().withOverflowPolicy(OverflowPolicy.DROP))) {
            BurstProducer dma = BurstProducer.start(ring.sink(), 512, FAST);
            awaitCondition(() -> dma.burstsDropped() >= 5);
            // its own thread: the common pool may have one worker, which the verifier needs
            Thread closing = Thread.ofPlatform().start(dma::close);
            BurstReport r = verifyAsync(ring.source()).get(30, TimeUnit.SECONDS);
            closing.join(30_000);
            assertNull(dma.failure());
            assertEquals(dma.burstsDropped(), r.gaps(), "the trailing drops are gaps too");
            assertEquals(dma.burstsSent(), r.bursts());
            assertEquals(0, r.corrupt());
            assertEquals(dma.burstsDropped(), ring.stats().drops(), "waiting for room for the marker is no drop");
        }
    }

    @Test
    void closeNeverLetsAScheduledBurstFindTheSinkClosed() throws Exception {
        // close queues the end marker; a burst that fell due between that and the shutdown once ran
        // after the marker and met a closed sink (ClosedChannelException as the engine's failure).
        // The verifier reads meanwhile: with nobody reading, a test thread paused for 128 ms under
        // load let 1 ms bursts fill a 64 KiB ring, and close then rightly gave up on the marker
        // (aCloseThatFindsNoRoomForTheEndMarker...)
        for (int round = 0; round < 200; round++) {
            try (Ring ring = Ring.allocate(1 << 20)) {
                CompletableFuture<BurstReport> report = verifyAsync(ring.source());
                BurstProducer dma = BurstProducer.start(ring.sink(), 512, FAST);
                awaitCondition(() -> dma.burstsSent() >= 2);
                dma.close();
                assertNull(dma.failure(), "round " + round);
                BurstReport r = report.get(30, TimeUnit.SECONDS);
                assertEquals(new BurstReport(dma.burstsSent(), dma.burstsSent() * 512, dma.burstsDropped(), 0), r,
                        "round " + round);
            }
        }
    }

    @Test
    void aCloseThatFindsNoRoomForTheEndMarkerSaysSoRatherThanReportingTheSinkItClosed() throws Exception {
        try (Ring ring = Ring.allocate(4096)) {
            BurstProducer dma = BurstProducer.start(ring.sink(), 512, FAST);
            awaitCondition(() -> dma.burstsDropped() >= 1);  // nobody reads: the ring is full
            dma.close();  // waits CLOSE_TIMEOUT for room, then closes the sink under the marker
            IOException failure = dma.failure();
            assertNotNull(failure, "the marker was not written: that is a failure");
            assertFalse(failure instanceof java.nio.channels.ClosedChannelException,
                    "the engine reported the sink its own close closed: " + failure);
            assertTrue(failure.getMessage().startsWith("end-of-stream marker not written: no room"),
                    failure.getMessage());
            BurstReport r = BurstVerifier.verify(ring.source());
            assertEquals(dma.burstsSent(), r.bursts(), "every burst that went in is read, then EOF");
        }
    }

    @Test
    void theDefaultEngineSends512ByteBursts() throws Exception {
        try (Ring ring = Ring.allocate(1 << 16)) {
            CompletableFuture<BurstReport> report = verifyAsync(ring.source());
            BurstProducer dma = BurstProducer.start(ring.sink());
            awaitCondition(() -> dma.burstsSent() >= 2);
            dma.close();
            BurstReport r = report.get(30, TimeUnit.SECONDS);
            assertEquals(BurstProducer.DEFAULT_BURST_BYTES, 512);
            assertEquals(Duration.ofMillis(50), BurstProducer.DEFAULT_INTERVAL);
            assertEquals(dma.burstsSent() * 512, r.bytes());
        }
    }

    @Test
    void theVerifierCountsDamagedBurstsAsCorruptAndMissingSequencesAsGaps() throws IOException {
        try (Ring ring = Ring.allocate(1 << 16)) {
            RingSink sink = ring.sink();
            sink.write(burst(0, 100));
            sink.write(damaged(1, 100));
            sink.write(burst(3, 40));  // 2 never sent
            sink.write(burst(4, 16));  // a header-only burst is still a burst
            byte[] end = new byte[16];
            BurstLayout.encodeEnd(MemorySegment.ofArray(end), 7);  // 5 and 6 dropped after the last one received
            sink.write(ByteBuffer.wrap(end));
            sink.close();
            BurstReport r = BurstVerifier.verify(ring.source());
            assertEquals(new BurstReport(3, 156, 4, 1), r);
        }
    }

    @Test
    void theVerifierRegainsTheFramingAfterGarbageAndCountsTheEpisodeOnce() throws IOException {
        try (Ring ring = Ring.allocate(1 << 16)) {
            RingSink sink = ring.sink();
            sink.write(burst(0, 64));
            sink.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}));
            sink.write(burst(1, 64));
            sink.close();
            assertEquals(new BurstReport(2, 128, 0, 1), BurstVerifier.verify(ring.source()));
        }
    }

    @Test
    void aBurstLargerThanTheVerifiersBufferIsStillReadWhole() throws IOException, Exception {
        try (Ring ring = Ring.allocate(1 << 20)) {
            RingSink sink = ring.sink();
            CompletableFuture<BurstReport> report = verifyAsync(ring.source());
            sink.write(burst(0, 300_000));
            sink.write(burst(1, 16));
            sink.close();
            assertEquals(new BurstReport(2, 300_016, 0, 0), report.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aTruncatedBurstAtEofIsCorrupt() throws IOException {
        try (Ring ring = Ring.allocate(1 << 16)) {
            RingSink sink = ring.sink();
            sink.write(burst(0, 64).asSlice(0, 40));
            sink.close();
            assertEquals(new BurstReport(0, 0, 0, 1), BurstVerifier.verify(ring.source()));
        }
    }

    @Test
    void startRefusesBurstsSmallerThanTheHeaderAndNonPositiveIntervalsNamingThem() {
        try (Ring ring = Ring.allocate(1 << 16)) {
            RingSink sink = ring.sink();
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                    () -> BurstProducer.start(sink, 15, FAST));
            assertTrue(small.getMessage().startsWith("burstBytes=15 is not in 16 .. 16777216"), small.getMessage());
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                    () -> BurstProducer.start(sink, 512, Duration.ZERO));
            assertTrue(zero.getMessage().startsWith("interval=PT0S"), zero.getMessage());
        }
    }

    @Test
    void theEngineStopsWithBrokenPipeWhenTheConsumerCloses() throws Exception {
        try (Ring ring = Ring.allocate(1 << 16)) {
            RingSource source = ring.source();
            BurstProducer dma = BurstProducer.start(ring.sink(), 512, FAST);
            awaitCondition(() -> dma.burstsSent() >= 3);
            source.close();
            awaitCondition(() -> dma.failure() != null);
            long sent = dma.burstsSent();
            dma.close();
            assertTrue(dma.failure().getMessage().startsWith("broken pipe"));
            assertEquals(sent, dma.burstsSent(), "no burst after the failure");
        }
    }

    static MemorySegment burst(long sequence, int length) {
        MemorySegment b = MemorySegment.ofArray(new byte[length]);
        BurstLayout.encode(b, sequence);
        return b;
    }

    /** A burst with one payload bit flipped: its CRC32C no longer matches. */
    static MemorySegment damaged(long sequence, int length) {
        MemorySegment b = burst(sequence, length);
        long at = length / 2;
        b.set(java.lang.foreign.ValueLayout.JAVA_BYTE, at, (byte) (b.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at) ^ 1));
        return b;
    }

    /** A source that reads at most 700 bytes at a time (bursts arrive split) and pauses 3 ms before each read. */
    private static final class SlowSource implements RingSource {
        private final RingSource delegate;

        SlowSource(RingSource delegate) {
            this.delegate = delegate;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            LockSupport.parkNanos(3_000_000);
            int limit = dst.limit();
            dst.limit(Math.min(limit, dst.position() + 700));
            try {
                return delegate.read(dst);
            } finally {
                dst.limit(limit);
            }
        }

        @Override
        public long read(MemorySegment dst) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(ByteBuffer dst, long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int tryRead(ByteBuffer dst) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long drain(SegmentHandler handler, long maxBytes) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isOpen() {
            return delegate.isOpen();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
