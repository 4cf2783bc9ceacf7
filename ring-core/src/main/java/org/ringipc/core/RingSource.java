package org.ringipc.core;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The consumer end of a ring: the read side of a pipe.
 *
 * <p>One thread at a time may use a source (a {@link LockedRing} hands out sources that many
 * threads may use at once). Blocking calls wait by the ring's {@link WaitStrategy}; interruption
 * ends them with {@link java.nio.channels.ClosedByInterruptException} and closes the source, as NIO
 * channels do.
 *
 * <pre>{@code
 * try (RingSource source = ring.source()) {
 *     ByteBuffer buf = ByteBuffer.allocate(8192);
 *     while (source.read(buf) >= 0) { buf.flip(); consume(buf); buf.clear(); }
 * }
 * }</pre>
 *
 * <p>EOF (-1) comes once the sink is closed (or its process died) and every byte is read.
 */
public interface RingSource extends ReadableByteChannel, ScatteringByteChannel {

    /** Waits until at least one byte is there, then reads as many as fit; -1 at EOF. */
    @Override
    int read(ByteBuffer dst) throws IOException;

    /**
     * As {@link #read(ByteBuffer)}, into the start of {@code dst}.
     *
     * @param dst where the bytes go, from offset 0
     * @return the bytes read, -1 at EOF
     * @throws IOException when this source is closed or interrupted, the ring is found corrupt
     *     ({@link RingCorruptedException}), or a shared ring's file was truncated
     */
    long read(MemorySegment dst) throws IOException;

    /**
     * As {@link #read(ByteBuffer)} but waits at most {@code timeout}: 0 when it passed.
     *
     * @param dst where the bytes go, from its position
     * @param timeout the longest wait, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return the bytes read, 0 when the timeout passed, -1 at EOF
     * @throws IOException as {@link #read(MemorySegment)}
     */
    int read(ByteBuffer dst, long timeout, TimeUnit unit) throws IOException;

    /**
     * Scattered read: waits as {@link #read(ByteBuffer)} does until at least one byte is there, then
     * fills {@code dsts[offset .. offset + length - 1]} in order with as many waiting bytes as fit,
     * copied straight from the ring into each buffer.
     *
     * @return the bytes read, 0 when the buffers have no room, -1 at EOF
     * @throws IndexOutOfBoundsException when offset and length do not fit {@code dsts}
     */
    @Override
    default long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        int first = offset;
        while (first < offset + length && !dsts[first].hasRemaining()) {
            first++;
        }
        if (first == offset + length) {
            return 0;
        }
        long done = read(dsts[first]);
        if (done <= 0) {
            return done;
        }
        for (int i = first; i < offset + length; i++) {
            if (!dsts[i].hasRemaining()) {
                continue;
            }
            int n = tryRead(dsts[i]);
            if (n <= 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    /** As {@link #read(ByteBuffer[], int, int)} into every buffer of {@code dsts}. */
    @Override
    default long read(ByteBuffer[] dsts) throws IOException {
        return read(dsts, 0, dsts.length);
    }

    /**
     * Never waits: the bytes that are there now, 0 when empty, -1 at EOF.
     *
     * @param dst where the bytes go, from its position
     * @return the bytes read, 0 when empty, -1 at EOF
     * @throws IOException as {@link #read(MemorySegment)}
     */
    int tryRead(ByteBuffer dst) throws IOException;

    /**
     * Zero-copy read that never waits: hands up to {@code maxBytes} of the waiting bytes to
     * {@code handler} in place, as read-only slices (two when they wrap), then releases them.
     *
     * @param handler called with each slice; it must not keep the slices past the call
     * @param maxBytes the most bytes to consume in this call
     * @return the bytes consumed, 0 when empty, -1 at EOF
     * @throws IOException as {@link #read(MemorySegment)}
     */
    long drain(SegmentHandler handler, long maxBytes) throws IOException;

    /** Closes this end: the sink's next write fails with "broken pipe". Idempotent. */
    @Override
    void close() throws IOException;
}
