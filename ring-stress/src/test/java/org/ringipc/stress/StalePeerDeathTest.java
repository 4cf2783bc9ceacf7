package org.ringipc.stress;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.ringipc.core.Doorbell;
import org.ringipc.core.EndLocks;
import org.ringipc.core.MessageRing;
import org.ringipc.core.MessageSink;
import org.ringipc.core.MessageSource;
import org.ringipc.core.RecordLayout;
import org.ringipc.core.RingLayout;
import org.ringipc.core.RingOptions;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the crash campaign found with a polling reader ({@code -Dcrash.poll=true}), made
 * deterministic: a message consumer that learned through {@code poll} that its producer died keeps
 * believing it after a new producer took the end over, and then skips the new producer's first
 * record as "lost" when it looks between that producer's release of head and of the header word.
 * The death of a process is played by an {@link EndLocks} whose producer lock the test drops; the
 * new producer's half-done publish by the store of head it makes first.
 */
class StalePeerDeathTest {

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /** Record locks whose producer holder the test can "kill": its lock is then free, its end still OPEN. */
    private static final class KillableLocks implements EndLocks {
        private final boolean[] held = new boolean[2];
        volatile boolean producerAlive = true;

        @Override
        public synchronized boolean tryLock(Doorbell.Side side) {
            if (isHeld(side)) {
                return false;
            }
            held[side.ordinal()] = true;
            if (side == Doorbell.Side.PRODUCER) {
                producerAlive = true;
            }
            return true;
        }

        @Override
        public synchronized void unlock(Doorbell.Side side) {
            held[side.ordinal()] = false;
        }

        @Override
        public synchronized boolean isHeld(Doorbell.Side side) {
            return held[side.ordinal()] && (side != Doorbell.Side.PRODUCER || producerAlive);
        }
    }

    @Test
    void aPollerThatSawItsProducerDieDoesNotSkipTheRecordOfTheProducerThatTookOver() throws Exception {
        int capacity = 4096;
        KillableLocks locks = new KillableLocks();
        List<Byte> got = new ArrayList<>();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(MessageRing.requiredBytes(capacity), RingLayout.BLOCK_BYTES);
            MessageRing first = MessageRing.format(memory, capacity, RingOptions.defaults(), null, locks);
            MessageRing second = MessageRing.attach(memory, null, locks);
            try {
                MessageSink dying = first.sink();
                MessageSource source = first.source();
                dying.offer(ByteBuffer.wrap(new byte[] {1}));
                assertEquals(1, source.poll(m -> got.add(m.get(ValueLayout.JAVA_BYTE, 0)), 10));

                locks.producerAlive = false;  // its process died: the lock is free, the end still says OPEN
                Thread.sleep(150);            // a poller looks at the producer's liveness every 100 ms
                assertEquals(-1, source.poll(m -> got.add(m.get(ValueLayout.JAVA_BYTE, 0)), 10),
                        "EOF: the producer is dead and the ring empty");

                MessageSink next = second.sink();  // a new producer takes the end over
                // ... and is inside its first write: head released over the record, header word not yet
                long headOffset = RingLayout.offset("producer", "head");
                long head = (long) LONG.getVolatile(memory, headOffset);
                LONG.setRelease(memory, headOffset, head + RecordLayout.recordBytes(1));

                int polled = source.poll(m -> got.add(m.get(ValueLayout.JAVA_BYTE, 0)), 10);
                long lost = first.stats().lostRecords();
                assertAll(() -> assertEquals(0, polled, "a live producer is writing: no message yet, and no EOF"),
                        () -> assertEquals(0, lost, "no producer died in a write: nothing to skip"));
                next.close();
            } finally {
                second.close();
                first.close();
            }
        }
    }
}
