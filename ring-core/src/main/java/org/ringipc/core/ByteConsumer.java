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

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return read(dst, false, 0);
    }

    @Override
    public int read(ByteBuffer dst, long timeout, TimeUnit unit) throws IOException {
        return read(dst, true, System.nanoTime() + unit.toNanos(timeout));
    }

    private int read(ByteBuffer dst, boolean timed, long deadline) throws IOException {
        enter();
        try {
            memory.checkNotCorrupted();
            if (!dst.hasRemaining()) {
                return 0;
            }
            long available = available();
            if (available == 0) {
                available = awaitData(timed, deadline);
                if (available <= 0) {
                    return (int) available;
                }
            }
            int n = (int) Math.min(available, dst.remaining());
            data.copyOut(tail, dst, n);
            release(tail + n);
            return n;
        } finally {
            exit();
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long room = Buffers.remaining(dsts, offset, length);
        enter();
        try {
            memory.checkNotCorrupted();
            if (room == 0) {
                return 0;
            }
            long available = available();
            if (available == 0) {
                available = awaitData(false, 0);
                if (available <= 0) {
                    return available;
                }
            }
            long at = tail;
            for (int i = offset; i < offset + length && at - tail < available; i++) {
                int n = (int) Math.min(available - (at - tail), dsts[i].remaining());
                data.copyOut(at, dsts[i], n);
                at += n;
            }
            long n = at - tail;
            release(at);  // one release for the whole scatter: the producer gets the room back at once
            return n;
        } finally {
            exit();
        }
    }

    @Override
    public long read(MemorySegment dst) throws IOException {
        enter();
        try {
            memory.checkNotCorrupted();
            if (dst.byteSize() == 0) {
                return 0;
            }
            long available = available();
            if (available == 0) {
                available = awaitData(false, 0);
                if (available <= 0) {
                    return available;
                }
            }
            int n = (int) Math.min(available, dst.byteSize());
            data.copyOut(tail, dst, 0, n);
            release(tail + n);
            return n;
        } finally {
            exit();
        }
    }

    @Override
    public int tryRead(ByteBuffer dst) throws IOException {
        enter();
        try {
            memory.checkNotCorrupted();
            long available = available();
            if (available == 0) {
                return eof() ? -1 : 0;
            }
            if (!dst.hasRemaining()) {
                return 0;
            }
            int n = (int) Math.min(available, dst.remaining());
            data.copyOut(tail, dst, n);
            release(tail + n);
            return n;
        } finally {
            exit();
        }
    }

    @Override
    public long drain(SegmentHandler handler, long maxBytes) throws IOException {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes=" + maxBytes + " is negative");
        }
        enter();
        try {
            memory.checkNotCorrupted();
            long available = available();
            if (available == 0) {
                return eof() ? -1 : 0;
            }
            int n = (int) Math.min(available, maxBytes);
            if (n == 0) {
                return 0;
            }
            data.handOut(tail, n, handler);
            release(tail + n);
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
