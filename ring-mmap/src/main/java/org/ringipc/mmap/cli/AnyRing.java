package org.ringipc.mmap.cli;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.file.Path;
import java.time.Duration;

import org.ringipc.core.BurstProducer;
import org.ringipc.core.RingStats;
import org.ringipc.mmap.RingKind;
import org.ringipc.mmap.SharedMessageRing;
import org.ringipc.mmap.SharedRing;

/**
 * A ring file of either kind, opened as its header says ({@link RingKind}): the commands that work
 * on both kinds ({@code dma}, {@code consume}, {@code read} of several files) hold one of these.
 * Exactly one of {@link #bytes()} and {@link #messages()} is non-null.
 */
final class AnyRing implements AutoCloseable {

    final Path file;
    private final SharedRing bytes;
    private final SharedMessageRing messages;

    private AnyRing(Path file, SharedRing bytes, SharedMessageRing messages) {
        this.file = file;
        this.bytes = bytes;
        this.messages = messages;
    }

    /**
     * Opens {@code file} as the kind of ring it holds; a file that is no ring of this build is
     * opened as a byte ring, whose validation says what is wrong.
     */
    static AnyRing open(Path file) throws IOException {
        if (RingKind.of(file) == RingKind.MESSAGES) {
            return new AnyRing(file, null, SharedMessageRing.open(file));
        }
        return new AnyRing(file, SharedRing.open(file), null);
    }

    /** The byte ring, or null for a message ring. */
    SharedRing bytes() {
        return bytes;
    }

    /** The message ring, or null for a byte ring. */
    SharedMessageRing messages() {
        return messages;
    }

    /** Claims the consumer end: a {@code RingSource} or a {@code MessageSource}. */
    Channel source() {
        return bytes != null ? bytes.source() : messages.source();
    }

    /** The DMA engine on the producer end: bursts into the byte stream, or one message per burst. */
    BurstProducer startDma(int burstBytes, Duration interval) {
        return bytes != null ? BurstProducer.start(bytes.sink(), burstBytes, interval)
                : BurstProducer.start(messages.sink(), burstBytes, interval);
    }

    /** The largest burst the ring takes: any for a byte ring, its largest message for a message ring. */
    int maxBurstBytes() {
        return bytes != null ? Integer.MAX_VALUE : messages.maxMessageLength();
    }

    RingStats stats() {
        return bytes != null ? bytes.stats() : messages.stats();
    }

    @Override
    public void close() {
        if (bytes != null) {
            bytes.close();
        } else {
            messages.close();
        }
    }
}
