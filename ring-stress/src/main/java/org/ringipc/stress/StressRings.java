package org.ringipc.stress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import org.ringipc.core.Doorbell;
import org.ringipc.core.Ring;
import org.ringipc.core.RingOptions;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;

/**
 * Cheap per-iteration rings for the jcstress states: a {@value #CAPACITY}-byte ring in
 * {@link Arena#ofAuto()} memory (freed by the GC, so a state needs no tear-down), both ends open,
 * head and tail parked a few bytes short of the wrap point, every data byte set to {@link #STALE}
 * so that a read of bytes the producer did not publish shows up as stale rather than as zero.
 */
final class StressRings {

    /** The smallest ring: keeps a jcstress stride of states small. */
    static final int CAPACITY = 4096;
    /** What every data byte holds before the actors run. */
    static final byte STALE = (byte) 0xEE;
    /** The record the producer publishes: eight distinct bytes, so a torn read cannot pass for it. */
    static final long VALUE = 0x0102030405060708L;
    /** A second record, published after {@link #VALUE}. */
    static final long SECOND = 0x1112131415161718L;
    /** Bytes the producer writes into claimed space but never commits. */
    static final long SCRATCH = 0x5C5C5C5C5C5C5C5CL;

    /** What a reader saw, as an outcome code. */
    static final int SAW_NOTHING = 0;
    static final int SAW_VALUE = 1;
    static final int SAW_SECOND = 2;
    static final int SAW_STALE = 3;
    static final int SAW_SCRATCH = 4;
    static final int SAW_TORN = 5;

    private StressRings() {
    }

    /** One ring with both of its ends open. */
    record Ends(Ring ring, RingSink sink, RingSource source) {
    }

    /** A ring with {@link RingOptions#defaults()} and in-process parking. */
    static Ends nearWrap(int beforeWrap) {
        return nearWrap(beforeWrap, RingOptions.defaults(), Doorbell.parking());
    }

    /**
     * A ring whose head and tail both sit {@code beforeWrap} bytes before the end of the data
     * region: a write of more than {@code beforeWrap} bytes wraps.
     */
    static Ends nearWrap(int beforeWrap, RingOptions options, Doorbell doorbell) {
        MemorySegment memory = Arena.ofAuto().allocate(Ring.requiredBytes(CAPACITY), 128);
        Ring ring = Ring.format(memory, CAPACITY, options, doorbell);
        RingSink sink = ring.sink();
        RingSource source = ring.source();
        int advance = CAPACITY - beforeWrap;
        try {
            MemorySegment all = sink.claim(CAPACITY);
            all.fill(STALE);
            sink.commit(advance);
            if (source.drain(segment -> { }, advance) != advance) {
                throw new IllegalStateException("could not position the ring");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Ends(ring, sink, source);
    }

    /** Fills the ring to capacity: {@code first} in the first eight bytes, {@link #STALE} after. */
    static void fill(Ends ends, long first) {
        ByteBuffer bytes = ByteBuffer.allocate(CAPACITY);
        bytes.putLong(0, first);
        for (int i = 8; i < CAPACITY; i++) {
            bytes.put(i, STALE);
        }
        try {
            if (ends.sink().tryWrite(bytes) != CAPACITY) {
                throw new IllegalStateException("could not fill the ring");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An I/O step of an actor. */
    @FunctionalInterface
    interface IoCall {
        long call() throws IOException;
    }

    /** Runs {@code call}; an {@link IOException} (the ring is broken) fails the iteration loudly. */
    static long io(IoCall call) {
        try {
            return call.call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Eight bytes holding {@code value}, big-endian. */
    static ByteBuffer record(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(0, value);
    }

    /** The outcome code of eight bytes read. */
    static int seen(long value) {
        if (value == VALUE) {
            return SAW_VALUE;
        }
        if (value == SECOND) {
            return SAW_SECOND;
        }
        if (value == SCRATCH) {
            return SAW_SCRATCH;
        }
        if (value == 0xEEEEEEEEEEEEEEEEL) {
            return SAW_STALE;
        }
        return SAW_TORN;
    }

    /** The outcome code of the first eight bytes of {@code bytes}, or {@link #SAW_NOTHING} when {@code count < 8}. */
    static int seen(ByteBuffer bytes, long count) {
        return count < Long.BYTES ? SAW_NOTHING : seen(bytes.getLong(0));
    }
}
