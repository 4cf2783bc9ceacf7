package org.ringipc.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.ringipc.core.MessageHandler;
import org.ringipc.core.MessageRing;
import org.ringipc.core.MessageSink;
import org.ringipc.core.MessageSource;
import org.ringipc.core.RingOptions;
import org.ringipc.core.WaitStrategy;

/**
 * ringipc {@code MessageRing}: framed records, driven like Agrona's ring (a write that does not fit
 * spins, a poll takes up to 64 records and copies each out in the handler).
 */
final class MessageRingLane implements Lane, MessageHandler {

    private final MessageRing ring;
    private final MessageSink sink;
    private final MessageSource source;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment dst;
    private long taken;
    private long at;
    private MemorySegment sliced;
    private MemorySegment slice;

    MessageRingLane(int chunkBytes) {
        ring = MessageRing.allocate(Lane.RING_BYTES, RingOptions.defaults().withWaitStrategy(WaitStrategy.SPIN));
        sink = ring.sink();
        source = ring.source();
        dst = arena.allocate(Math.max(chunkBytes, Lane.READ_BYTES), 64);
    }

    @Override
    public void send(MemorySegment src, int length) throws IOException {
        // write, as a user who wants every message delivered calls it: one call per message, and
        // under SPIN a full ring spins on the consumer's tail as Agrona's caller spins on a refused
        // write (offer would count each refusal as a drop; tryClaim and commit are two calls)
        sink.write(length == src.byteSize() ? src : slice(src, length));
    }

    /** The first {@code length} bytes of {@code src}, sliced once per source and length. */
    private MemorySegment slice(MemorySegment src, int length) {
        if (src != sliced || length != slice.byteSize()) {
            sliced = src;
            slice = src.asSlice(0, length);
        }
        return slice;
    }

    @Override
    public void finish() throws IOException {
        sink.close();
    }

    @Override
    public long receive() throws IOException {
        taken = 0;
        int n = source.poll(this, 64);
        if (n < 0) {
            return -1;
        }
        if (n == 0) {
            Thread.onSpinWait();
        }
        return taken;
    }

    @Override
    public void onMessage(MemorySegment message) {
        long length = message.byteSize();
        if (at + length > dst.byteSize()) {
            at = 0;
        }
        MemorySegment.copy(message, 0, dst, at, length);
        at += length;
        taken += length;
    }

    @Override
    public void close() throws IOException {
        try (arena) {
            source.close();
            ring.close();
        }
    }
}
