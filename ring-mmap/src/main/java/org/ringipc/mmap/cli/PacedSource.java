package org.ringipc.mmap.cli;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.ringipc.core.RingSource;
import org.ringipc.core.SegmentHandler;

/**
 * The source {@code ring consume} hands to {@code BurstVerifier}: a slow consumer and a stoppable
 * one. It returns one DMA burst at a time (its 16-byte header, then its body), sleeps
 * {@code delay} before each burst, and reports EOF early, at a burst boundary, once {@code stop}
 * says so (Ctrl+C), so the verifier returns its report instead of blocking in a read.
 *
 * <p>It reads the burst header only to find where the next burst starts: {@code length}, a
 * little-endian int at offset 8, as {@code BurstLayout} in ring-core documents. A length no burst
 * can have (framing lost) leaves the reads unsplit until the verifier finds its footing; the
 * verifier, not this class, judges every burst. One thread at a time, as every source.
 */
final class PacedSource implements RingSource {

    static final int HEADER_BYTES = 16;
    private static final int LENGTH_OFFSET = 8;
    private static final int MAX_BURST_BYTES = 1 << 24;
    /** A blocked read wakes this often to look at {@code stop}. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final RingSource source;
    private final long delayNanos;
    private final BooleanSupplier stop;
    private final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    /** Bytes of the current burst's body still to hand out; -1 while framing is lost. */
    private long bodyLeft;

    PacedSource(RingSource source, Duration delay, BooleanSupplier stop) {
        this.source = source;
        this.delayNanos = delay.toNanos();
        this.stop = stop;
    }

    /** One read of the wrapped source into a buffer already limited to the current burst. */
    @FunctionalInterface
    private interface Read {
        int into(ByteBuffer dst, boolean atBoundary) throws IOException;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return paced(dst, this::readOrStop);
    }

    @Override
    public int read(ByteBuffer dst, long timeout, TimeUnit unit) throws IOException {
        return paced(dst, (d, atBoundary) -> source.read(d, timeout, unit));
    }

    @Override
    public int tryRead(ByteBuffer dst) throws IOException {
        return paced(dst, (d, atBoundary) -> source.tryRead(d));
    }

    @Override
    public long read(MemorySegment dst) throws IOException {
        return read(dst.asByteBuffer());
    }

    @Override
    public long drain(SegmentHandler handler, long maxBytes) throws IOException {
        if (maxBytes <= 0) {
            return 0;
        }
        if (atBoundary()) {
            if (stop.getAsBoolean()) {
                return -1;
            }
            pause();
        }
        return source.drain(slice -> {
            ByteBuffer view = slice.asByteBuffer();
            track(view, view.position(), view.remaining());
            handler.onSegment(slice);
        }, Math.min(maxBytes, allowance(maxBytes)));
    }

    /** Sleeps before a burst, limits {@code dst} to the rest of the current burst, reads, follows the framing. */
    private int paced(ByteBuffer dst, Read read) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        boolean atBoundary = atBoundary();
        if (atBoundary) {
            if (stop.getAsBoolean()) {
                return -1;
            }
            pause();
        }
        int limit = dst.limit();
        int start = dst.position();
        dst.limit(start + (int) Math.min(dst.remaining(), allowance(dst.remaining())));
        int n;
        try {
            n = read.into(dst, atBoundary);
        } finally {
            dst.limit(limit);
        }
        if (n > 0) {
            track(dst, start, n);
        }
        return n;
    }

    private boolean atBoundary() {
        return bodyLeft == 0 && header.position() == 0;
    }

    /** The most the next read may take: the rest of the header or body, or {@code room} when unframed. */
    private long allowance(long room) {
        return bodyLeft > 0 ? bodyLeft : bodyLeft == 0 ? header.remaining() : room;
    }

    /** A blocking read in slices, so a stop requested at a burst boundary ends it with EOF. */
    private int readOrStop(ByteBuffer dst, boolean atBoundary) throws IOException {
        while (true) {
            int n = source.read(dst, POLL_NANOS, TimeUnit.NANOSECONDS);
            if (n != 0) {
                return n;
            }
            if (stop.getAsBoolean() && (atBoundary || bodyLeft < 0)) {
                return -1;
            }
        }
    }

    /** Follows the framing over the {@code n} bytes just read at {@code dst[start..]}. */
    private void track(ByteBuffer dst, int start, int n) {
        if (bodyLeft < 0) {
            return;
        }
        if (bodyLeft > 0) {
            bodyLeft -= n;
            return;
        }
        header.put(dst.duplicate().position(start).limit(start + n));
        if (header.hasRemaining()) {
            return;
        }
        int length = header.getInt(LENGTH_OFFSET);
        header.clear();
        if (length == 0) {
            bodyLeft = 0;  // the end-of-stream marker: a bare header
        } else if (length < HEADER_BYTES || length > MAX_BURST_BYTES) {
            bodyLeft = -1;
        } else {
            bodyLeft = length - HEADER_BYTES;
        }
    }

    private void pause() throws IOException {
        if (delayNanos <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(delayNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while pacing the consumer");
        }
    }

    @Override
    public boolean isOpen() {
        return source.isOpen();
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
