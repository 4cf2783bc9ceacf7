package org.ringipc.bridge;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.ringipc.core.MessageSource;
import org.ringipc.core.RingSource;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The sending bridge's pump: drains the consumer end of the local ring into an Aeron publication.
 *
 * <p>Back-pressure: a chunk (or message) leaves the ring only to be offered, and the next one is
 * read only after the publication took it. When the remote ring is full, the remote bridge stops
 * polling, Aeron's flow-control window closes, the publication refuses offers, this pump stops
 * draining, and the local writer finds its ring full and waits (BLOCK) or drops (DROP), as it would
 * with a slow local reader.
 *
 * <p>Outcomes (the exit status): 0 when EOF reached the receiver; 1 when the receiving bridge went
 * away (its status messages stopped for the peer timeout), said in one line.
 */
final class Sender {

    /** How long one wait on the ring lasts before the pump checks on its peer. */
    private static final long POLL_MS = 100;
    /** How long, after EOF, the pump waits for the receiver to take everything and leave. */
    private static final long LINGER_NS = TimeUnit.SECONDS.toNanos(10);

    private final ExclusivePublication pub;
    private final BridgeStats stats;
    private final PrintStream err;
    private final String silence;
    private final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, 100_000);

    Sender(ExclusivePublication pub, BridgeStats stats, PrintStream err, String silence) {
        this.pub = pub;
        this.silence = silence;
        this.stats = stats;
        this.err = err;
    }

    /** Pumps a byte ring until EOF or until the receiver goes away. */
    int pumpBytes(RingSource source) throws IOException {
        // a frame no longer than the channel's largest message (term-length / 8)
        int chunk = Math.min(Frame.CHUNK, pub.maxMessageLength() - Frame.HEADER);
        ByteBuffer buf = ByteBuffer.allocateDirect(Frame.HEADER + chunk);
        UnsafeBuffer frame = new UnsafeBuffer(buf);
        if (!awaitReceiver()) {
            return gone("before it connected");
        }
        while (true) {
            buf.clear().position(Frame.HEADER);
            int n = source.read(buf, POLL_MS, TimeUnit.MILLISECONDS);
            if (n == 0) {
                if (!pub.isConnected()) {
                    return gone("while the ring was idle");
                }
                continue;
            }
            if (n < 0) {
                return finish(frame);
            }
            frame.putByte(0, Frame.BYTES);
            if (!offer(frame, Frame.HEADER + n)) {
                return gone("with " + n + " bytes in hand");
            }
            stats.bytes += n;
            stats.messages++;
        }
    }

    /** Pumps a message ring, one Aeron message per ring message, until EOF or the receiver goes away. */
    int pumpMessages(MessageSource source, int maxMessageLength) throws IOException {
        if (maxMessageLength + Frame.HEADER > pub.maxMessageLength()) {
            err.println("bridge send: the ring's messages may be up to " + maxMessageLength
                    + " bytes but the channel carries at most " + (pub.maxMessageLength() - Frame.HEADER)
                    + " (Aeron: term-length / 8); give the channel a larger term-length");
            stats.outcome = "message-too-long";
            return 1;
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(Frame.HEADER + maxMessageLength);
        MemorySegment payload = MemorySegment.ofBuffer(buf).asSlice(Frame.HEADER);
        UnsafeBuffer frame = new UnsafeBuffer(buf);
        frame.putByte(0, Frame.MESSAGE);
        boolean[] delivered = {true};
        if (!awaitReceiver()) {
            return gone("before it connected");
        }
        while (true) {
            int n = source.take(msg -> {
                int length = (int) msg.byteSize();
                MemorySegment.copy(msg, 0, payload, 0, length);
                // once the receiver is gone, the rest of the batch is dropped with it
                if (delivered[0] && offer(frame, Frame.HEADER + length)) {
                    stats.bytes += length;
                    stats.messages++;
                } else {
                    delivered[0] = false;
                }
            }, 64, POLL_MS, TimeUnit.MILLISECONDS);
            if (!delivered[0]) {
                return gone("with messages in hand");
            }
            if (n == 0 && !pub.isConnected()) {
                return gone("while the ring was idle");
            }
            if (n < 0) {
                return finish(frame);
            }
        }
    }

    private boolean awaitReceiver() {
        // the local writer may fill the ring meanwhile and wait: back-pressure before the first byte
        while (!pub.isConnected()) {
            if (pub.isClosed()) {
                return false;
            }
            idle.idle();
        }
        idle.reset();
        return true;
    }

    /** Offers a frame until the publication takes it; false when the receiver is gone. */
    private boolean offer(UnsafeBuffer frame, int length) {
        boolean pressured = false;
        while (true) {
            long r = pub.offer(frame, 0, length);
            if (r > 0) {
                idle.reset();
                return true;
            }
            if (r == Publication.BACK_PRESSURED || r == Publication.ADMIN_ACTION) {
                if (!pressured && r == Publication.BACK_PRESSURED) {
                    stats.backPressureEvents++;
                    pressured = true;
                }
                idle.idle();
            } else if (r == Publication.NOT_CONNECTED) {
                return false;
            } else {
                throw new IllegalStateException("publication refused the frame: offer returned " + r
                        + (r == Publication.CLOSED ? " (closed)" : r == Publication.MAX_POSITION_EXCEEDED
                        ? " (max position exceeded: the stream outgrew its term buffers)" : ""));
            }
        }
    }

    /** Sends EOF, then waits for the receiver to take it and leave (its driver then stops acking). */
    private int finish(UnsafeBuffer frame) {
        frame.putByte(0, Frame.EOF);
        if (!offer(frame, Frame.HEADER)) {
            return gone("before EOF could be sent");
        }
        long deadline = System.nanoTime() + LINGER_NS;
        while (pub.isConnected() && System.nanoTime() < deadline) {
            idle.idle();
        }
        stats.outcome = "eof";
        return 0;
    }

    private int gone(String when) {
        err.println("bridge send: the receiving bridge went away " + when
                + " (no status from it " + silence + "); closing the ring's reader end, so its writer gets broken pipe");
        stats.outcome = "receiver-gone";
        return 1;
    }
}
