package org.ringipc.core;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The consumer end of a {@link Ring}: loads {@code head} with acquire, copies bytes out (or hands
 * them out in place), then publishes {@code tail} with release. It re-reads the producer's head only
 * when its cached copy shows nothing to read.
 */
final class ByteConsumer extends RingEnd implements RingSource {

    private final DataRegion data;
    private final int capacity;
    private long tail;
    private long cachedHead;

    ByteConsumer(RingMemory memory) {
        super(memory, HeaderSide.CONSUMER);
        this.data = memory.data;
        this.capacity = memory.capacity;
        this.tail = header.tailPlain();
        this.cachedHead = header.headAcquire();
    }

    /** Copies (or hands out) {@code n} readable bytes at {@code at} to {@code dst}; n is at most its room. */
    @FunctionalInterface
    private interface Take<D> {
        void take(DataRegion data, long at, D dst, int n);
    }

    private static final Take<ByteBuffer> TO_BUFFER = DataRegion::copyOut;
    private static final Take<MemorySegment> TO_SEGMENT = (data, at, dst, n) -> data.copyOut(at, dst, 0, n);
    private static final Take<SegmentHandler> HAND_OUT = (data, at, handler, n) -> data.handOut(at, n, handler);

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return (int) read(dst, dst.remaining(), true, false, 0, TO_BUFFER);
    }

    @Override
    public int read(ByteBuffer dst, long timeout, TimeUnit unit) throws IOException {
        return (int) read(dst, dst.remaining(), true, true, System.nanoTime() + unit.toNanos(timeout), TO_BUFFER);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        // one release for the whole scatter: the producer gets the room back at once
        return read(dsts, Buffers.remaining(dsts, offset, length), true, false, 0, (data, at, buffers, n) -> {
            for (int i = offset; n > 0; i++) {
                int part = Math.min(n, buffers[i].remaining());
                data.copyOut(at, buffers[i], part);
                at += part;
                n -= part;
            }
        });
    }

    @Override
    public long read(MemorySegment dst) throws IOException {
        return read(dst, dst.byteSize(), true, false, 0, TO_SEGMENT);
    }

    @Override
    public int tryRead(ByteBuffer dst) throws IOException {
        return (int) read(dst, dst.remaining(), false, false, 0, TO_BUFFER);
    }

    @Override
    public long drain(SegmentHandler handler, long maxBytes) throws IOException {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes=" + maxBytes + " is negative");
        }
        return read(handler, maxBytes, false, false, 0, HAND_OUT);
    }

    /**
     * The one frame of every read: enters the end, checks the ring, finds what is readable (waiting
     * for it when {@code wait}), takes at most {@code room} bytes of it into {@code dst} and releases
     * them. A waiting read with no room returns 0 at once; one that never waits says -1 at EOF even
     * with no room.
     *
     * @return the bytes taken; -1 at EOF; 0 when there is no room, nothing now (never waiting) or the
     *         deadline passed
     */
    private <D> long read(D dst, long room, boolean wait, boolean timed, long deadline, Take<D> take)
            throws IOException {
        enter();
        try {
            memory.checkNotCorrupted();
            if (wait && room == 0) {
                return 0;
            }
            long available = available();
            if (available == 0) {
                if (!wait) {
                    return eof() ? -1 : 0;
                }
                available = awaitData(timed, deadline);
                if (available <= 0) {
                    return available;
                }
            }
            int n = (int) Math.min(available, room);
            if (n > 0) {
                take.take(data, tail, dst, n);
                release(tail + n);
            }
            return n;
        } finally {
            exit();
        }
    }

    /** Nothing to give back: a byte consumer holds no claim. */
    @Override
    void abandon() {
    }

    private void release(long newTail) {
        tail = newTail;
        // release: our copies out of the freed bytes are complete before the producer may reuse them
        header.setTailRelease(newTail);
        header.addReadsOpaque(1);
        if (wakes) {
            waiter.wakePeer();
        }
    }

    /** Bytes readable now; re-reads the producer's head only when the cached one shows none. */
    private long available() throws RingCorruptedException {
        long available = cachedHead - tail;
        if (available == 0) {
            // acquire: pairs with the producer's release of head; the bytes below it are visible
            long head = header.headAcquire();
            if (head < cachedHead || head - tail > capacity || header.capacityAcquire() != capacity) {
                throw corrupted(head);
            }
            cachedHead = head;
            available = head - tail;
        }
        return available;
    }

    private RingCorruptedException corrupted(long head) {
        return memory.corrupted("head=" + head + " tail=" + tail + " capacity=" + capacity);
    }

    /** True once the producer is gone (closed or dead) and nothing is left to read. */
    private boolean eof() throws RingCorruptedException {
        // acquire: a CLOSED seen here happens-after the producer's last head release, so the
        // re-read of head below sees its final value
        if (header.stateAcquire(HeaderSide.PRODUCER) == RingLayout.STATE_CLOSED) {
            return available() == 0;
        }
        if (peerDied) {
            // before saying EOF again, ask again: a producer may have taken the end over since
            refreshPeer();
        } else {
            // a non-blocking reader learns of a dead producer at most every poll period
            pollPeerPeriodically();
        }
        return peerDied && available() == 0;
    }

    /** Waits for data: the bytes available, -1 at EOF, 0 on timeout. */
    private long awaitData(boolean timed, long deadline) throws IOException {
        refreshPeer();
        while (true) {
            int outcome = await(timed, deadline);
            memory.checkNotCorrupted();
            long available = available();
            if (available > 0) {
                return available;
            }
            if (eof()) {
                return -1;
            }
            if (outcome == Waiter.TIMED_OUT) {
                return 0;
            }
        }
    }

    @Override
    public boolean ready() {
        if (closed || peerDied || memory.isBroken()) {
            return true;
        }
        long head = header.headAcquire(); // acquire: as in available()
        if (head < cachedHead || head - tail > capacity || header.capacityAcquire() != capacity) {
            corrupted(head);  // marks the ring broken: the woken caller throws
            return true;
        }
        return head != tail || header.stateAcquire(HeaderSide.PRODUCER) == RingLayout.STATE_CLOSED;
    }
}
