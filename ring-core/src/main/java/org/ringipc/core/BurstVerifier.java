package org.ringipc.core;

import java.io.IOException;
import java.util.Objects;

/**
 * The consumer side of the simulated DMA engine: reads a stream of {@link BurstProducer} bursts,
 * checks every CRC32C and sequence number, and reports what arrived, what is missing and what is
 * damaged. From a byte ring it re-frames the stream (a burst may arrive split over several reads);
 * from a message ring each message is one burst. {@link BurstStream} holds the checks, for a caller
 * that feeds several streams from one thread.
 */
public final class BurstVerifier {

    /** Messages handed over per poll: a batch releases the ring's room in one step. */
    private static final int MESSAGE_BATCH = 256;

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
        BurstStream stream = new BurstStream();
        while (source.read(stream.readBuffer()) >= 0) {
            stream.parse(false);
        }
        return stream.finish();
    }

    /**
     * Handles {@code source}'s messages until EOF, on the calling thread (blocking when the ring is
     * empty, by the ring's wait strategy), each message one burst, and reports. The source is left open.
     *
     * @param source the message ring end to read; read until EOF
     * @return what the stream held: bursts, gaps and errors found
     * @throws IOException when a poll fails (e.g. the source is closed or interrupted)
     */
    public static BurstReport verify(MessageSource source) throws IOException {
        Objects.requireNonNull(source, "source");
        BurstStream stream = new BurstStream();
        MessageHandler check = stream::acceptMessage;
        int n;
        while ((n = source.poll(check, MESSAGE_BATCH)) >= 0) {
            if (n == 0 && source.take(check) < 0) {
                break;
            }
        }
        return stream.finish();
    }
}
