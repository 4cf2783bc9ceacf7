package org.ringipc.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ringipc.core.BurstEngineTest.awaitCondition;
import static org.ringipc.core.BurstEngineTest.burst;
import static org.ringipc.core.BurstEngineTest.damaged;

/** The DMA engine on a message ring: each burst one message, every one accounted for. */
class MessageBurstEngineTest {

    private static final Duration FAST = Duration.ofMillis(1);

    private static CompletableFuture<BurstReport> verifyAsync(MessageSource source) {
        // its own thread: the common pool may have one worker
        CompletableFuture<BurstReport> report = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                report.complete(BurstVerifier.verify(source));
            } catch (IOException | RuntimeException e) {
                report.completeExceptionally(e);
            }
        });
        return report;
    }

    @Test
    void eachBurstIsOneMessageAndAFastConsumerReceivesEveryOne() throws Exception {
        try (MessageRing ring = MessageRing.allocate(1 << 20)) {
            CompletableFuture<BurstReport> report = verifyAsync(ring.source());
            BurstProducer dma = BurstProducer.start(ring.sink(), 512, FAST);
            awaitCondition(() -> dma.burstsSent() >= 100);
            dma.close();
            BurstReport r = report.get(30, TimeUnit.SECONDS);
            assertNull(dma.failure());
            assertEquals(new BurstReport(dma.burstsSent(), dma.burstsSent() * 512, 0, 0), r);
            // one message per burst, and one for the end-of-stream marker
            assertEquals(dma.burstsSent() + 1, ring.stats().writes());
            assertEquals(0, ring.stats().drops());
        }
    }

    @Test
    void underDropAFullRingCountsEveryOverflowAndTheGapsMatchTheDropsExactly() throws Exception {
        RingOptions drop = RingOptions.defaults().withOverflowPolicy(OverflowPolicy.DROP);
        try (MessageRing ring = MessageRing.allocate(4096, drop)) {
            BurstProducer dma = BurstProducer.start(ring.sink(), 500, FAST);
            // nobody reads: the ring fills, then drops. All the drops come before the reader starts:
            // a reader that keeps up (a quiet machine) may see no further drop, so waiting for more
            // drops after it started could wait for ever
            awaitCondition(() -> dma.burstsDropped() >= 20);
            CompletableFuture<BurstReport> report = verifyAsync(ring.source());
            awaitCondition(() -> dma.burstsSent() >= 20);
            Thread closing = Thread.ofPlatform().start(dma::close);
            BurstReport r = report.get(30, TimeUnit.SECONDS);
            closing.join(30_000);
            assertNull(dma.failure());
            assertEquals(dma.burstsDropped(), r.gaps(), "every drop is a gap, every gap a drop");
            assertEquals(dma.burstsSent(), r.bursts());
            assertEquals(dma.burstsSent() * 500, r.bytes());
            assertEquals(0, r.corrupt());
            assertEquals(dma.burstsDropped(), ring.stats().drops(), "the ring counted the same drops");
        }
    }

    @Test
    void theVerifierCatchesADamagedBurstAMissingOneAndAMessageThatIsNoBurst() throws IOException {
        try (MessageRing ring = MessageRing.allocate(1 << 16)) {
            MessageSink sink = ring.sink();
            sink.write(burst(0, 100));
            sink.write(damaged(1, 100));
            sink.write(burst(3, 40));                                  // 2 never sent
            sink.write(burst(4, 64).asSlice(0, 40));                   // cut short: its length says 64
            sink.write(MemorySegment.ofArray(new byte[] {1, 2, 3}));   // shorter than a header
            sink.write(burst(5, 16));                                  // a header-only burst is still a burst
            MemorySegment end = MemorySegment.ofArray(new byte[16]);
            BurstLayout.encodeEnd(end, 8);                             // 6 and 7 dropped after the last received
            sink.write(end);
            sink.close();
            BurstReport r = BurstVerifier.verify(ring.source());
            assertEquals(new BurstReport(3, 156, 5, 3), r);
        }
    }

    @Test
    void startRefusesABurstLongerThanTheRingsLargestMessageNamingBoth() {
        try (MessageRing ring = MessageRing.allocate(4096)) {
            MessageSink sink = ring.sink();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BurstProducer.start(sink, 4096, FAST));
            assertTrue(e.getMessage().startsWith("burstBytes=4096 is longer than the ring's largest message (maxMessageLength="
                    + ring.maxMessageLength() + ")"), e.getMessage());
        }
    }
}
