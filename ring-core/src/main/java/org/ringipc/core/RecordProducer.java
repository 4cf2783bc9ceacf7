package org.ringipc.core;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import static org.ringipc.core.RecordLayout.HEADER_BYTES;
import static org.ringipc.core.RecordLayout.HEADER_WORD_VH;
import static org.ringipc.core.RecordLayout.TYPE_LOST;
import static org.ringipc.core.RecordLayout.TYPE_MESSAGE;
import static org.ringipc.core.RecordLayout.TYPE_PADDING;
import static org.ringipc.core.RecordLayout.headerWord;
import static org.ringipc.core.RecordLayout.recordBytes;

/**
 * The producer end of a {@link MessageRing}: reserves a record (with a padding record before the wrap
 * when it would cross the end), copies the payload, then publishes {@code head} and the header word,
 * both with release ({@link RecordLayout} gives the argument).
 *
 * <p>Every way of giving up a claim (abort, a commit that fails, closing the end) zeroes the claimed
 * bytes: a later record's header may land there and must read 0 until it is published. A producer
 * that takes the end over from a dead one zeroes all free space first ({@link #recover}), since
 * the dead one may have written into it.
 */
final class RecordProducer extends ProducerEnd implements MessageSink {

    private static final int NO_CLAIM = -1;

    private final DataRegion data;
    private final MemorySegment segment;
    private final int maxMessageLength;
    private final boolean drop;
    /** Position of the reserved record: head, or the start of the data region after wrap padding. */
    private long recordStart;
    private int claimIndex = NO_CLAIM;
    private int claimLength;
    /** The padding record the reserved record needs before the wrap (index, or -1), published with it. */
    private int paddingIndex = -1;
    private int paddingLength;

    RecordProducer(RingMemory memory) {
        super(memory, "message ring");
        this.data = memory.data;
        this.segment = memory.data.segment();
        this.maxMessageLength = RecordLayout.maxMessageLength(capacity);
        this.drop = memory.options.overflowPolicy() == OverflowPolicy.DROP;
    }

    /**
     * Every open of the producer end: the previous producer may have left bytes in the free space
     * (a claim's payload written after its sink was closed under it, or a killed producer's claim);
     * zero it all, so that every header word the consumer may reach past head reads 0 until this
     * producer publishes there. The consumer never reads past head, so nothing races the zeroing;
     * the release of the end's state OPEN ({@link RingMemory#open}) orders it before our first record.
     */
    static void prepare(RingMemory memory) {
        RingHeader header = memory.header;
        long head = header.headPlain();
        // acquire: the consumer's reads and zeroing below tail are done; we only touch bytes above head
        long tail = header.tailAcquire();
        memory.data.zero(head, memory.capacity - (head - tail));
    }

    /**
     * Takeover: the dead producer may have died between storing {@code head} and the header word of
     * the record it covers (and of the padding before it, at a wrap). Such a record would stall the
     * consumer forever at a word that reads 0. Its start is in {@code publishing}; each word of it
     * that reads 0 and that the consumer has not passed is published now: the padding slot as
     * padding, the record as {@link RecordLayout#TYPE_LOST}, which the consumer skips and counts.
     */
    static void recover(RingMemory memory) {
        RingHeader header = memory.header;
        // plain: we hold the producer end; the dead producer's stores are visible through the lock
        // (kernel or owner-word CAS) and the acquire of its state in open
        long head = header.headPlain();
        long start = header.publishingPlain();
        int capacity = memory.capacity;
        if (start >= head || head - start > RecordLayout.recordBytes(RecordLayout.maxMessageLength(capacity)) + capacity
                || start % RecordLayout.ALIGNMENT != 0) {
            return;  // nothing in flight (or not a position an honest producer stored: leave it)
        }
        int index = memory.data.index(start);
        int toEnd = capacity - index;
        MemorySegment segment = memory.data.segment();
        if (head - start > toEnd) {
            // a wrap: padding at [start, end of region), the record at index 0; the record's word first
            markIfUnpublished(memory, segment, start + toEnd, 0, (int) (head - start - toEnd), TYPE_LOST);
            markIfUnpublished(memory, segment, start, index, toEnd, TYPE_PADDING);
        } else {
            markIfUnpublished(memory, segment, start, index, (int) (head - start), TYPE_LOST);
        }
    }

