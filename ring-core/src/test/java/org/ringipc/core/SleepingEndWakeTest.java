package org.ringipc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * A BLOCK end asleep for a long time wakes seldom: its liveness polls, and so its sleeps, come at
 * intervals that grow to {@link Waiter#MAX_PEER_POLL_NANOS}, not every 100 ms. Counted through a
 * doorbell that counts the sleeps it is asked for (each sleep ends in one wake).
 */
class SleepingEndWakeTest {

    /** The parking doorbell, counting the sleeps the waiter asks of it. */
    private static final class CountingDoorbell implements Doorbell {
        final Doorbell parking = Doorbell.parking();
        final AtomicInteger sleeps = new AtomicInteger();

        @Override
        public void prepare(Side sleeper) {
            parking.prepare(sleeper);
        }

        @Override
        public void sleep(Side sleeper, MemorySegment wakeSeq, int expected, long maxNanos) {
            sleeps.incrementAndGet();
            parking.sleep(sleeper, wakeSeq, expected, maxNanos);
        }

        @Override
        public void ring(Side sleeper, MemorySegment wakeSeq) {
            parking.ring(sleeper, wakeSeq);
        }
    }

    @Test
    void aReaderAsleepForThreeSecondsSleepsAtMostTenTimes() throws Exception {
        int capacity = 4096;
        CountingDoorbell bell = new CountingDoorbell();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(Ring.requiredBytes(capacity), 4096);
            Ring ring = Ring.format(memory, capacity, RingOptions.defaults(), bell);
            try (RingSink sink = ring.sink(); RingSource source = ring.source()) {
                CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                    try {
                        return source.read(ByteBuffer.allocate(16));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                Thread.sleep(3000);
                sink.write(ByteBuffer.wrap(new byte[] {1}));
                assertEquals(1, read.get(10, TimeUnit.SECONDS));
            } finally {
                ring.close();
            }
        }
        // polls at 0.1, 0.3, 0.7, 1.2, 1.7, 2.2, 2.7 s: about 8 sleeps; fixed 100 ms slices made 30
        int sleeps = bell.sleeps.get();
        assertTrue(sleeps >= 1 && sleeps <= 10, "the reader slept " + sleeps + " times in 3 s");
    }
}
