package org.ringipc.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.HdrHistogram.Histogram;

/**
 * The raw limit for a round trip between processes: no ring, no protocol, just one 8-byte counter
 * in one cache line of a shared mapped file. The harness stores an odd number and waits for the
 * next even one; the peer waits for the odd one and stores it plus one. Every round trip is two
 * cache-line transfers, the least any cross-process handshake can cost.
 */
final class ShmPingPong {

    static final long FILE_BYTES = 4096;
    private static final long STOP = -1;
    private static final VarHandle COUNTER = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment line;
    private long next = 1;

    private ShmPingPong(MemorySegment line) {
        this.line = line;
    }

    /** Maps {@code file} (created or grown to one page) for the length of {@code arena}. */
    static ShmPingPong map(Path file, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            return new ShmPingPong(ch.map(FileChannel.MapMode.READ_WRITE, 0, FILE_BYTES, arena));
        }
    }

    /** Harness side: round trips until the deadline (at least one), each timed into a histogram. */
    Histogram pingUntil(long deadlineNanos) {
        Histogram rtt = new Histogram(3);
        final MemorySegment l = line;
        long now;
        do {
            final long ping = next;
            long start = System.nanoTime();
            // release: nothing else is published, but pairs with the peer's acquire all the same
            COUNTER.setRelease(l, 0L, ping);
            while ((long) COUNTER.getAcquire(l, 0L) != ping + 1) {
                Thread.onSpinWait();
            }
            now = System.nanoTime();
            rtt.recordValue(now - start);
            next = ping + 2;
        } while (now < deadlineNanos);
        return rtt;
    }

    /** Harness side: tells the peer to stop. */
    void stop() {
        COUNTER.setRelease(line, 0L, STOP);
    }

    /** Peer side: answers every ping until told to stop; returns how many it answered. */
    long pong() {
        final MemorySegment l = line;
        long expect = 1;
        long count = 0;
        while (true) {
            long seen;
            // acquire: pairs with the harness's release of the ping
            while ((seen = (long) COUNTER.getAcquire(l, 0L)) != expect) {
                if (seen == STOP) {
                    return count;
                }
                Thread.onSpinWait();
            }
            COUNTER.setRelease(l, 0L, expect + 1);
            expect += 2;
            count++;
        }
    }
}
