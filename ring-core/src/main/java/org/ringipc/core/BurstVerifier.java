package org.ringipc.core;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The consumer side of the simulated DMA engine: reads a stream of {@link BurstProducer} bursts,
 * checks every CRC32C and sequence number, and reports what arrived, what is missing and what is
 * damaged.
 *
 * <p>A byte ring is a byte stream, so the verifier re-frames it: every burst starts with a fixed
 * header whose length field says where the next one starts (a burst may arrive split over several
 * reads). A burst whose CRC fails is counted corrupt and skipped by its length; a length no burst can
 * have means the framing is lost, and the verifier slides forward a byte at a time until a header's
 * CRC checks again (counting the episode once).
 */
public final class BurstVerifier {

    private static final int INITIAL_BUFFER_BYTES = 64 * 1024;

    private BurstVerifier() {
    }

    /**
     * Reads {@code source} until EOF, on the calling thread (blocking reads, by the ring's wait
     * strategy), and reports. The source is left open.
     *
     * @param source the ring end to read; read until EOF
     * @return what the stream held: bursts, gaps and errors found
     * @throws IOException when a read fails (e.g. the source is closed or interrupted)
     */
    public static BurstReport verify(RingSource source) throws IOException {
        Objects.requireNonNull(source, "source");
        ByteBuffer buffer = ByteBuffer.allocate(INITIAL_BUFFER_BYTES);
        Tally tally = new Tally();
        while (source.read(buffer) >= 0) {
            buffer = tally.parse(buffer.flip(), false);
        }
        buffer = tally.parse(buffer.flip(), true);
        if (buffer.position() > 0 && !tally.lost) {
            tally.corrupt++;  // a burst cut short by EOF
        }
        return new BurstReport(tally.bursts, tally.bytes, tally.gaps, tally.corrupt);
    }

    /** The counts so far and the framing state. */
    private static final class Tally {
        long bursts;
        long bytes;
        long gaps;
        long corrupt;
        long expected;
        boolean lost;

        /**
         * Consumes every whole burst in {@code buffer} (flipped for reading) and returns the buffer to
         * read into next, with the unparsed bytes at its start: the same one compacted, or a larger one
         * when the next burst does not fit in it. At {@code eof} no more bytes will come, so while the
         * framing is lost a header whose length runs past the end is not a burst either.
         */
        ByteBuffer parse(ByteBuffer buffer, boolean eof) {
            MemorySegment bytes = MemorySegment.ofBuffer(buffer.duplicate().clear());
            int at = buffer.position();
            final int end = buffer.limit();
            while (end - at >= BurstLayout.HEADER_BYTES) {
                MemorySegment burst = bytes.asSlice(at);
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
            buffer.position(at);
            int needed = end - at >= BurstLayout.HEADER_BYTES ? BurstLayout.length(bytes.asSlice(at)) : 0;
            if (needed > buffer.capacity()) {
                return ByteBuffer.allocate(Integer.highestOneBit(needed) << 1).put(buffer);
            }
            return buffer.compact();
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
}
