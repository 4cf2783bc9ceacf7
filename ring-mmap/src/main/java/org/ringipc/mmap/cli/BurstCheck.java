package org.ringipc.mmap.cli;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.ringipc.core.BurstReport;
import org.ringipc.core.BurstStream;
import org.ringipc.core.MessageSource;
import org.ringipc.core.RingSource;

/**
 * {@code ring consume}'s work on one ring file of either kind: its source's bursts fed to a
 * {@link BurstStream} as they come, without waiting (a {@link FanIn.Pump}). A byte ring's bytes go
 * through {@link PacedSource} (the delay before each burst, the stop at a burst boundary); a message
 * ring's messages are each one burst, with the delay after each.
 */
final class BurstCheck implements FanIn.Pump {

    /** Drains per pump of a byte ring: a burst takes two (header, body), so this is 32 bursts at most. */
    private static final int DRAINS_PER_PUMP = 64;
    /** Messages per pump of a message ring without a delay. */
    private static final int MESSAGES_PER_PUMP = 256;

    final AnyRing ring;
    private final BurstStream stream = new BurstStream();
    private final long delayNanos;
    private final PacedSource bytes;
    private final MessageSource messages;
    private BurstReport finalReport;

    /** Takes the consumer end of {@code ring} and registers it with {@code fanIn}. */
    BurstCheck(FanIn fanIn, AnyRing ring, Duration delay, BooleanSupplier stop) throws IOException {
        this.ring = ring;
        this.delayNanos = delay.toNanos();
        if (ring.bytes() != null) {
            RingSource source = ring.bytes().source();
            this.bytes = new PacedSource(source, delay, stop);
            this.messages = null;
            fanIn.add(source, this);
        } else {
            this.bytes = null;
            this.messages = ring.messages().source();
            fanIn.add(messages, this);
        }
    }

    @Override
    public int pump() throws IOException {
        int n = bytes != null ? pumpBytes() : pumpMessages();
        if (n < 0) {
            finalReport = stream.finish();
        }
        return n;
    }

    private int pumpBytes() throws IOException {
        int total = 0;
        for (int i = 0; i < DRAINS_PER_PUMP; i++) {
            long n = bytes.drain(stream::accept, Long.MAX_VALUE);
            if (n < 0) {
                return -1;
            }
            if (n == 0) {
                break;
            }
            total += (int) n;
        }
        return total;
    }

    private int pumpMessages() throws IOException {
        int n = messages.poll(stream::acceptMessage, delayNanos > 0 ? 1 : MESSAGES_PER_PUMP);
        if (n > 0 && delayNanos > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(delayNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while pacing the consumer");
            }
        }
        return n;
    }

    /** The stream's counts: final once it reached EOF, so far when the consumer was stopped before. */
    BurstReport report() {
        return finalReport != null ? finalReport : stream.report();
    }
}
