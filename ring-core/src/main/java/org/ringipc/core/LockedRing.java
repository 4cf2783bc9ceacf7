package org.ringipc.core;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The locked baseline: a byte ring guarded by one mutex and two conditions, as a kernel character
 * driver ({@code circbuf}) or {@code fs/pipe.c} does it, behind the same {@link RingSink} and
 * {@link RingSource} interfaces as the lock-free {@link Ring}, so the two can be measured side by side.
 *
 * <pre>{@code
 * try (LockedRing ring = LockedRing.allocate(1 << 16)) {
 *     for (int i = 0; i < 4; i++) {
 *         RingSink sink = ring.sink();                  // any number of writers
 *         Thread.ofPlatform().start(() -> { try (sink) { sink.write(record(i)); } });
 *     }
 *     RingSource source = ring.source();                // and of readers
 *     ByteBuffer buf = ByteBuffer.allocate(4096);
 *     while (source.read(buf.clear()) >= 0) { ... }     // -1 once every sink is closed and drained
 * }
 * }</pre>
 *
 * <p>Unlike {@link Ring}, {@link #sink()} and {@link #source()} may be called any number of times, and
 * each sink or source may be used by many threads at once: every operation takes the lock. Pipe rules:
 * <ul>
 *   <li>EOF: a read returns -1 once at least one sink was opened, every sink is closed, and the ring
 *       is drained.</li>
 *   <li>Broken pipe: a write fails once at least one source was opened and every source is closed.</li>
 *   <li>{@value #PIPE_BUF}-byte atomicity ({@code PIPE_BUF}): a {@code write}, {@code tryWrite} or
 *       {@code offer} of at most {@value #PIPE_BUF} bytes lands in one piece, never interleaved with
 *       another writer's bytes; {@code write} waits until all of it fits and {@code tryWrite} writes
 *       all or nothing (a pipe in {@code O_NONBLOCK} mode does the same). Larger writes go in pieces as
 *       room appears and may interleave.</li>
 *   <li>Wake-ups: writers signal {@code notEmpty} and readers {@code notFull} with {@code signalAll},
 *       as the kernel's {@code wake_up_interruptible} wakes every non-exclusive sleeper.</li>
 * </ul>
 *
 * <p>{@link OverflowPolicy#DROP} ({@link #allocate(int, RingOptions)}) applies as in {@link Ring}: a
 * {@code write} that does not fit whole is discarded and counted as a drop, and never waits.
 * Blocking calls wait on a condition regardless of any {@link WaitStrategy}; interruption ends them
 * with {@link ClosedByInterruptException} and closes that end (bytes of a large write already copied
 * stay written), and a close of that end or of the ring by another thread ends them with
 * {@link AsynchronousCloseException}. A {@link RingSink#claim} holds the lock until its
 * {@link RingSink#commit}: every other writer and reader waits meanwhile, so commit promptly and on the
 * same thread. Stats live in this object (there is no shared header): byte counters count bytes,
 * {@code writes}/{@code reads} count operations that moved data, the sleeps count condition waits.
 */
public final class LockedRing implements AutoCloseable {

    /** Writes of at most this many bytes are atomic, as {@code PIPE_BUF} is for a Linux pipe. */
    public static final int PIPE_BUF = 4096;

    private final Arena arena;
    private final MemorySegment data;
    private final DataRegion region;
    private final int capacity;
    private final RingOptions options;
    private final boolean drop;
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Bytes of the pending claim, or -1 when none. A claim belongs to the ring's lock, not to one
     * sink: the claiming thread holds the lock until commit, and no sink may write meanwhile (a
     * second sink in that thread would re-enter the lock). Guarded by the lock.
     */
    private int claimed = -1;
    private final Condition notFull = lock.newCondition();
    private final Condition notEmpty = lock.newCondition();

    // everything below is guarded by lock
    private final List<Sink> sinks = new ArrayList<>();
    private final List<Source> sources = new ArrayList<>();
    private boolean sinkOpened;
    private boolean sourceOpened;
    private boolean closed;
    private final RingMXBeans.Slot mxBean = new RingMXBeans.Slot();
    private long head;
    private long tail;
    private long writes;
    private long reads;
    private long drops;
    private long bytesDropped;
    private long producerSleeps;
    private long consumerSleeps;

    private LockedRing(int capacity, RingOptions options) {
        this.capacity = capacity;
        this.options = options;
        this.drop = options.overflowPolicy() == OverflowPolicy.DROP;
        this.arena = Arena.ofShared();
        this.data = arena.allocate(capacity, RingLayout.BLOCK_BYTES);
        this.region = new DataRegion(data);
    }

    /**
     * A locked ring of {@code capacity} bytes in fresh off-heap memory (off-heap like {@link Ring}, so
     * a comparison measures the locking, not the copying).
     *
     * @param capacity data bytes the ring holds
     * @return a new ring with no ends open
     * @throws IllegalArgumentException when capacity is not a power of two in 4096 .. 2^30
     */
    public static LockedRing allocate(int capacity) {
        return allocate(capacity, RingOptions.defaults());
    }

    /**
     * A locked ring of {@code capacity} bytes with {@code options}: its overflow policy applies, its
     * wait strategy does not (every wait is on the lock's conditions).
     *
     * @param capacity data bytes the ring holds
     * @param options the overflow policy (its wait strategy is ignored)
     * @return a new ring with no ends open
     * @throws IllegalArgumentException when capacity is not a power of two in 4096 .. 2^30
     */
    public static LockedRing allocate(int capacity, RingOptions options) {
        Objects.requireNonNull(options, "options");
        return new LockedRing(RingLayout.checkCapacity(capacity), options);
    }

    /**
     * The options given to {@link #allocate(int, RingOptions)}.
     *
     * @return the options this ring was made with
     */
    public RingOptions options() {
        return options;
    }

    /**
     * Opens one more producer end; may be called any number of times, and each sink may be shared by
     * threads. EOF comes once every sink opened is closed.
     *
     * @return a new producer end of this ring
     * @throws IllegalStateException when the ring is closed
     */
    public RingSink sink() {
        lock.lock();
        try {
            ensureRingOpen();
            Sink sink = new Sink();
            sinks.add(sink);
            sinkOpened = true;
            return sink;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Opens one more consumer end; may be called any number of times, and each source may be shared
     * by threads. Writes fail with "broken pipe" once every source opened is closed.
     *
     * @return a new consumer end of this ring
     * @throws IllegalStateException when the ring is closed
     */
    public RingSource source() {
        lock.lock();
        try {
            ensureRingOpen();
            Source source = new Source();
            sources.add(source);
            sourceOpened = true;
            return source;
        } finally {
            lock.unlock();
        }
    }

    private void ensureRingOpen() {
        if (closed) {
            throw new IllegalStateException("ring is closed");
        }
    }

    /**
     * A consistent snapshot of the counters (taken under the lock); pids are this process's while an end is open.
     *
     * @return a snapshot of this ring's counters
     */
    public RingStats stats() {
        lock.lock();
        try {
            long used = head - tail;
            return new RingStats(capacity, used, capacity - used, head, tail, bytesDropped, writes, reads, drops,
                    producerSleeps, consumerSleeps, sinks.isEmpty() ? 0 : ProcessIdentity.PID,
                    sources.isEmpty() ? 0 : ProcessIdentity.PID);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Registers this ring's stats as the MXBean {@code org.ringipc:type=Ring,name=<name>}; the ring
     * unregisters it when it closes.
     *
     * @param name the {@code name} key of the object name
     * @return the object name the MXBean is registered under
     * @throws IllegalStateException when that name is taken or this ring is already registered
     */
    public javax.management.ObjectName registerMXBean(String name) {
        return mxBean.register("LockedRing", name, this::stats);
    }

    /**
     * Data bytes the ring holds.
     *
     * @return the ring's capacity in bytes
     */
    public int capacity() {
        return capacity;
    }

    /**
     * Closes every open end (blocked callers get {@link AsynchronousCloseException}) and frees the
     * memory. Waits for a pending claim to be committed. Idempotent.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Sink s : List.copyOf(sinks)) {
                s.closeLocked();
            }
            for (Source s : List.copyOf(sources)) {
                s.closeLocked();
            }
        } finally {
            lock.unlock();
        }
        mxBean.close();
        // every access to data happens under the lock after a closed check, so nobody touches it now
        arena.close();
    }

    /** Waits on {@code condition}; on interruption closes {@code end} and throws as NIO channels do. */
    private void await(Condition condition, End end, boolean timed, long deadline) throws IOException {
        try {
            if (timed) {
                condition.awaitNanos(deadline - System.nanoTime());
            } else {
                condition.await();
            }
        } catch (InterruptedException e) {
            end.closeLocked();
            Thread.currentThread().interrupt();  // NIO keeps the interrupt status set
            throw new ClosedByInterruptException();
        }
        if (end.closed || closed) {
            throw new AsynchronousCloseException();
        }
    }

    private abstract static class End {
        /** Guarded by the lock; volatile so that {@code isOpen} may read it without it. */
        volatile boolean closed;

        abstract void closeLocked();
    }

    /** A producer end; every method takes the ring's lock, so any number of threads may share it. */
    private final class Sink extends End implements RingSink {

        /** What the inner write returns for a write that DROP discarded. */
        private static final long DROPPED = -1;

        /** Counts a write or offer that did not fit; the caller holds the lock. */
        private void dropped(long len) {
            drops++;
            bytesDropped += len;
            RingEvents.Drop.emit(len, capacity);
        }


        @Override
        public int write(ByteBuffer src) throws IOException {
            long n = write(MemorySegment.ofBuffer(src), true);
            // a dropped write is consumed whole, as Ring's is
            src.position(n == DROPPED ? src.limit() : src.position() + (int) n);
            return (int) Math.max(n, 0);
        }

        @Override
        public long write(MemorySegment src) throws IOException {
            return Math.max(write(src, true), 0);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = Buffers.remaining(srcs, offset, length);
            lock.lock();
            try {
                checkWritable();
                if (drop && free() < total) {
                    dropped(total);  // all or nothing, as a single write under DROP
                    Buffers.consume(srcs, offset, length);
                    return 0;
                }
                if (total <= PIPE_BUF) {
                    // atomic as a single write of that size: room for all of it before the first part
                    while (free() < total) {
                        awaitRoom();
                    }
                }
                // the lock is reentrant and held: no other writer comes between the parts (unless
                // a part larger than the free room has to wait, as a single large write does)
                return RingSink.super.write(srcs, offset, length);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int tryWrite(ByteBuffer src) throws IOException {
            int n = (int) write(MemorySegment.ofBuffer(src), false);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public long tryWrite(MemorySegment src) throws IOException {
            return write(src, false);
        }

        /** Bytes written, or {@link #DROPPED} when a blocking write did not fit under DROP. */
        private long write(MemorySegment src, boolean wait) throws IOException {
            final long len = src.byteSize();
            lock.lock();
            try {
                checkWritable();
                if (len == 0) {
                    return 0;
                }
                if (wait && drop && free() < len) {
                    dropped(len);
                    return DROPPED;
                }
                long done = 0;
                if (len <= PIPE_BUF) {
                    while (free() < len) {
                        if (!wait) {
                            return 0;
                        }
                        awaitRoom();
                    }
                    put(src, 0, (int) len);
                    done = len;
                } else {
                    while (done < len) {
                        long n = Math.min(free(), len - done);
                        if (n == 0) {
                            if (!wait) {
                                break;
                            }
                            awaitRoom();
                            continue;
                        }
                        put(src, done, (int) n);
                        done += n;
                    }
                }
                if (done > 0) {
                    writes++;
                }
                return done;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean offer(MemorySegment burst) throws IOException {
            return whole(burst, true);
        }

        @Override
        public boolean tryWriteWhole(MemorySegment record) throws IOException {
            return whole(record, false);
        }

        private boolean whole(MemorySegment burst, boolean countDrop) throws IOException {
            final long len = burst.byteSize();
            lock.lock();
            try {
                checkWritable();
                if (free() < len) {
                    if (countDrop) {
                        dropped(len);
                    }
                    return false;
                }
                if (len > 0) {
                    put(burst, 0, (int) len);
                    writes++;
                }
                return true;
            } finally {
                lock.unlock();
            }
        }

        /** {@inheritDoc} <p>Here the claim holds the ring's lock until {@link #commit(int)}. */
        @Override
        public MemorySegment claim(int minBytes) throws IOException {
            return claim(minBytes, true);
        }

        /** {@inheritDoc} <p>Here a non-empty claim holds the ring's lock until {@link #commit(int)}. */
        @Override
        public MemorySegment tryClaim(int minBytes) throws IOException {
            return claim(minBytes, false);
        }

        private MemorySegment claim(int minBytes, boolean wait) throws IOException {
            if (minBytes < 1 || minBytes > capacity) {
                throw new IllegalArgumentException("minBytes=" + minBytes + " is not in 1 .. capacity=" + capacity);
            }
            lock.lock();
            boolean holding = false;
            try {
                checkWritable();
                region.checkContiguous(head, minBytes);
                int index = region.index(head);
                int toEnd = region.toEnd(head);
                while (free() < minBytes) {
                    if (!wait) {
                        return data.asSlice(index, 0);
                    }
                    awaitRoom();
                }
                LockedRing.this.claimed = (int) Math.min(free(), toEnd);
                holding = true;
                return data.asSlice(index, LockedRing.this.claimed);
            } finally {
                if (!holding) {
                    lock.unlock();
                }
            }
        }

        @Override
        public void commit(int bytes) throws IOException {
            if (LockedRing.this.claimed < 0 || !lock.isHeldByCurrentThread()) {
                if (bytes != 0) {
                    throw new IllegalArgumentException("bytes=" + bytes + " is not in 0 .. claimed=0 (nothing is claimed"
                            + " by this thread)");
                }
                return;
            }
            if (bytes < 0 || bytes > LockedRing.this.claimed) {
                throw new IllegalArgumentException("bytes=" + bytes + " is not in 0 .. claimed=" + LockedRing.this.claimed);
            }
            try {
                LockedRing.this.claimed = -1;
                checkWritable();
                if (bytes > 0) {
                    head += bytes;
                    writes++;
                    notEmpty.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }

        private long free() {
            return capacity - (head - tail);
        }

        private void put(MemorySegment src, long offset, int n) {
            region.copyIn(head, src, offset, n);
            head += n;
            notEmpty.signalAll();
        }

        private void checkWritable() throws IOException {
            if (closed || LockedRing.this.closed) {
                throw new ClosedChannelException();
            }
            if (LockedRing.this.claimed >= 0) {
                throw new IllegalStateException("a claim of " + LockedRing.this.claimed + " bytes is pending: commit it first");
            }
            if (sourceOpened && sources.isEmpty()) {
                throw new IOException("broken pipe: every source of the locked ring is closed");
            }
        }

        private void awaitRoom() throws IOException {
            producerSleeps++;
            await(notFull, this, false, 0);
            checkWritable();
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        @Override
        public void close() {
            lock.lock();
            try {
                closeLocked();
            } finally {
                lock.unlock();
            }
        }

        @Override
        void closeLocked() {
            if (LockedRing.this.claimed >= 0 && lock.isHeldByCurrentThread()) {
                LockedRing.this.claimed = -1;  // the claim is dropped: give back the hold claim() kept
                lock.unlock();
            }
            if (closed) {
                return;
            }
            closed = true;
            sinks.remove(this);
            notEmpty.signalAll();  // readers may be at EOF now
            notFull.signalAll();   // writers blocked in this sink end with AsynchronousCloseException
        }
    }

    /** A consumer end; every method takes the ring's lock, so any number of threads may share it. */
    private final class Source extends End implements RingSource {

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return read(dst, false, 0);
        }

        @Override
        public int read(ByteBuffer dst, long timeout, TimeUnit unit) throws IOException {
            return read(dst, true, System.nanoTime() + unit.toNanos(timeout));
        }

        private int read(ByteBuffer dst, boolean timed, long deadline) throws IOException {
            int n = (int) read(MemorySegment.ofBuffer(dst), true, timed, deadline);
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }

        @Override
        public long read(MemorySegment dst) throws IOException {
            return read(dst, true, false, 0);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            lock.lock();
            try {
                // held (reentrant) across the parts: no other reader takes bytes from between them
                return RingSource.super.read(dsts, offset, length);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int tryRead(ByteBuffer dst) throws IOException {
            int n = (int) read(MemorySegment.ofBuffer(dst), false, false, 0);
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }

        /** Bytes read, -1 at EOF, 0 when empty and not waiting or when the deadline passed. */
        private long read(MemorySegment dst, boolean wait, boolean timed, long deadline) throws IOException {
            lock.lock();
            try {
                checkReadable();
                if (dst.byteSize() == 0) {
                    return 0;
                }
                while (head == tail) {
                    if (eof()) {
                        return -1;
                    }
                    if (!wait || (timed && deadline - System.nanoTime() <= 0)) {
                        return 0;
                    }
                    consumerSleeps++;
                    await(notEmpty, this, timed, deadline);
                }
                int n = (int) Math.min(head - tail, dst.byteSize());
                region.copyOut(tail, dst, 0, n);
                release(n);
                return n;
            } finally {
                lock.unlock();
            }
        }

        /** {@inheritDoc} <p>Here the handler runs under the ring's lock. */
        @Override
        public long drain(SegmentHandler handler, long maxBytes) throws IOException {
            if (maxBytes < 0) {
                throw new IllegalArgumentException("maxBytes=" + maxBytes + " is negative");
            }
            lock.lock();
            try {
                checkReadable();
                if (head == tail) {
                    return eof() ? -1 : 0;
                }
                int n = (int) Math.min(head - tail, maxBytes);
                if (n == 0) {
                    return 0;
                }
                region.handOut(tail, n, handler);
                release(n);
                return n;
            } finally {
                lock.unlock();
            }
        }

        private void release(int n) {
            tail += n;
            reads++;
            notFull.signalAll();
        }

        private boolean eof() {
            return sinkOpened && sinks.isEmpty();
        }

        private void checkReadable() throws ClosedChannelException {
            if (closed || LockedRing.this.closed) {
                throw new ClosedChannelException();
            }
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        @Override
        public void close() {
            lock.lock();
            try {
                closeLocked();
            } finally {
                lock.unlock();
            }
        }

        @Override
        void closeLocked() {
            if (closed) {
                return;
            }
            closed = true;
            sources.remove(this);
            notFull.signalAll();   // writers may be facing a broken pipe now
            notEmpty.signalAll();  // readers blocked in this source end with AsynchronousCloseException
        }
    }
}
