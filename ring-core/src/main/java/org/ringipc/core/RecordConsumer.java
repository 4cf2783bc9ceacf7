package org.ringipc.core;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static org.ringipc.core.RecordLayout.HEADER_BYTES;
import static org.ringipc.core.RecordLayout.HEADER_WORD_VH;
import static org.ringipc.core.RecordLayout.TYPE_LOST;
import static org.ringipc.core.RecordLayout.TYPE_MESSAGE;
import static org.ringipc.core.RecordLayout.TYPE_PADDING;
import static org.ringipc.core.RecordLayout.recordBytes;

/**
 * The consumer end of a {@link MessageRing}: loads the header word at its position with acquire (0:
 * nothing yet), hands whole records to the handler in place, then zeroes what it read and releases
 * {@code tail} once per batch. Its fast path never reads the producer's head.
 *
 * <p>After a crash it resynchronises instead of stalling: a record a dead producer reserved but
 * never published is marked {@link RecordLayout#TYPE_LOST} by the producer that takes its end over
 * ({@link RecordProducer#recover}); this end skips it and counts it ({@code lostRecords},
 * {@code lostBytes}). A consumer that died while zeroing a batch left {@code batchEnd} above its
 * tail; the next consumer finishes the zeroing ({@link #recover}). A consumer killed while its
 * handler runs has not released the batch: the next consumer hands those records out again
 * (at-least-once, as for any consumer that dies before it acknowledges).
 */
final class RecordConsumer extends RingEnd implements MessageSource {

    private final DataRegion data;
    private final MemorySegment segment;
    private final int capacity;
    private final int maxMessageLength;
    private long tail;
    private long cachedHead;

    RecordConsumer(RingMemory memory) {
        super(memory, HeaderSide.CONSUMER);
        this.data = memory.data;
        this.segment = memory.data.segment();
        this.capacity = memory.capacity;
        this.maxMessageLength = RecordLayout.maxMessageLength(capacity);
        this.tail = header.tailPlain();
        this.cachedHead = header.headAcquire();
    }

    /**
     * Takeover: the dead consumer may have handed out a batch and died while zeroing it, before it
     * released its tail; the batch was delivered, so finish the zeroing and release the tail past it.
     */
    static void recover(RingMemory memory) {
        RingHeader header = memory.header;
        long tail = header.tailPlain();
        long batchEnd = header.batchEndPlain();
        // acquire: the producer's head covers every record of the batch
        long head = header.headAcquire();
        if (batchEnd > tail && batchEnd <= head && batchEnd % RecordLayout.ALIGNMENT == 0) {
            memory.data.zero(tail, batchEnd - tail);
            // release: the zeroing is complete before the producer may write there
            header.setTailRelease(batchEnd);
        }
    }

    /** True when positions read from the header are ones an honest peer could have written. */
    static boolean honest(RingMemory memory, long head, long tail) {
        return tail >= 0 && head >= tail && head - tail <= memory.capacity
                && (head | tail) % RecordLayout.ALIGNMENT == 0
                && memory.header.capacityAcquire() == memory.capacity;
    }

    @Override
    public int poll(MessageHandler handler, int limit) throws IOException {
        Objects.requireNonNull(handler, "handler");
        checkLimit(limit);
        enter();
        try {
            memory.checkNotCorrupted();
            if (!published()) {
                return eof() ? -1 : 0;
            }
            return consume(handler, limit);
        } finally {
            exit();
        }
    }

    @Override
    public int take(MessageHandler handler, long timeout, TimeUnit unit) throws IOException {
        return take(handler, 1, timeout, unit);
    }

    @Override
    public int take(MessageHandler handler, int limit, long timeout, TimeUnit unit) throws IOException {
        checkLimit(limit);
        return take(handler, limit, true, System.nanoTime() + unit.toNanos(timeout));
    }

    @Override
    public int take(MessageHandler handler) throws IOException {
        return take(handler, 1, false, 0);
    }

    private int take(MessageHandler handler, int limit, boolean timed, long deadline) throws IOException {
        Objects.requireNonNull(handler, "handler");
        enter();
        try {
            memory.checkNotCorrupted();
            while (true) {
                if (published()) {
                    int taken = consume(handler, limit);
                    if (taken > 0) {
                        return taken;
                    }
                    continue;  // only padding was there: look again at the record after it
                }
                int outcome = awaitData(timed, deadline);
                if (outcome <= 0) {
                    return outcome;
                }
            }
        } finally {
            exit();
        }
    }

    /** A consumer holds no claim; a batch in progress is released by consume's finally. */
    @Override
    void abandon() {
    }

