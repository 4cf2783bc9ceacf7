package org.ringipc.core;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * The producer end of a ring: the write side of a pipe.
 *
 * <p>One thread at a time may use a sink (a {@link LockedRing} hands out sinks that many threads
 * may use at once). Blocking calls wait by the ring's {@link WaitStrategy}. A blocked call ends
 * with {@link java.nio.channels.ClosedByInterruptException} when its thread is interrupted (the
 * sink is closed, as NIO channels do), and with {@link java.nio.channels.AsynchronousCloseException}
 * when another thread closes the sink.
 *
 * <pre>{@code
 * try (RingSink sink = ring.sink()) {
 *     sink.write(ByteBuffer.wrap("hello".getBytes()));
 * }   // the source reads "hello", then -1
 * }</pre>
 *
 * <p>"Broken pipe": every write fails with an {@link IOException} whose message says so once the
 * source end is closed, or its process died.
 */
public interface RingSink extends WritableByteChannel, GatheringByteChannel {

    /**
     * Writes every remaining byte of {@code src}, waiting for room as needed (a write larger than
     * the ring streams through it). Under {@link OverflowPolicy#DROP} it never waits: a write that
     * does not fit whole is discarded, {@code src} is consumed, the drop is counted and 0 returned.
     *
     * @return the bytes written: {@code src.remaining()} on entry, or 0 when dropped
     * @throws IOException "broken pipe" when the source is closed; ClosedChannelException when this sink is
     */
    @Override
    int write(ByteBuffer src) throws IOException;

    /**
     * As {@link #write(ByteBuffer)}, from the whole of {@code src}.
     *
     * @param src the bytes to write, from offset 0 to its size
     * @return the bytes written: {@code src.byteSize()}, or 0 when dropped
     * @throws IOException as {@link #write(ByteBuffer)}
     */
    long write(MemorySegment src) throws IOException;

    /**
     * Gathered write: the remaining bytes of {@code srcs[offset .. offset + length - 1]}, in order,
     * as one write, copied straight from each buffer into the ring (no temporary buffer). Blocks as
     * {@link #write(ByteBuffer)} does until every byte is in; under {@link OverflowPolicy#DROP} the
     * ends of this package drop the whole gathered write when it does not fit, never a part. This
     * default (for other implementations) writes the buffers one after the other.
     *
     * @return the bytes written (0 when dropped; every buffer is then consumed)
     * @throws IndexOutOfBoundsException when offset and length do not fit {@code srcs}
     */
    @Override
    default long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        long done = 0;
        for (int i = offset; i < offset + length; i++) {
            done += write(srcs[i]);
        }
        return done;
    }

    /** As {@link #write(ByteBuffer[], int, int)} over every buffer of {@code srcs}. */
    @Override
    default long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /**
     * Writes as many bytes as fit now, never waiting; 0 when the ring is full.
     *
     * @param src the bytes to write, from its position; its position moves past what was written
     * @return the bytes written, 0 when the ring is full
     * @throws IOException as {@link #write(ByteBuffer)}
     */
    int tryWrite(ByteBuffer src) throws IOException;

    /**
     * As {@link #tryWrite(ByteBuffer)}, from the start of {@code src}.
     *
     * @param src the bytes to write, from offset 0
     * @return the bytes written, 0 when the ring is full
     * @throws IOException as {@link #write(ByteBuffer)}
     */
    long tryWrite(MemorySegment src) throws IOException;

    /**
     * All or nothing, never waiting: writes the whole of {@code burst} or nothing. A refusal is
     * counted as a drop in the ring's stats.
     *
     * @param burst the bytes to write as one piece
     * @return false when it does not fit now
     * @throws IOException as {@link #write(ByteBuffer)}
     */
    boolean offer(MemorySegment burst) throws IOException;

    /**
     * All or nothing, never waiting, like {@link #offer(MemorySegment)}, but a refusal is not a drop:
     * for a record the caller will retry until it fits (an end-of-stream marker), which must never
     * reach the source in part.
     *
     * @param record the bytes to write as one piece
     * @return false when it does not fit now (nothing was written and nothing counted)
     * @throws IOException as {@link #write(ByteBuffer)}
     */
    boolean tryWriteWhole(MemorySegment record) throws IOException;

    /**
     * Zero-copy write: waits until at least {@code minBytes} contiguous bytes are free at the head and
     * returns a writable slice of the ring over the contiguous free space there: never fewer than
     * {@code minBytes} bytes. Nothing is visible to the source until {@link #commit(int)}.
     *
     * <p>The rings of this package map their data region once, so a slice ends at the wrap point
     * (the end of the data region). When the head is nearer to it than {@code minBytes}, no wait can
     * make room there (only writing up to the wrap point moves the head past it), so the claim fails
     * at once with an {@link IllegalStateException} that gives the bytes to the wrap point and the
     * capacity. {@code claim(1)} never fails so: it returns the free bytes up to the wrap point;
     * commit what you wrote and claim again for the rest.
     *
     * @param minBytes the fewest contiguous free bytes to wait for
     * @return a writable slice of the ring's memory at the head, at least {@code minBytes} long, to
     *         be published by {@link #commit(int)}
     * @throws IllegalArgumentException when {@code minBytes} is not in {@code 1 .. capacity}
     * @throws IllegalStateException when the wrap point is fewer than {@code minBytes} bytes from the
     *                               head (the message says how many), or a claim is pending
     * @throws IOException as {@link #write(ByteBuffer)}
     */
    MemorySegment claim(int minBytes) throws IOException;

    /**
     * As {@link #claim(int)} but never waits: an empty segment when {@code minBytes} bytes are not
     * free now (a later call may find them). A claim that no wait could satisfy (the wrap point is
     * nearer than {@code minBytes}) throws as {@link #claim(int)} does, instead of returning an
     * empty segment that a retry loop would get forever.
     *
     * @param minBytes the fewest contiguous free bytes wanted
     * @return a writable slice of the ring's memory at the head, at least {@code minBytes} long, or
     *         an empty segment
     * @throws IllegalArgumentException as {@link #claim(int)}
     * @throws IllegalStateException as {@link #claim(int)}
     * @throws IOException as {@link #write(ByteBuffer)}
     */
    MemorySegment tryClaim(int minBytes) throws IOException;

    /**
     * Publishes the first {@code bytes} bytes of the last claimed slice.
     *
     * @param bytes how many bytes of the claimed slice to publish, from its start
     * @throws IllegalArgumentException when {@code bytes} exceeds the claim or is negative
     * @throws IOException as {@link #write(ByteBuffer)}
     */
    void commit(int bytes) throws IOException;

    /** Closes this end: the source reads what is left, then EOF. Idempotent. */
    @Override
    void close() throws IOException;
}
