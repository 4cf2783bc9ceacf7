package org.ringipc.core;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The producer end of a {@link Ring}: copies bytes into the data region, then publishes {@code head}
 * with release. It re-reads the consumer's {@code tail} only when its cached copy shows too little
 * room (the cached-peer-position trick of FastFlow/BQueue, as in JCTools and Agrona).
 */
final class ByteProducer extends ProducerEnd implements RingSink {

    private static final int NO_CLAIM = -1;

    private final DataRegion data;
    private final boolean drop;
    /** Bytes of the pending claim, or {@link #NO_CLAIM}. */
    private int claimed = NO_CLAIM;

    ByteProducer(RingMemory memory) {
        super(memory, "ring");
        this.data = memory.data;
        this.drop = memory.options.overflowPolicy() == OverflowPolicy.DROP;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        enter();
        try {
            int len = src.remaining();
            checkIdle();
            if (len == 0) {
                return 0;
            }
            if (drop) {
                if (free(len) < len) {
                    dropWhole(len);
                    src.position(src.limit());
                    return 0;
                }
                put(src, len);
            } else {
                for (int left = len; left > 0; ) {
                    int n = (int) Math.min(free(left), left);
                    if (n == 0) {
                        awaitRoom(1);
                        continue;
                    }
                    put(src, n);
                    left -= n;
                }
            }
            header.addWritesOpaque(1);
            return len;
        } finally {
            exit();
        }
    }

    @Override
    public long write(MemorySegment src) throws IOException {
        enter();
        try {
            long len = src.byteSize();
            checkIdle();
            if (len == 0) {
                return 0;
            }
            if (drop) {
                if (free(len) < len) {
                    dropWhole(len);
                    return 0;
                }
                put(src, 0, (int) len);
            } else {
                for (long done = 0; done < len; ) {
                    int n = (int) Math.min(free(len - done), len - done);
                    if (n == 0) {
                        awaitRoom(1);
                        continue;
                    }
                    put(src, done, n);
                    done += n;
                }
            }
            header.addWritesOpaque(1);
            return len;
        } finally {
            exit();
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = Buffers.remaining(srcs, offset, length);
        enter();
        try {
            checkIdle();
            if (total == 0) {
                return 0;
            }
            if (drop && free(total) < total) {
                // all or nothing, as a single write under DROP
                dropWhole(total);
                Buffers.consume(srcs, offset, length);
                return 0;
            }
            for (int i = offset; i < offset + length; i++) {
                ByteBuffer src = srcs[i];
                while (src.hasRemaining()) {
                    int n = (int) Math.min(free(src.remaining()), src.remaining());
                    if (n == 0) {
                        awaitRoom(1);
                        continue;
                    }
                    put(src, n);
                }
            }
            header.addWritesOpaque(1);
            return total;
        } finally {
            exit();
        }
    }

    @Override
    public int tryWrite(ByteBuffer src) throws IOException {
        enter();
        try {
            int len = src.remaining();
            checkIdle();
            int n = (int) Math.min(free(len), len);
            if (n > 0) {
                put(src, n);
                header.addWritesOpaque(1);
            }
            return n;
        } finally {
            exit();
        }
    }

    @Override
    public long tryWrite(MemorySegment src) throws IOException {
        return writeNow(src, false, false);
    }

    @Override
    public boolean offer(MemorySegment burst) throws IOException {
        return writeNow(burst, true, true) >= 0;
    }

    @Override
    public boolean tryWriteWhole(MemorySegment record) throws IOException {
        return writeNow(record, true, false) >= 0;
    }

    /**
     * Writes from {@code src} what fits now, never waiting: when {@code whole}, all of it or nothing
     * (a refusal counted as a drop when {@code countDrop}), else as much as fits.
     *
     * @return the bytes written, or -1 when a whole write was refused
     */
    private long writeNow(MemorySegment src, boolean whole, boolean countDrop) throws IOException {
        enter();
        try {
            long len = src.byteSize();
            checkIdle();
            long free = free(len);
            if (whole && free < len) {
                if (countDrop) {
                    dropWhole(len);
                }
                return -1;
            }
            int n = (int) Math.min(free, len);
            if (n > 0) {
                put(src, 0, n);
                header.addWritesOpaque(1);
            }
            return n;
        } finally {
            exit();
        }
    }

    @Override
    public MemorySegment claim(int minBytes) throws IOException {
        return claim(minBytes, true);
    }

    @Override
    public MemorySegment tryClaim(int minBytes) throws IOException {
        return claim(minBytes, false);
    }

    private MemorySegment claim(int minBytes, boolean wait) throws IOException {
        if (minBytes < 1 || minBytes > capacity) {
            throw new IllegalArgumentException("minBytes=" + minBytes + " is not in 1 .. capacity=" + capacity);
        }
        enter();
        try {
            checkIdle();
            data.checkContiguous(head, minBytes);
            int index = data.index(head);
            int toEnd = data.toEnd(head);
            long free;
            while ((free = free(minBytes)) < minBytes) {
                if (!wait) {
                    return data.segment().asSlice(index, 0);
                }
                awaitRoom(minBytes);
            }
            claimed = (int) Math.min(free, toEnd);
            return data.segment().asSlice(index, claimed);
        } finally {
            exit();
        }
    }

    @Override
    public void commit(int bytes) throws IOException {
        int limit = Math.max(claimed, 0);
        if (bytes < 0 || bytes > limit) {
            throw new IllegalArgumentException("bytes=" + bytes + " is not in 0 .. claimed=" + limit);
        }
        enter();
        try {
            claimed = NO_CLAIM;
            checkWritable();
            if (bytes > 0) {
                publish(head + bytes);
                header.addWritesOpaque(1);
            }
        } finally {
            exit();
        }
    }

    /** A byte ring's claim is only a slice of free space: giving it up leaves nothing to tidy. */
    @Override
    void abandon() {
        claimed = NO_CLAIM;
    }

    private void put(ByteBuffer src, int n) {
        data.copyIn(head, src, n);
        publish(head + n);
    }

    private void put(MemorySegment src, long offset, int n) {
        data.copyIn(head, src, offset, n);
        publish(head + n);
    }

    private void publish(long newHead) {
        head = newHead;
        // release: the bytes copied in above are visible before the consumer can see the new head
        header.setHeadRelease(newHead);
        if (wakes) {
            waiter.wakePeer();
        }
    }

    private void dropWhole(long len) {
        header.addDropOpaque(len);
        RingEvents.Drop.emit(len, capacity);
    }

    /** Writable, and no claim pending: a write now would publish the claimed bytes unwritten. */
    private void checkIdle() throws IOException {
        if (claimed != NO_CLAIM) {
            throw new IllegalStateException("a claim of " + claimed + " bytes is pending: commit(bytes) it first");
        }
        checkWritable();
    }

    @Override
    boolean tailHonest(long tail) {
        return tail <= head && header.capacityAcquire() == capacity;
    }
}
