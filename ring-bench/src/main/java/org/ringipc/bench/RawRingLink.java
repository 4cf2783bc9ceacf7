package org.ringipc.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A {@link Link} over a pair of {@link RawRing}s, one each way: the {@code raw-ring} lane, so that
 * every report shows what the product's rings cost against the least a Java ring can do.
 */
final class RawRingLink extends Link {

    static final String FORWARD = "forward.raw";
    static final String REVERSE = "reverse.raw";

    private final RawRing out;
    private final RawRing in;
    private final Arena arena;
    private final MemorySegment buffer;

    private RawRingLink(RawRing out, RawRing in, Arena arena, int bufferBytes) {
        this.out = out;
        this.in = in;
        this.arena = arena;
        this.buffer = arena.allocate(bufferBytes, 64);
    }

    /** Harness side: creates both rings in {@code dir} with the same capacities as the product's lanes. */
    static RawRingLink create(Path dir, int bufferBytes, RawRing.Tuning tuning, int forwardBytes) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            RawRing forward = RawRing.create(dir.resolve(FORWARD), forwardBytes, arena, tuning);
            RawRing reverse = RawRing.create(dir.resolve(REVERSE), CrossProcess.REVERSE_RING_BYTES, arena, tuning);
            return new RawRingLink(forward, reverse, arena, bufferBytes);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Peer side: maps the rings {@link #create} made. */
    static RawRingLink open(Path dir, int bufferBytes, RawRing.Tuning tuning) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            RawRing forward = RawRing.open(dir.resolve(FORWARD), arena, tuning);
            RawRing reverse = RawRing.open(dir.resolve(REVERSE), arena, tuning);
            return new RawRingLink(reverse, forward, arena, bufferBytes);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The ring this end writes into. */
    RawRing out() {
        return out;
    }

    /** The ring this end reads from. */
    RawRing in() {
        return in;
    }

    @Override
    MemorySegment buffer() {
        return buffer;
    }

    @Override
    void send(int length) {
        out.write(buffer, 0, length);
    }

    @Override
    void receive(int length) {
        long done = 0;
        while (done < length) {
            done += in.read(buffer, done, length - done);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
