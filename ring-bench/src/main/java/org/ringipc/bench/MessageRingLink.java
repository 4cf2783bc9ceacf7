package org.ringipc.bench;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.ringipc.core.MessageHandler;
import org.ringipc.core.MessageSink;
import org.ringipc.core.MessageSource;
import org.ringipc.core.RingOptions;
import org.ringipc.core.RingStats;
import org.ringipc.core.WaitStrategy;
import org.ringipc.mmap.SharedMessageRing;

/**
 * A {@link Link} over a pair of {@link SharedMessageRing}s, one each way: every send is one message
 * of exactly the length sent (a 1-byte ping, a whole bulk chunk), every receive takes one message and
 * copies it out. The {@code message-ring-spin} and {@code message-ring-block} lanes.
 */
final class MessageRingLink extends Link implements MessageHandler {

    static final String FORWARD = "forward.messages";
    static final String REVERSE = "reverse.messages";

    private final SharedMessageRing outRing;
    private final SharedMessageRing inRing;
    private final MessageSink out;
    private final MessageSource in;
    // shared: the harness may set a link up on one thread (starting peers ahead) and use it on another
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer;
    private final MemorySegment firstByte;
    private long received;

    private MessageRingLink(SharedMessageRing outRing, SharedMessageRing inRing, int bufferBytes) {
        this.outRing = outRing;
        this.inRing = inRing;
        this.out = outRing.sink();
        this.in = inRing.source();
        this.buffer = arena.allocate(bufferBytes, 64);
        this.firstByte = buffer.asSlice(0, 1);
    }

    /**
     * Harness side: creates both rings in {@code dir} (the forward one big enough for a 1 MiB
     * message: a message holds at most half the capacity) with {@code transport}'s wait strategy.
     */
    static MessageRingLink create(Path dir, Transport transport, int bufferBytes) throws IOException {
        RingOptions opts = RingOptions.defaults().withWaitStrategy(
                transport == Transport.MESSAGE_RING_BLOCK ? WaitStrategy.BLOCK : WaitStrategy.SPIN);
        return pair(dir, (file, capacity) -> SharedMessageRing.create(file, capacity, opts), true, bufferBytes);
    }

    /** Peer side: opens the rings {@link #create} made, the other way round. */
    static MessageRingLink open(Path dir, int bufferBytes) throws IOException {
        return pair(dir, (file, capacity) -> SharedMessageRing.open(file), false, bufferBytes);
    }

    /** Creates or opens a ring file of the given capacity. */
    @FunctionalInterface
    private interface Maker {
        SharedMessageRing make(Path file, int capacity) throws IOException;
    }

    /** Both rings, each closed again when anything after it fails; the harness writes forward. */
    private static MessageRingLink pair(Path dir, Maker maker, boolean harness, int bufferBytes) throws IOException {
        SharedMessageRing forward = maker.make(dir.resolve(FORWARD), CrossProcess.FORWARD_RING_BYTES);
        try {
            SharedMessageRing reverse = maker.make(dir.resolve(REVERSE), CrossProcess.REVERSE_RING_BYTES);
            try {
                return harness ? new MessageRingLink(forward, reverse, bufferBytes)
                        : new MessageRingLink(reverse, forward, bufferBytes);
            } catch (RuntimeException e) {
                reverse.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            forward.close();
            throw e;
        }
    }

    @Override
    MemorySegment buffer() {
        return buffer;
    }

    @Override
    void send(int length) throws IOException {
        out.write(length == 1 ? firstByte : buffer.asSlice(0, length));
    }

    @Override
    void receive(int length) throws IOException {
        received = -1;
        if (in.take(this) < 0) {
            throw new EOFException("peer closed the message ring");
        }
        if (received != length) {
            throw new IOException("message of " + received + " bytes where the protocol expects " + length);
        }
    }

    /** Copies the message out, as a pipe reader's read does. */
    @Override
    public void onMessage(MemorySegment message) {
        long length = message.byteSize();
        if (length <= buffer.byteSize()) {
            MemorySegment.copy(message, 0, buffer, 0, length);
        }
        received = length;
    }

    @Override
    long sleeps() {
        return sleeps(outRing.stats()) + sleeps(inRing.stats());
    }

    private static long sleeps(RingStats stats) {
        return stats.producerSleeps() + stats.consumerSleeps();
    }

    @Override
    public void close() throws IOException {
        if (!arena.scope().isAlive()) {
            return;   // closed already
        }
        try {
            out.close();
            in.close();
        } finally {
            outRing.close();
            inRing.close();
            arena.close();
        }
    }
}
