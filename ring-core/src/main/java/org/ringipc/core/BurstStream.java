package org.ringipc.core;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The verification of one stream of {@link BurstProducer} bursts, fed as it arrives: what
 * {@link BurstVerifier} runs until EOF, for a caller that serves several rings from one thread
 * (with a {@link RingSelector}) and cannot block in one verifier per ring.
 *
 * <p>Feed it one way per stream: {@link #accept(MemorySegment)} with a byte ring's bytes in arrival
 * order, split anywhere, or {@link #acceptMessage(MemorySegment)} with a message ring's messages,
 * one burst each. Then {@link #finish()} at EOF. One thread at a time.
 *
 * <p>On a byte stream the bursts are re-framed: every burst starts with a fixed header whose length
 * field says where the next one starts. A burst whose CRC fails is counted corrupt and skipped by its
 * length; a length no burst can have means the framing is lost, and the stream slides forward a byte
 * at a time until a header's CRC checks again (counting the episode once). On a message stream each
 * message must be exactly one burst (its length field equal to the message's length) or the bare
 * end-of-stream marker; anything else is one corrupt burst, and the next message starts afresh.
 */
public final class BurstStream {

    private static final int INITIAL_BUFFER_BYTES = 64 * 1024;

    private long bursts;
    private long bytes;
    private long gaps;
    private long corrupt;
    private long expected;
    private boolean lost;
    /** Byte streams only: the unparsed bytes at its start, in write mode (position = end of data). */
    private ByteBuffer buffer;

    /** A stream with nothing received yet. */
    public BurstStream() {
    }

    /**
     * Takes the next bytes of a byte ring's burst stream (copied: {@code bytes} may be a ring slice
     * that is only valid during a {@link RingSource#drain} call).
     *
     * @param bytes the bytes that arrived, in order after the previous ones
     */
    public void accept(MemorySegment bytes) {
        long at = 0;
        while (at < bytes.byteSize()) {
            ByteBuffer into = readBuffer();
            int n = (int) Math.min(into.remaining(), bytes.byteSize() - at);
            MemorySegment.copy(bytes, at, MemorySegment.ofBuffer(into), 0, n);
            into.position(into.position() + n);
            at += n;
            parse(false);
        }
    }

    /**
     * Takes one message of a message ring: one burst, or the end-of-stream marker.
     *
     * @param message the message's payload
     */
    public void acceptMessage(MemorySegment message) {
        if (message.byteSize() < BurstLayout.HEADER_BYTES) {
            corrupt++;  // shorter than any burst's header
            return;
        }
        int length = BurstLayout.length(message);
        if (length == 0 && message.byteSize() == BurstLayout.HEADER_BYTES
                && BurstLayout.crcMatches(message, BurstLayout.HEADER_BYTES)) {
            endMarker(BurstLayout.sequence(message));
        } else if (length != message.byteSize() || !BurstLayout.crcMatches(message, length)) {
            corrupt++;
        } else {
            received(BurstLayout.sequence(message), length);
        }
    }

    /**
     * The stream ended (EOF): bytes left over that are not a whole burst count as one corrupt burst.
     *
     * @return the final counts
     */
    public BurstReport finish() {
        if (buffer != null) {
            parse(true);
            if (buffer.position() > 0 && !lost) {
                corrupt++;  // a burst cut short by EOF
            }
            buffer.clear();
        }
        return report();
    }

    /**
     * The counts so far.
     *
     * @return bursts, bytes, gaps and corrupt bursts seen until now
     */
    public BurstReport report() {
        return new BurstReport(bursts, bytes, gaps, corrupt);
    }

    /** Where the next bytes of a byte stream go (in write mode); {@link #parse} after filling it. */
    ByteBuffer readBuffer() {
        if (buffer == null) {
            buffer = ByteBuffer.allocate(INITIAL_BUFFER_BYTES);
        }
        return buffer;
    }

    /**
     * Consumes every whole burst in the buffer, keeping the unparsed bytes at its start, in a larger
     * buffer when the next burst does not fit. At {@code eof} no more bytes will come, so while the
     * framing is lost a header whose length runs past the end is not a burst either.
     */
    void parse(boolean eof) {
        ByteBuffer data = readBuffer().flip();
        MemorySegment all = MemorySegment.ofBuffer(data.duplicate().clear());
        int at = data.position();
        final int end = data.limit();
        while (end - at >= BurstLayout.HEADER_BYTES) {
            MemorySegment burst = all.asSlice(at);
            int length = BurstLayout.length(burst);
            if (length == 0 && BurstLayout.crcMatches(burst, BurstLayout.HEADER_BYTES)) {
                endMarker(BurstLayout.sequence(burst));
                at += BurstLayout.HEADER_BYTES;
                continue;
            }
            if (length < BurstLayout.HEADER_BYTES || length > BurstLayout.MAX_BURST_BYTES) {
                loseFraming();
                at++;
                continue;
            }
            if (end - at < length) {
                if (eof && lost) {
                    at++;
                    continue;
                }
                break;
            }
            if (BurstLayout.crcMatches(burst, length)) {
                received(BurstLayout.sequence(burst), length);
                at += length;
            } else if (lost) {
                at++;
            } else {
                corrupt++;
                at += length;
            }
        }
        data.position(at);
        int needed = end - at >= BurstLayout.HEADER_BYTES ? BurstLayout.length(all.asSlice(at)) : 0;
        buffer = needed > data.capacity()
                ? ByteBuffer.allocate(Integer.highestOneBit(needed) << 1).put(data)
                : data.compact();
    }

    private void received(long sequence, int length) {
        lost = false;
        if (sequence < expected) {
            corrupt++;  // a repeat or a burst out of order: no honest ring does that
            return;
        }
        gaps += sequence - expected;
        expected = sequence + 1;
        bursts++;
        bytes += length;
    }

    private void endMarker(long nextSequence) {
        lost = false;
        if (nextSequence > expected) {
            gaps += nextSequence - expected;
            expected = nextSequence;
        }
    }

    private void loseFraming() {
        if (!lost) {
            corrupt++;
            lost = true;
        }
    }
}