    private static void markIfUnpublished(RingMemory memory, MemorySegment segment, long position, int index,
                                          int bytes, int type) {
        // acquire: a word the dead producer did publish reads non-zero; one the consumer already
        // read and zeroed reads 0 too, so look at its positions after the word
        long word = (long) HEADER_WORD_VH.getAcquire(segment, (long) index);
        // acquire (both): the consumer stores batchEnd before it zeroes a batch (a store-store fence
        // between), and releases tail after: a zeroed word we read comes with a position past it
        long batchEnd = memory.header.batchEndAcquire();
        long tail = memory.header.tailAcquire();
        if (word != 0 || tail > position || batchEnd > position) {
            return;
        }
        // release: pairs with the consumer's acquire of the word
        HEADER_WORD_VH.setRelease(segment, (long) index, headerWord(bytes - HEADER_BYTES, type));
    }

    @Override
    public boolean offer(MemorySegment msg) throws IOException {
        int length = checkLength(msg.byteSize());
        enter();
        try {
            checkIdle();
            int index = reserve(length, false);
            if (index < 0) {
                dropped(recordBytes(length));
                return false;
            }
            MemorySegment.copy(msg, 0, segment, index + HEADER_BYTES, length);
            publish(index, length);
            return true;
        } finally {
            exit();
        }
    }

    @Override
    public boolean offer(ByteBuffer msg) throws IOException {
        boolean written = offer(MemorySegment.ofBuffer(msg));
        if (written) {
            msg.position(msg.limit());
        }
        return written;
    }

    @Override
    public void write(MemorySegment msg) throws IOException {
        if (drop) {
            offer(msg);
            return;
        }
        int length = checkLength(msg.byteSize());
        enter();
        try {
            checkIdle();
            int index = reserve(length, true);
            MemorySegment.copy(msg, 0, segment, index + HEADER_BYTES, length);
            publish(index, length);
        } finally {
            exit();
        }
    }

    @Override
    public void write(ByteBuffer msg) throws IOException {
        write(MemorySegment.ofBuffer(msg));
        msg.position(msg.limit());
    }

    @Override
    public void write(ByteBuffer... parts) throws IOException {
        MemorySegment[] views = new MemorySegment[parts.length];
        for (int i = 0; i < parts.length; i++) {
            views[i] = MemorySegment.ofBuffer(parts[i]);  // a view of the buffer's remaining bytes, not a copy
        }
        write(views);
        for (ByteBuffer part : parts) {
            part.position(part.limit());
        }
    }

    @Override
    public void write(MemorySegment... parts) throws IOException {
        long total = 0;
        for (MemorySegment part : parts) {
            total += part.byteSize();
        }
        int length = checkLength(total);
        enter();
        try {
            checkIdle();
            int index = reserve(length, !drop);
            if (index < 0) {
                dropped(recordBytes(length));
                return;
            }
            long at = index + HEADER_BYTES;
            for (MemorySegment part : parts) {
                MemorySegment.copy(part, 0, segment, at, part.byteSize());
                at += part.byteSize();
            }
            publish(index, length);
        } finally {
            exit();
        }
    }

    @Override
    public MemorySegment claim(int length) throws IOException {
        return claim(length, true);
    }

    @Override
    public MemorySegment tryClaim(int length) throws IOException {
        return claim(length, false);
    }

    private MemorySegment claim(int length, boolean wait) throws IOException {
        checkLength(length);
        enter();
        try {
            checkIdle();
            int index = reserve(length, wait);
            if (index < 0) {
                return null;
            }
            claimIndex = index;
            claimLength = length;
            return segment.asSlice(index + HEADER_BYTES, length);
        } finally {
            exit();
        }
    }

    @Override
    public void commit() throws IOException {
        commit(claimLength);
    }

