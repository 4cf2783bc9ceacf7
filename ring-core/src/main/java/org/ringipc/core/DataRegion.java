package org.ringipc.core;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The data region of a ring, addressed by ring position: every copy in, copy out, zeroing and
 * in-place hand-out splits at the end of the region here, once, for {@link Ring}, {@link MessageRing}
 * and {@link LockedRing}. Positions are free-running; the index is {@code position & (capacity - 1)}.
 * Callers pass at most {@code capacity} bytes. No ordering here: the callers publish.
 *
 * <p>Copies in of at least {@link NativeCopy#THRESHOLD} bytes go through {@link NativeCopy} (the C
 * library's {@code memcpy}) when the region was made with native copy on and it is available; every
 * other copy is {@code MemorySegment.copy} or {@code ByteBuffer.put}. Either way the copy has
 * returned before the caller's release store of its position: the downcall is an ordinary call that
 * completes its stores in program order before it returns, so that release orders them as it orders
 * a Java copy's.
 */
final class DataRegion {

    private final MemorySegment data;
    private final ByteBuffer buffer;
    private final int capacity;
    private final int mask;
    /** Copies in of at least {@link NativeCopy#THRESHOLD} bytes go through {@code memcpy}. */
    private final boolean nativeCopy;
    /**
     * Copies in done through {@code memcpy} (one per contiguous piece): written by the one producer
     * thread, read by tests after it finished; package-private so that a test can tell the option works.
     */
    private long nativeCopies;

    /** A region copying in Java only. */
    DataRegion(MemorySegment data) {
        this(data, false);
    }

    /**
     * @param nativeCopy copy large pieces in through {@code memcpy}; honoured only when
     *                   {@link NativeCopy#AVAILABLE} and the region is writable
     */
    DataRegion(MemorySegment data, boolean nativeCopy) {
        this.data = data;
        this.buffer = data.asByteBuffer();
        this.capacity = (int) data.byteSize();
        this.mask = capacity - 1;
        this.nativeCopy = nativeCopy && NativeCopy.AVAILABLE && !data.isReadOnly();
    }

    /** Whether copies in of at least {@link NativeCopy#THRESHOLD} bytes go through {@code memcpy}. */
    boolean nativeCopy() {
        return nativeCopy;
    }

    /** Copies in done through {@code memcpy} so far. */
    long nativeCopies() {
        return nativeCopies;
    }

    MemorySegment segment() {
        return data;
    }

    int capacity() {
        return capacity;
    }

    int index(long position) {
        return (int) (position & mask);
    }

    /** Bytes from {@code position} to the end of the region: the longest contiguous slice there. */
    int toEnd(long position) {
        return capacity - index(position);
    }

    /**
     * Checks that a slice of {@code minBytes} contiguous bytes can start at {@code position}: the
     * region is mapped once, so a slice ends at the wrap point.
     *
     * @throws IllegalStateException saying how far the wrap point is, when it is nearer than
     *                               {@code minBytes} (no wait makes it further: only writing up to it does)
     */
    void checkContiguous(long position, int minBytes) {
        int toEnd = toEnd(position);
        if (toEnd < minBytes) {
            throw new IllegalStateException("claim(minBytes=" + minBytes + ") cannot be contiguous: the head is "
                    + toEnd + " bytes before the wrap point (index=" + index(position) + ", capacity=" + capacity
                    + ") and this ring's data region is mapped once; write or claim and commit those " + toEnd
                    + " bytes first (claim(1) returns them), then claim again");
        }
    }

    /** Copies {@code n} bytes of {@code src} from {@code srcOffset} into the region at {@code position}. */
    void copyIn(long position, MemorySegment src, long srcOffset, int n) {
        int index = index(position);
        int first = Math.min(n, capacity - index);
        copyPiece(src, srcOffset, index, first);
        if (first < n) {
            copyPiece(src, srcOffset + first, 0, n - first);
        }
    }

    /** Copies the next {@code n} bytes of {@code src} into the region at {@code position}; advances src. */
    void copyIn(long position, ByteBuffer src, int n) {
        int index = index(position);
        int first = Math.min(n, capacity - index);
        int pos = src.position();
        if (nativeCopy && n >= NativeCopy.THRESHOLD) {
            // a heap buffer's segment is a heap segment: the critical downcall reads the array in place
            MemorySegment from = MemorySegment.ofBuffer(src);
            copyPiece(from, 0, index, first);
            if (first < n) {
                copyPiece(from, first, 0, n - first);
            }
        } else {
            buffer.put(index, src, pos, first);
            if (first < n) {
                buffer.put(0, src, pos + first, n - first);
            }
        }
        src.position(pos + n);
    }

    /**
     * One contiguous piece in: memcpy when on and large enough, else {@code MemorySegment.copy}. A
     * source that overlaps the destination (a stale slice of this very ring) goes through
     * {@code MemorySegment.copy}, which copies overlapping bytes as if through a buffer; memcpy does not.
     */
    private void copyPiece(MemorySegment src, long srcOffset, int index, int n) {
        if (nativeCopy && n >= NativeCopy.THRESHOLD && !overlaps(src, srcOffset, index, n)) {
            NativeCopy.copy(src, srcOffset, data, index, n);
            nativeCopies++;
        } else {
            MemorySegment.copy(src, srcOffset, data, index, n);
        }
    }

    private boolean overlaps(MemorySegment src, long srcOffset, int index, int n) {
        if (!src.isNative()) {
            return false;   // the heap never overlaps native memory
        }
        long from = src.address() + srcOffset;
        long to = data.address() + index;
        return from < to + n && to < from + n;
    }

    /** Copies {@code n} bytes at {@code position} into {@code dst} from {@code dstOffset}. */
    void copyOut(long position, MemorySegment dst, long dstOffset, int n) {
        int index = index(position);
        int first = Math.min(n, capacity - index);
        MemorySegment.copy(data, index, dst, dstOffset, first);
        if (first < n) {
            MemorySegment.copy(data, 0, dst, dstOffset + first, n - first);
        }
    }

    /** Copies {@code n} bytes at {@code position} into {@code dst} at its position; advances dst. */
    void copyOut(long position, ByteBuffer dst, int n) {
        int index = index(position);
        int first = Math.min(n, capacity - index);
        int pos = dst.position();
        dst.put(pos, buffer, index, first);
        if (first < n) {
            dst.put(pos + first, buffer, 0, n - first);
        }
        dst.position(pos + n);
    }

    /** Hands {@code n} bytes at {@code position} to the handler in place, read-only, in one or two slices. */
    void handOut(long position, int n, SegmentHandler handler) {
        int index = index(position);
        int first = Math.min(n, capacity - index);
        handler.onSegment(data.asSlice(index, first).asReadOnly());
        if (first < n) {
            handler.onSegment(data.asSlice(0, n - first).asReadOnly());
        }
    }

    /** Zeroes {@code bytes} (at most capacity) from {@code position}. */
    void zero(long position, long bytes) {
        int index = index(position);
        long first = Math.min(bytes, capacity - index);
        if (first > 0) {
            data.asSlice(index, first).fill((byte) 0);
        }
        if (bytes > first) {
            data.asSlice(0, bytes - first).fill((byte) 0);
        }
    }
}
