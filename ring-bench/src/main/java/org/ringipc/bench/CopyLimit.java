package org.ringipc.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The raw limit for bulk: one thread copying {@code chunk}-byte pieces of a source buffer into a
 * destination region as big as the shared ring's data, in order and wrapping, which is the copy a
 * ring's producer makes. A ring moves each byte twice (in, then out) on two cores, so the
 * comparison asks for half of this rate.
 */
final class CopyLimit {

    private CopyLimit() {
    }

    /** Copies for {@code durationNanos} (at least once); returns megabytes (10^6 B) per second. */
    static double measure(int chunk, long durationNanos) {
        int region = Math.max(CrossProcess.FORWARD_RING_BYTES, chunk);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(chunk, 64).fill((byte) 1);
            MemorySegment dst = arena.allocate(region, 64);
            long start = System.nanoTime();
            long deadline = start + durationNanos;
            long bytes = 0;
            long offset = 0;
            long now;
            do {
                for (int i = 0; i < 16; i++) {
                    MemorySegment.copy(src, 0, dst, offset, chunk);
                    offset += chunk;
                    if (offset + chunk > region) {
                        offset = 0;
                    }
                }
                bytes += 16L * chunk;
                now = System.nanoTime();
            } while (now < deadline);
            return Protocol.megabytesPerSecond(bytes, now - start);
        }
    }
}