    @Override
    public void commit(int length) throws IOException {
        if (claimIndex == NO_CLAIM) {
            throw new IllegalStateException("nothing is claimed: claim(length) before commit()");
        }
        if (length < 0 || length > claimLength) {
            throw new IllegalArgumentException("length=" + length + " is not in 0 .. claimed=" + claimLength);
        }
        enter();
        try {
            try {
                checkWritable();
            } catch (IOException | RuntimeException e) {
                abandon();  // the claim is given up: zero it, and publish no padding for it later
                throw e;
            }
            int index = claimIndex;
            claimIndex = NO_CLAIM;
            // the unused end of the claim: a later record's header may land there, and must read 0 until published
            data.zero(index + recordBytes(length), recordBytes(claimLength) - recordBytes(length));
            publish(index, length);
        } finally {
            exit();
        }
    }

    @Override
    public void abort() {
        if (!tryEnter()) {
            return;  // closed: closing gave the claim up already
        }
        try {
            abandon();
        } finally {
            exit();
        }
    }

    /** Zeroes a pending claim (whatever the caller wrote into it) and forgets it and its padding. */
    @Override
    void abandon() {
        if (claimIndex != NO_CLAIM) {
            data.zero(claimIndex + HEADER_BYTES, recordBytes(claimLength) - HEADER_BYTES);
            claimIndex = NO_CLAIM;
        }
        paddingIndex = -1;
    }

    @Override
    public int maxMessageLength() {
        return maxMessageLength;
    }

    private void dropped(long bytes) {
        header.addDropOpaque(bytes);
        RingEvents.Drop.emit(bytes, capacity);
    }

    private int checkLength(long length) {
        if (length < 0 || length > maxMessageLength) {
            throw new IllegalArgumentException("length=" + length + " is not in 0 .. maxMessageLength="
                    + maxMessageLength + " (half the ring less an 8-byte record header)");
        }
        return (int) length;
    }

    private void checkIdle() throws IOException {
        if (claimIndex != NO_CLAIM) {
            throw new IllegalStateException("a claim of " + claimLength + " bytes is pending: commit() or abort() it first");
        }
        checkWritable();
    }

    /**
     * Finds room for a record of {@code length} payload bytes, writing a padding record first when
     * it would cross the end of the data region; nothing is published yet.
     *
     * @return the index of the record's header, or -1 when {@code wait} is false and there is no room now
     */
    private int reserve(int length, boolean wait) throws IOException {
        final long size = recordBytes(length);
        final int index = data.index(head);
        final int toEnd = capacity - index;
        final long need = size <= toEnd ? size : toEnd + size;
        while (free(need) < need) {
            if (!wait) {
                return -1;
            }
            awaitRoom(need);
        }
        if (size <= toEnd) {
            recordStart = head;
            return index;
        }
        // the padding is published with the record (an aborted claim leaves none behind)
        paddingIndex = index;
        paddingLength = toEnd - HEADER_BYTES;
        recordStart = head + toEnd;
        return 0;
    }

    private void publish(int index, int length) {
        long newHead = recordStart + recordBytes(length);
        // plain: where this record (with the padding before it) starts, for a producer that takes
        // over if we die before its header word; the release of head below orders it
        header.setPublishingPlain(head);
        head = newHead;
        // release: head (for stats, EOF and the consumer's honesty check) covers the record before
        // its header word can be seen, so the consumer's position never passes head
        header.setHeadRelease(newHead);
        // release: the payload is written before the header word that vouches for it; pairs with
        // the consumer's acquire of the word, so a reader that trusts a length never sees a half-written record
        HEADER_WORD_VH.setRelease(segment, (long) index, headerWord(length, TYPE_MESSAGE));
        if (paddingIndex >= 0) {
            // release: the record's word is stored before the padding's, so a consumer that skips the
            // padding finds the record whole
            HEADER_WORD_VH.setRelease(segment, (long) paddingIndex, headerWord(paddingLength, TYPE_PADDING));
            paddingIndex = -1;
        }
        header.addWritesOpaque(1);
        if (wakes) {
            waiter.wakePeer();
        }
    }

    @Override
    boolean tailHonest(long tail) {
        return RecordConsumer.honest(memory, head, tail);
    }
}
