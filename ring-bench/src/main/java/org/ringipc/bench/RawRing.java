package org.ringipc.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The in-run limit for a ring between processes: the smallest correct single-producer,
 * single-consumer byte ring in Java, with nothing the product adds (no roles, stats, format
 * checks, wait strategies, close or EOF). A mapped file holds two free-running positions, each on
 * a 128-byte block of its own (head, the producer's, at {@link #HEAD}; tail, the consumer's, at
 * {@link #TAIL}), and the data from {@link #DATA}, page-aligned. Each side caches the other's
 * position and re-reads it (acquire) only when the cache says full or empty, then copies and
 * publishes its own (release): Lamport's ring with the cached indices of FastFlow and JCTools.
 * Waiting is a bare {@link Thread#onSpinWait()} loop.
 *
 * <p>{@link Tuning} varies what {@code BulkExperiment} measures (copy routine, how often positions
 * are published, whether the producer waits for room for a whole piece); {@link Tuning#LANE} is
 * what the {@code raw-ring} lane runs. One thread at a time per end.
 */
final class RawRing {

    /** Offset of head, the producer's position (bytes ever written). */
    static final long HEAD = 0;
    /** Offset of tail, the consumer's position (bytes ever read): its own 128-byte block. */
    static final long TAIL = 128;
    /** Offset of the data: one page in, so the data starts page-aligned. */
    static final long DATA = 4096;

    private static final VarHandle POSITION = ValueLayout.JAVA_LONG.varHandle();

    /** How bytes go in and out. */
    enum Copy {
        /** {@code MemorySegment.copy}, as {@code Ring} does. */
        SEGMENT,
        /** {@code ByteBuffer.put(int, ByteBuffer, int, int)} on buffer views of the segments. */
        BUFFER,
        /** A Java loop of 8-byte unaligned gets and sets (what C2 makes of it). */
        LONGS,
        /**
         * The C library's {@code memcpy} through an FFM downcall, both ends (glibc picks
         * {@code rep movsb} for these sizes on this CPU). Experiment only: a native copy touching a
         * truncated mapped file kills the JVM with SIGBUS, which the product must never risk.
         */
        MEMCPY,
        /** {@code memcpy} for the producer's copies in, {@code MemorySegment.copy} for the consumer's out. */
        MEMCPY_IN
    }

    /** {@code void *memcpy(void *dst, const void *src, size_t n)} of the C library. */
    private static final java.lang.invoke.MethodHandle MEMCPY = java.lang.foreign.Linker.nativeLinker().downcallHandle(
            java.lang.foreign.Linker.nativeLinker().defaultLookup().find("memcpy").orElseThrow(),
            java.lang.foreign.FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG),
            java.lang.foreign.Linker.Option.critical(false));

    /**
     * What the experiment varies.
     *
     * @param copy         the copy routine, both ends
     * @param publishBytes the producer releases head after every this many bytes copied (0: once per write)
     * @param wholeRoom    the producer waits for room for a whole piece (up to the capacity), rather
     *                     than writing whatever fits as soon as one byte is free ({@code Ring}'s way)
     * @param readBytes    the consumer copies out at most this many bytes per read (0: all it is asked for)
     * @param prefault     {@link #create} writes every data page once, so that no copy pays for a
     *                     first-touch page fault (tmpfs allocates a page on its first write)
     */
    record Tuning(Copy copy, int publishBytes, boolean wholeRoom, int readBytes, boolean prefault) {
        /** The {@code raw-ring} lane: one copy and one release per write, whole pieces, whole reads. */
        static final Tuning LANE = new Tuning(Copy.SEGMENT, 0, true, 0, false);

        /** This tuning with the data pages written once at creation. */
        Tuning prefaulted() {
            return new Tuning(copy, publishBytes, wholeRoom, readBytes, true);
        }

        Tuning {
            if (publishBytes < 0 || readBytes < 0) {
                throw new IllegalArgumentException("publishBytes=" + publishBytes + ", readBytes=" + readBytes
                        + ": neither may be negative");
            }
        }
    }

    private final MemorySegment header;
    private final MemorySegment data;
    private final ByteBuffer dataBuffer;
    private final int capacity;
    private final int mask;
    private final Tuning tuning;
    // producer's own state (only the producer's thread touches it)
    private long head;
    private long cachedTail;
    // consumer's own state
    private long tail;
    private long cachedHead;
    // the experiment's copy clock: GB/s of each copy, when sampling
    private double[] copyRates;
    private int copyCount;

    private RawRing(MemorySegment mapped, Tuning tuning) {
        long capacity = mapped.byteSize() - DATA;
        if (capacity < 64 || Long.bitCount(capacity) != 1 || capacity > 1 << 30) {
            throw new IllegalArgumentException("capacity=" + capacity + " is not a power of two (64 .. 2^30)");
        }
        this.header = mapped.asSlice(0, DATA);
        this.data = mapped.asSlice(DATA);
        this.dataBuffer = data.asByteBuffer();
        this.capacity = (int) capacity;
        this.mask = this.capacity - 1;
        this.tuning = tuning;
        // opaque is enough here: the peer has not started on a ring we are just mapping
        this.head = (long) POSITION.getOpaque(header, HEAD);
        this.tail = (long) POSITION.getOpaque(header, TAIL);
        this.cachedTail = tail;
        this.cachedHead = head;
    }

    /** Creates {@code file} (zeroed, positions 0) with {@code capacity} data bytes and maps it. */
    static RawRing create(Path file, int capacity, Arena arena, Tuning tuning) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, DATA + capacity, arena);
            if (tuning.prefault()) {
                mapped.asSlice(DATA).fill((byte) 0);
            }
            return new RawRing(mapped, tuning);
        }
    }

    /** Maps a ring {@link #create} made; the capacity comes from the file's size. */
    static RawRing open(Path file, Arena arena, Tuning tuning) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return new RawRing(ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size(), arena), tuning);
        }
    }

    int capacity() {
        return capacity;
    }

    /** From now on, times each copy in or out (the wrap's two pieces as one), up to {@code max} copies. */
    void sampleCopies(int max) {
        copyRates = new double[max];
        copyCount = 0;
    }

    /**
     * The median rate of the copies sampled since {@link #sampleCopies}, GB/s (bytes per ns), or
     * NaN if none. A copy is a few µs: a preempted one is an outlier the median ignores, so this
     * stays meaningful on a loaded machine where the end-to-end rate does not.
     */
    double medianCopyRate() {
        if (copyRates == null || copyCount == 0) {
            return Double.NaN;
        }
        double[] sorted = java.util.Arrays.copyOf(copyRates, copyCount);
        java.util.Arrays.sort(sorted);
        return sorted[copyCount / 2];
    }

    private long copyClock() {
        return copyRates == null ? 0 : System.nanoTime();
    }

    private void copied(long start, int bytes) {
        if (copyRates != null && copyCount < copyRates.length) {
            copyRates[copyCount++] = (double) bytes / Math.max(1, System.nanoTime() - start);
        }
    }

    /** Producer: writes {@code length} bytes of {@code src} from {@code offset}, spinning while there is no room. */
    void write(MemorySegment src, long offset, long length) {
        final int cap = capacity;
        final boolean whole = tuning.wholeRoom();
        long done = 0;
        while (done < length) {
            int piece = (int) Math.min(length - done, cap);
            int need = whole ? piece : 1;
            long free = cap - (head - cachedTail);
            while (free < need) {
                // acquire: pairs with the consumer's release of tail; its copies out of the bytes
                // below tail are complete before we overwrite them
                cachedTail = (long) POSITION.getAcquire(header, TAIL);
                free = cap - (head - cachedTail);
                if (free < need) {
                    Thread.onSpinWait();
                }
            }
            int n = (int) Math.min(piece, free);
            int step = tuning.publishBytes() == 0 ? n : tuning.publishBytes();
            for (int at = 0; at < n; ) {
                int m = Math.min(step, n - at);
                int index = (int) (head & mask);
                int first = Math.min(m, cap - index);
                long clock = copyClock();
                copy(src, offset + done + at, data, index, first);
                if (first < m) {
                    copy(src, offset + done + at + first, data, 0, m - first);
                }
                copied(clock, m);
                head += m;
                at += m;
                // release: the bytes copied in above are visible before the consumer sees the new head
                POSITION.setRelease(header, HEAD, head);
            }
            done += n;
        }
    }

    /**
     * Consumer: copies up to {@code max} bytes into {@code dst} from {@code offset}, spinning until
     * there is at least one; returns how many it copied.
     */
    long read(MemorySegment dst, long offset, long max) {
        long available = cachedHead - tail;
        while (available == 0) {
            // acquire: pairs with the producer's release of head; the bytes below it are visible
            cachedHead = (long) POSITION.getAcquire(header, HEAD);
            available = cachedHead - tail;
            if (available == 0) {
                Thread.onSpinWait();
            }
        }
        long limit = tuning.readBytes() == 0 ? max : Math.min(max, tuning.readBytes());
        int n = (int) Math.min(available, limit);
        int index = (int) (tail & mask);
        int first = Math.min(n, capacity - index);
        long clock = copyClock();
        copy(data, index, dst, offset, first);
        if (first < n) {
            copy(data, 0, dst, offset + first, n - first);
        }
        copied(clock, n);
        tail += n;
        // release: our copies out of the freed bytes are complete before the producer may reuse them
        POSITION.setRelease(header, TAIL, tail);
        return n;
    }

    private void copy(MemorySegment from, long fromOffset, MemorySegment to, long toOffset, int n) {
        switch (tuning.copy()) {
            case SEGMENT -> MemorySegment.copy(from, fromOffset, to, toOffset, n);
            case BUFFER -> {
                ByteBuffer src = from == data ? dataBuffer : from.asByteBuffer();
                ByteBuffer dst = to == data ? dataBuffer : to.asByteBuffer();
                dst.put((int) toOffset, src, (int) fromOffset, n);
            }
            case LONGS -> copyLongs(from, fromOffset, to, toOffset, n);
            case MEMCPY -> memcpy(from, fromOffset, to, toOffset, n);
            case MEMCPY_IN -> {
                if (to == data) {
                    memcpy(from, fromOffset, to, toOffset, n);
                } else {
                    MemorySegment.copy(from, fromOffset, to, toOffset, n);
                }
            }
        }
    }

    private static void memcpy(MemorySegment from, long fromOffset, MemorySegment to, long toOffset, int n) {
        // asSlice checks the bounds; the downcall keeps both segments' arenas alive while it runs
        try {
            MemorySegment ignored = (MemorySegment) MEMCPY.invokeExact(to.asSlice(toOffset, n), from.asSlice(fromOffset, n), (long) n);
        } catch (Throwable e) {
            throw new IllegalStateException("memcpy downcall failed", e);
        }
    }

    private static void copyLongs(MemorySegment from, long fromOffset, MemorySegment to, long toOffset, int n) {
        int i = 0;
        for (; i <= n - 8; i += 8) {
            to.set(ValueLayout.JAVA_LONG_UNALIGNED, toOffset + i, from.get(ValueLayout.JAVA_LONG_UNALIGNED, fromOffset + i));
        }
        for (; i < n; i++) {
            to.set(ValueLayout.JAVA_BYTE, toOffset + i, from.get(ValueLayout.JAVA_BYTE, fromOffset + i));
        }
    }
}
