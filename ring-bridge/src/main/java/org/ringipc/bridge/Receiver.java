package org.ringipc.bridge;

import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.ringipc.core.RingStats;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * The receiving bridge's pump: polls an Aeron subscription and writes each frame's payload into the
 * producer end of the local ring, a byte chunk with one write, a message as one message.
 *
 * <p>Back-pressure: the write waits while the ring is full (the ring's BLOCK producer), and while it
 * waits nothing is polled, so the subscriber's position stands still, Aeron's receiver window
 * closes, and the sending bridge's publication refuses offers.
 *
 * <p>Outcomes (the exit status): 0 after EOF, written after the last byte; 1 when the sending
 * bridge went away without EOF (its image went silent for the peer timeout) or the
 * ring's reader went away (broken pipe), each said in one line.
 */
final class Receiver {

    /** The write of one payload into the local ring (bytes: every byte; messages: one message). */
    interface Writer {
        void write(ByteBuffer payload) throws IOException;
    }

    private final BridgeStats stats;
    private final PrintStream err;
    private final boolean messages;
    private volatile boolean eof;
    // written by Aeron's client conductor thread, read by the pump: volatile, so the pump sees the
    // lost image after the conductor removed it from the subscription (nothing more to poll from it)
    private volatile Image lost;

    private final String silence;

    Receiver(BridgeStats stats, PrintStream err, boolean messages, String silence) {
        this.silence = silence;
        this.stats = stats;
        this.err = err;
        this.messages = messages;
    }

    /** Called by Aeron's client conductor when an image leaves the subscription. */
    void onUnavailableImage(Image image) {
        if (!eof) {
            lost = image;
        }
    }

    /**
     * Pumps until EOF or a peer goes away. {@code ringStats} gives the local ring's counters, whose
     * producer sleeps are this bridge's back-pressure events.
     */
    int pump(Subscription sub, Writer writer, Supplier<RingStats> ringStats, int maxPayload) {
        long sleepsBefore = ringStats.get().producerSleeps();
        ByteBuffer scratch = ByteBuffer.allocateDirect(maxPayload);
        byte expected = messages ? Frame.MESSAGE : Frame.BYTES;
        FragmentAssembler assembler = new FragmentAssembler(
                (DirectBuffer buffer, int offset, int length, Header header) -> {
                    byte type = buffer.getByte(offset);
                    if (type == Frame.EOF) {
                        eof = true;
                        return;
                    }
                    if (type != expected) {
                        throw new IllegalStateException("a " + Frame.name(type) + " frame came to a "
                                + (messages ? "message" : "byte") + " ring: run both bridges with"
                                + (messages ? "" : "out") + " --messages");
                    }
                    int n = length - Frame.HEADER;
                    if (n > scratch.capacity()) {
                        throw new IllegalStateException("a message of " + n + " bytes came, but the ring takes"
                                + " at most " + scratch.capacity() + ": give the receiving ring a capacity of"
                                + " at least twice the sender's");
                    }
                    buffer.getBytes(offset + Frame.HEADER, scratch.clear(), 0, n);
                    scratch.limit(n);
                    try {
                        writer.write(scratch);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    stats.bytes += n;
                    stats.messages++;
                });
        IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, 100_000);
        try {
            while (!eof) {
                int n = sub.poll(assembler, 16);
                if (n == 0 && lost != null && !eof) {
                    err.println("bridge receive: the sending bridge went away without EOF (no data or heartbeat from "
                            + lost.sourceIdentity() + " " + silence + ") after " + stats.bytes + " bytes; closing the ring's writer end, so its reader gets EOF");
                    stats.outcome = "sender-gone";
                    return 1;
                }
                idle.idle(n);
            }
            stats.outcome = "eof";
            return 0;
        } catch (UncheckedIOException e) {
            err.println("bridge receive: the ring's reader went away (" + e.getCause().getMessage()
                    + ") after " + stats.bytes + " bytes; leaving, so the sending bridge's writer gets broken pipe");
            stats.outcome = "reader-gone";
            return 1;
        } finally {
            stats.backPressureEvents = ringStats.get().producerSleeps() - sleepsBefore;
        }
    }
}