    /**
     * Hands up to {@code limit} published records to the handler (at most one lap of the ring),
     * then zeroes them and releases the tail once for the whole batch (also when the handler throws).
     */
    private int consume(MessageHandler handler, int limit) throws RingCorruptedException {
        final long start = tail;
        long position = start;
        int count = 0;
        try {
            while (count < limit && position - start < capacity) {
                final int index = data.index(position);
                // acquire: pairs with the producer's release of the header word; the payload it
                // vouches for is complete. Bytes not yet published read 0: we zeroed them last lap
                final long word = (long) HEADER_WORD_VH.getAcquire(segment, (long) index);
                if (word == 0) {
                    break;
                }
                final int length = RecordLayout.lengthOf(word);
                final int type = RecordLayout.typeOf(word);
                position += checkRecord(index, length, type, capacity - (position - start));
                if (type == TYPE_LOST) {
                    header.addLostOpaque(1, recordBytes(length));
                    RingEvents.Drop.emit(recordBytes(length), capacity);
                }
                if (type == TYPE_MESSAGE) {
                    count++;
                    handler.onMessage(segment.asSlice(index + HEADER_BYTES, length).asReadOnly());
                }
            }
        } finally {
            if (position != start) {
                release(position, count);
            }
        }
        return count;
    }

    /** The record's size, after checking that an honest producer could have written its header. */
    private long checkRecord(int index, int length, int type, long room) throws RingCorruptedException {
        int toEnd = capacity - index;
        boolean valid = switch (type) {
            case TYPE_MESSAGE, TYPE_LOST -> length >= 0 && length <= maxMessageLength && recordBytes(length) <= toEnd;
            case TYPE_PADDING -> length == toEnd - HEADER_BYTES;
            default -> false;
        };
        long size = valid ? recordBytes(length) : 0;
        if (!valid || size > room) {
            throw memory.corrupted("record at index " + index + " has length=" + length + " type=" + type
                    + " (head=" + cachedHead + " tail=" + tail + " capacity=" + capacity + ")");
        }
        return size;
    }

    /**
     * Zeroes [tail, newTail) and releases the new tail. {@code batchEnd} is stored first, so a
     * consumer that takes over from one killed while zeroing finishes the job ({@link #recover}).
     */
    private void release(long newTail, int messages) {
        header.setBatchEndOpaque(newTail);
        // StoreStore: batchEnd is in memory before the first zeroing store, so whoever finds part of
        // the batch zeroed also finds batchEnd covering it
        VarHandle.storeStoreFence();
        // zero what was read, so that until the producer publishes there, every header word in it
        // reads 0 next lap (the producer writes there only after the release of tail below)
        data.zero(tail, newTail - tail);
        tail = newTail;
        // release: the handler's reads of the batch, and the zeroing, are complete before the
        // producer may reuse its bytes; pairs with the producer's acquire of tail
        header.setTailRelease(newTail);
        header.addReadsOpaque(messages);
        if (wakes) {
            waiter.wakePeer();
        }
    }

    /** True when a record is published at the tail; reads the data region only, never the producer's head. */
    private boolean published() {
        // acquire: as in consume
        return (long) HEADER_WORD_VH.getAcquire(segment, (long) data.index(tail)) != 0;
    }

    /**
     * Checks the producer's head against what an honest producer could have written (it is stored
     * before the records it covers, so it is never behind our tail); returns false and marks the
     * ring broken when it is not. Only on slow paths: the fast path never reads head.
     */
    private boolean headHonest() {
        // acquire: pairs with the producer's release of head
        long head = header.headAcquire();
        if (head < cachedHead || !honest(memory, head, tail)) {
            memory.corrupted("head ran backwards, too far or off a record boundary (head=" + head
                    + " tail=" + tail + " capacity=" + capacity + ")");
            return false;
        }
        cachedHead = head;
        return true;
    }

    /** True once the producer is gone (closed or dead) and nothing is left to read. */
    private boolean eof() throws RingCorruptedException {
        // acquire: a CLOSED seen here happens-after the producer's last publication, so the re-read
        // of the word at the tail below sees its last record
        if (header.stateAcquire(HeaderSide.PRODUCER) == RingLayout.STATE_CLOSED) {
            return !published();
        }
        if (peerDied) {
            // before saying EOF again, ask again: a producer may have taken the end over since
            refreshPeer();
        } else if (pollPeerPeriodically() && !headHonest()) {
            // a reader that never waits learns of a dead producer (and of a scribbled head) at
            // most every poll period
            memory.checkNotCorrupted();
        }
        return peerDied && !published();
    }

    /** Waits for data: 1 when records are there, -1 at EOF, 0 on timeout. */
    private int awaitData(boolean timed, long deadline) throws IOException {
        refreshPeer();
        while (true) {
            int outcome = await(timed, deadline);
            memory.checkNotCorrupted();
            if (published()) {
                return 1;
            }
            if (eof()) {
                return -1;
            }
            if (outcome == Waiter.TIMED_OUT) {
                return 0;
            }
        }
    }

    private static void checkLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit=" + limit + " is not positive");
        }
    }

    @Override
    public boolean ready() {
        if (closed || peerDied || memory.isBroken()) {
            return true;
        }
        if (!headHonest()) {
            return true;  // the woken caller throws
        }
        return published() || header.stateAcquire(HeaderSide.PRODUCER) == RingLayout.STATE_CLOSED;
    }
}
