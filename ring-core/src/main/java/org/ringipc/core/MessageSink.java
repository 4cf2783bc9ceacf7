package org.ringipc.core;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;

/**
 * The producer end of a {@link MessageRing}: writes whole messages, whose boundaries the source
 * sees again (a message queue, not a byte stream).
 *
 * <p>One thread at a time may use a sink. Blocking calls wait for room by the ring's
 * {@link WaitStrategy}; interruption ends them with {@link java.nio.channels.ClosedByInterruptException}
 * and closes the sink, and a close by another thread ends them with
 * {@link java.nio.channels.AsynchronousCloseException}. Every call fails with an {@link IOException}
 * saying "broken pipe" once the source end is closed or its process died.
 *
 * <pre>{@code
 * try (MessageSink sink = ring.sink()) {
 *     sink.write(MemorySegment.ofArray("hello".getBytes()));   // waits for room
 *     MemorySegment slot = sink.claim(8);                      // zero-copy: write in place
 *     slot.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 42L);
 *     sink.commit();
 * }   // the source handles both messages, then sees EOF
 * }</pre>
 *
 * <p>A message holds 0 to {@link #maxMessageLength()} bytes; a longer one is a caller bug and throws
 * {@link IllegalArgumentException} naming the length.
 */
public interface MessageSink extends Channel {

    /**
     * All or nothing, never waiting: writes the whole of {@code msg} as one message if it fits now.
     * A refusal is counted as a drop in the ring's stats (one drop, the record's framed bytes).
     *
     * @param msg the message's payload
     * @return false when it does not fit now
     * @throws IllegalArgumentException when {@code msg} is longer than {@link #maxMessageLength()}
     * @throws IllegalStateException    while a {@link #claim} is pending
     * @throws IOException "broken pipe" when the source is closed or its process died, or
     *     ClosedChannelException when this sink is closed
     */
    boolean offer(MemorySegment msg) throws IOException;

    /**
     * As {@link #offer(MemorySegment)}, with the remaining bytes of {@code msg}; on success its
     * position moves to its limit, on refusal it is left as it was.
     *
     * @param msg the message's payload, its remaining bytes
     * @return false when the message does not fit now (nothing was written)
     * @throws IOException as {@link #offer(MemorySegment)}
     */
    boolean offer(ByteBuffer msg) throws IOException;

    /**
     * Writes {@code msg} as one message, waiting until the ring has room for it. Under
     * {@link OverflowPolicy#DROP} it never waits: a message that does not fit now is discarded and
     * counted as {@link #offer} counts it.
     *
     * @param msg the message's payload
     * @throws IllegalArgumentException when {@code msg} is longer than {@link #maxMessageLength()}
     * @throws IllegalStateException    while a {@link #claim} is pending
     * @throws IOException as {@link #offer(MemorySegment)}
     */
    void write(MemorySegment msg) throws IOException;

    /**
     * As {@link #write(MemorySegment)}, with the remaining bytes of {@code msg}; consumes them either way.
     *
     * @param msg the message's payload, its remaining bytes
     * @throws IOException as {@link #offer(MemorySegment)}
     */
    void write(ByteBuffer msg) throws IOException;

    /**
     * Writes the remaining bytes of {@code parts}, in order, as ONE message (a header and a body,
     * say), copied straight from each buffer into the ring record: no temporary buffer. Waits and
     * drops as {@link #write(MemorySegment)}; every buffer is consumed either way.
     *
     * @param parts the message's pieces, in order
     * @throws IllegalArgumentException when the parts together are longer than {@link #maxMessageLength()}
     * @throws IllegalStateException    while a {@link #claim} is pending
     * @throws IOException as {@link #offer(MemorySegment)}
     */
    void write(ByteBuffer... parts) throws IOException;

    /**
     * As {@link #write(ByteBuffer...)}, from the whole of each segment: one message.
     *
     * @param parts the message's pieces, in order
     * @throws IOException as {@link #offer(MemorySegment)}
     */
    void write(MemorySegment... parts) throws IOException;

    /**
     * Zero-copy write: waits until the ring has room for a message of {@code length} bytes and
     * returns a writable slice of the ring's memory where its payload goes. Nothing is visible to the
     * source until {@link #commit()}; {@link #abort()} gives the room back. One claim at a time.
     *
     * @param length the payload bytes to reserve
     * @return a writable slice of {@code length} bytes in the ring, to be published by {@link #commit()}
     * @throws IllegalArgumentException when {@code length} is negative or above {@link #maxMessageLength()}
     * @throws IllegalStateException    while another claim is pending
     * @throws IOException as {@link #offer(MemorySegment)}
     */
    MemorySegment claim(int length) throws IOException;

    /**
     * As {@link #claim(int)} but never waits: null when the room is not free now (not counted as a
     * drop: nothing was lost yet).
     *
     * @param length the payload bytes to reserve
     * @return a writable slice of {@code length} bytes in the ring, or null
     * @throws IOException as {@link #offer(MemorySegment)}
     */
    MemorySegment tryClaim(int length) throws IOException;

    /**
     * Publishes the claimed message, all the length it was claimed with.
     *
     * @throws IllegalStateException when nothing is claimed
     * @throws IOException as {@link #offer(MemorySegment)}
     */
    void commit() throws IOException;

    /**
     * Publishes the first {@code length} bytes of the claimed slice as the message: claim the most
     * you may need, then commit what you wrote.
     *
     * @param length the payload bytes to publish, at most the claimed length
     * @throws IllegalArgumentException when {@code length} is negative or longer than the claim; the
     *                                  claim stays pending (commit again, or {@link #abort()})
     * @throws IllegalStateException    when nothing is claimed
     * @throws IOException as {@link #offer(MemorySegment)}
     */
    void commit(int length) throws IOException;

    /** Drops the pending claim: nothing is published and its room is free again. Does nothing without one. */
    void abort();

    /**
     * The largest message, in bytes, the ring accepts: see {@link MessageRing#maxMessageLength()}.
     *
     * @return the largest payload length accepted, in bytes
     */
    int maxMessageLength();

    /** Closes this end (a pending claim is dropped): the source handles what is left, then sees EOF. Idempotent. */
    @Override
    void close() throws IOException;
}
