package org.ringipc.core;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import static org.ringipc.core.RecordLayout.HEADER_BYTES;
import static org.ringipc.core.RecordLayout.HEADER_WORD_VH;
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
     * Takeover: the dead producer may have written a claim's payload, or a record whose header word
     * it never stored, anywhere in the free space; zero it all, so that every header word the
     * consumer may reach reads 0 until this producer publishes there. Runs before the new epoch is
     * released ({@link RingMemory#open}), which orders it before anything the consumer acts on.
     */
    static void recover(RingMemory memory) {
        RingHeader header = memory.header;
        long head = header.headPlain();
        // acquire: the consumer's zeroing below tail is done; we only touch bytes above head
        long tail = header.tailAcquire();
        memory.data.zero(head, memory.capacity - (head - tail));
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
