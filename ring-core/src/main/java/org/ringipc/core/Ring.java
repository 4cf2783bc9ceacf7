package org.ringipc.core;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A lock-free single-producer/single-consumer byte ring off the Java heap: a pipe without the
 * kernel. One {@link RingSink} writes, one {@link RingSource} reads; bytes come out in order.
 *
 * <pre>{@code
 * try (Ring ring = Ring.allocate(1 << 20)) {
 *     RingSink sink = ring.sink();
 *     RingSource source = ring.source();
 *     Thread.ofPlatform().start(() -> { sink.write(ByteBuffer.wrap(data)); sink.close(); });
 *     ByteBuffer buf = ByteBuffer.allocate(8192);
 *     while (source.read(buf) >= 0) { buf.flip(); consume(buf); buf.clear(); }
 * }
 * }</pre>
 *
 * <p>The algorithm is the kernel's {@code circ_buf}/kfifo with free-running positions (see
 * {@link RingLayout}) and the cached-peer-position trick of FastFlow/BQueue as used by JCTools and
 * Agrona: each side re-reads the other's position only when its cached copy says full or empty.
 * Ordering: the producer copies bytes in, then stores {@code head} with release; the consumer loads
 * {@code head} with acquire, copies bytes out, then stores {@code tail} with release; the producer
 * loads {@code tail} with acquire before it overwrites freed bytes.
 *
 * <p>A ring made by {@link #allocate} owns its memory and frees it on {@link #close()}; a ring from
 * {@link #format} or {@link #attach} lives in the caller's memory (a mapped file, say) and leaves
 * it alone. Close the ring after its ends: memory freed under a blocked call makes that call fail.
 */
public final class Ring implements AutoCloseable {

    private final Arena arena;
    private final RingHeader header;
    private final MemorySegment data;
    private final ByteBuffer dataBuffer;
    private final int capacity;
    private final int mask;
    private final RingOptions options;
    private final Doorbell doorbell;
    private Producer producer;
    private Consumer consumer;
    private boolean closed;
    private volatile String corruption;
    private final RingMXBeans.Slot mxBean = new RingMXBeans.Slot();

    private Ring(Arena arena, MemorySegment memory, int capacity, RingOptions options, Doorbell doorbell) {
        this.arena = arena;
        this.header = new RingHeader(memory);
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.data = memory.asSlice(RingLayout.HEADER_BYTES, capacity);
        this.dataBuffer = data.asByteBuffer();
        this.options = options;
        this.doorbell = doorbell;
    }

    /** A ring of {@code capacity} bytes in fresh off-heap memory, with {@link RingOptions#defaults()}. */
    public static Ring allocate(int capacity) {
        return allocate(capacity, RingOptions.defaults());
    }

    /**
     * A ring of {@code capacity} bytes in fresh off-heap memory that it owns.
     *
     * @throws IllegalArgumentException when capacity is not a power of two in 4096 .. 2^30
     */
    public static Ring allocate(int capacity, RingOptions options) {
        Objects.requireNonNull(options, "options");
        long size = RingLayout.requiredBytes(capacity);
        Arena arena = Arena.ofShared();
        MemorySegment memory = arena.allocate(size, RingLayout.BLOCK_BYTES);
        new RingHeader(memory).format(capacity, options.toFlags());
        return new Ring(arena, memory, capacity, options, Doorbell.parking());
    }

    /** Header plus data: the bytes {@link #format} needs for this capacity. */
    public static long requiredBytes(int capacity) {
        return RingLayout.requiredBytes(capacity);
    }

    /** Lays a fresh header into caller memory, with {@link RingOptions#defaults()}. */
    public static Ring format(MemorySegment memory, int capacity) {
        return format(memory, capacity, RingOptions.defaults());
    }

    /**
     * Lays a fresh header into caller memory (anything there is lost) and returns the ring.
     *
     * @throws IllegalArgumentException for a bad capacity or memory that is too small, on the heap
     *                                  or not 8-byte aligned
     */
    public static Ring format(MemorySegment memory, int capacity, RingOptions options) {
        return format(memory, capacity, options, Doorbell.parking());
    }

    /** As {@link #format(MemorySegment, int, RingOptions)}, sleeping and waking through {@code doorbell}. */
    public static Ring format(MemorySegment memory, int capacity, RingOptions options, Doorbell doorbell) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(doorbell, "doorbell");
        formatHeader(memory, capacity, options.toFlags());
        return new Ring(null, memory, capacity, options, doorbell);
    }

    /**
     * Checks caller memory and lays a fresh header with {@code flags} into it: the one format shared by
     * every ring kind ({@link MessageRing} adds {@link RingLayout#FLAG_MESSAGES}).
     */
    static RingHeader formatHeader(MemorySegment memory, int capacity, int flags) {
        checkMemory(memory);
        long required = RingLayout.requiredBytes(capacity);
        if (memory.byteSize() < required) {
            throw new IllegalArgumentException("memory.byteSize()=" + memory.byteSize()
                    + " is smaller than requiredBytes(" + capacity + ")=" + required);
        }
        RingHeader header = new RingHeader(memory);
        header.format(capacity, flags);
        return header;
    }

    /** Validates the header in {@code memory} and returns the ring it describes (in-process waking). */
    public static Ring attach(MemorySegment memory) throws RingFormatException {
        return attach(memory, Doorbell.parking());
    }

    /**
     * Validates the header in {@code memory}, every field against the memory's size, and returns the
     * ring; the options are the ones recorded at format time. Nothing in the memory is changed.
     *
     * @throws RingFormatException naming the field that is wrong
     */
    public static Ring attach(MemorySegment memory, Doorbell doorbell) throws RingFormatException {
        Objects.requireNonNull(doorbell, "doorbell");
        Attached found = checkHeader(memory, false);
        return new Ring(null, memory, found.capacity(), found.options(), doorbell);
    }

    /** What {@link #checkHeader} found in a valid header. */
    record Attached(RingHeader header, int capacity, RingOptions options) {
    }

    /**
     * Validates the header in {@code memory}, every field against the memory's size: the one check
     * shared by every ring kind. Nothing in the memory is changed.
     *
     * @param messages whether the caller reads framed records ({@link MessageRing}) rather than bytes
     * @throws RingFormatException naming the field that is wrong, including a ring of the other kind
     */
    static Attached checkHeader(MemorySegment memory, boolean messages) throws RingFormatException {
        checkMemory(memory);
        if (memory.byteSize() < RingLayout.HEADER_BYTES) {
            throw new RingFormatException("size=" + memory.byteSize() + " is smaller than a ring header ("
                    + RingLayout.HEADER_BYTES + " bytes): not a ring, or truncated");
        }
        RingHeader header = new RingHeader(memory);
        long magic = header.magicAcquire();
        if (magic != RingLayout.MAGIC) {
            throw new RingFormatException(String.format(
                    "magic=0x%016x is not a ringipc ring (expected 0x%016x)", magic, RingLayout.MAGIC));
        }
        int version = header.versionAcquire();
        if (version != RingLayout.VERSION) {
            throw new RingFormatException("version=" + version + ": this build reads version " + RingLayout.VERSION);
        }
        int headerSize = header.headerSizeAcquire();
        if (headerSize != RingLayout.HEADER_BYTES) {
            throw new RingFormatException("headerSize=" + headerSize + ", expected " + RingLayout.HEADER_BYTES);
        }
        int capacity = header.capacityAcquire();
        try {
            RingLayout.checkCapacity(capacity);
        } catch (IllegalArgumentException e) {
            throw new RingFormatException(e.getMessage());
        }
        long required = RingLayout.requiredBytes(capacity);
        if (memory.byteSize() < required) {
            throw new RingFormatException("capacity=" + capacity + " needs " + required
                    + " bytes but the memory holds " + memory.byteSize() + ": truncated");
        }
        int flags = header.flagsAcquire();
        RingOptions options = RingOptions.fromFlags(flags);
        if (options == null) {
            throw new RingFormatException(String.format("flags=0x%x holds values this build does not know", flags));
        }
        if (((flags & RingLayout.FLAG_MESSAGES) != 0) != messages) {
            throw new RingFormatException(String.format(messages
                    ? "flags=0x%x: a byte ring (Ring), not a message ring (flag 0x%x clear); use Ring.attach"
                    : "flags=0x%x: a message ring (flag 0x%x set), not a byte ring; use MessageRing.attach",
                    flags, RingLayout.FLAG_MESSAGES));
        }
        checkState(header.producerStateAcquire(), "producerState");
        checkState(header.consumerStateAcquire(), "consumerState");
        long head = header.headAcquire();
        long tail = header.tailAcquire();
        if (tail < 0 || head < tail || head - tail > capacity) {
            throw new RingFormatException("head=" + head + " tail=" + tail + " capacity=" + capacity
                    + ": positions no ring can hold (corrupt header)");
        }
        return new Attached(header, capacity, options);
    }

    private static void checkState(int state, String field) throws RingFormatException {
        if (state < RingLayout.STATE_NONE || state > RingLayout.STATE_CLOSED) {
            throw new RingFormatException(field + "=" + state + " is not an end state (0 none, 1 open, 2 closed)");
        }
    }

    private static void checkMemory(MemorySegment memory) {
        Objects.requireNonNull(memory, "memory");
        if (!memory.isNative()) {
            throw new IllegalArgumentException("memory=" + memory + " is on the heap; a ring needs native memory");
        }
        if (memory.address() % Long.BYTES != 0) {
            throw new IllegalArgumentException("memory.address()=0x" + Long.toHexString(memory.address())
                    + " is not 8-byte aligned");
        }
    }

    /**
     * Opens the producer end. One sink at a time: a second call before the first is closed throws.
     *
     * @throws IllegalStateException naming the pid when the end is held (by this or a live process)
     */
    public synchronized RingSink sink() {
        ensureRingOpen();
        Roles.acquire(header, Doorbell.Side.PRODUCER);
        producer = new Producer();
        return producer;
    }

    /**
     * Opens the consumer end. One source at a time: a second call before the first is closed throws.
     *
     * @throws IllegalStateException naming the pid when the end is held (by this or a live process)
     */
    public synchronized RingSource source() {
        ensureRingOpen();
        Roles.acquire(header, Doorbell.Side.CONSUMER);
        consumer = new Consumer();
        return consumer;
    }

    private void ensureRingOpen() {
        if (closed) {
            throw new IllegalStateException("ring is closed");
        }
    }

    /** A snapshot of the counters in the header. */
    public RingStats stats() {
        return Ring.stats(header, capacity);
    }

    static RingStats stats(RingHeader header, int capacity) {
        long tail = header.tailAcquire();
        long head = header.headAcquire();
        long used = Math.max(0, Math.min(capacity, head - tail));
        return new RingStats(capacity, used, capacity - used, head, tail,
                header.bytesDroppedOpaque(), header.writesOpaque(), header.readsOpaque(), header.dropsOpaque(),
                header.producerSleepsOpaque(), header.consumerSleepsOpaque(),
                header.producerPidVolatile(), header.consumerPidVolatile());
    }

    /** Data bytes the ring holds. */
    public int capacity() {
        return capacity;
    }

    /** The options recorded in the header. */
    public RingOptions options() {
        return options;
    }

    /**
     * Closes both ends this ring object opened (the peers see EOF / broken pipe) and, for a ring
     * from {@link #allocate}, frees its memory. Idempotent.
     */
    @Override
    public void close() {
        Producer p;
        Consumer c;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            p = producer;
            c = consumer;
        }
        if (p != null) {
            p.close();
        }
        if (c != null) {
            c.close();
        }
        mxBean.close();
        if (arena != null) {
            arena.close();
        }
    }

    /**
     * Registers this ring's stats as the MXBean {@code org.ringipc:type=Ring,name=<name>}; the ring
     * unregisters it when it closes.
     *
     * @throws IllegalStateException when that name is taken or this ring is already registered
     */
    public javax.management.ObjectName registerMXBean(String name) {
        return mxBean.register("Ring", name, this::stats);
    }

    /**
     * Marks the ring broken, so that every later operation of either end fails the same way, and
     * returns the exception for the operation that found it. Called when the shared header holds
     * what no honest peer writes: we stop before touching memory through such values.
     */
    private RingCorruptedException corrupted(long head, long tail) {
        String message = "ring corrupted: head=" + head + " tail=" + tail + " capacity=" + capacity;
        int recorded = header.capacityAcquire();
        if (recorded != capacity) {
            message += " (header capacity changed to " + recorded + ")";
        }
        corruption = message;
        return new RingCorruptedException(message);
    }

    private void checkNotCorrupted() throws RingCorruptedException {
        String message = corruption;
        if (message != null) {
            throw new RingCorruptedException(message);
        }
    }

    /** The producer end. Thread-confined state lives in plain fields: only its thread touches them. */
    private final class Producer extends RingEnd implements RingSink {

        private final boolean drop = options.overflowPolicy() == OverflowPolicy.DROP;
        private long head = header.headPlain();
        private long cachedTail = header.tailAcquire();
        private long wanted;
        private int claimed;

        Producer() {
            super(Ring.this, Ring.this.header, Doorbell.Side.PRODUCER, options, doorbell);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int len = src.remaining();
            checkWritable();
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
        }

        @Override
        public long write(MemorySegment src) throws IOException {
            long len = src.byteSize();
            checkWritable();
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
        }

        @Override
        public int tryWrite(ByteBuffer src) throws IOException {
            int len = src.remaining();
            checkWritable();
            int n = (int) Math.min(free(len), len);
            if (n > 0) {
                put(src, n);
                header.addWritesOpaque(1);
            }
            return n;
        }

        @Override
        public long tryWrite(MemorySegment src) throws IOException {
            long len = src.byteSize();
            checkWritable();
            int n = (int) Math.min(free(len), len);
            if (n > 0) {
                put(src, 0, n);
                header.addWritesOpaque(1);
            }
            return n;
        }

        @Override
        public boolean offer(MemorySegment burst) throws IOException {
            long len = burst.byteSize();
            checkWritable();
            if (free(len) < len) {
                dropWhole(len);
                return false;
            }
            if (len > 0) {
                put(burst, 0, (int) len);
                header.addWritesOpaque(1);
            }
            return true;
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
            checkWritable();
            int index = (int) (head & mask);
            int toEnd = capacity - index;
            int need = Math.min(minBytes, toEnd);
            long free;
            while ((free = free(need)) < need) {
                if (!wait) {
                    claimed = 0;
                    return data.asSlice(index, 0);
                }
                awaitRoom(need);
            }
            claimed = (int) Math.min(free, toEnd);
            return data.asSlice(index, claimed);
        }

        @Override
        public void commit(int bytes) throws IOException {
            if (bytes < 0 || bytes > claimed) {
                throw new IllegalArgumentException("bytes=" + bytes + " is not in 0 .. claimed=" + claimed);
            }
            checkWritable();
            claimed = 0;
            if (bytes > 0) {
                publish(head + bytes);
                header.addWritesOpaque(1);
            }
        }

        /** Free bytes; re-reads the consumer's tail only when the cached one shows fewer than {@code wanted}. */
        private long free(long wanted) throws RingCorruptedException {
            long free = capacity - (head - cachedTail);
            if (free < wanted) {
                // acquire: pairs with the consumer's release of tail; its copies out of the bytes below
                // tail are complete before we overwrite them
                long tail = header.tailAcquire();
                if (tail < cachedTail || tail > head || header.capacityAcquire() != capacity) {
                    throw corrupted(head, tail);
                }
                cachedTail = tail;
                free = capacity - (head - tail);
                if (free < wanted) {
                    // a non-blocking caller that finds no room learns of a dead consumer too
                    pollPeerPeriodically();
                }
            }
            return free;
        }

        private void put(ByteBuffer src, int n) {
            int index = (int) (head & mask);
            int first = Math.min(n, capacity - index);
            int pos = src.position();
            dataBuffer.put(index, src, pos, first);
            if (first < n) {
                dataBuffer.put(0, src, pos + first, n - first);
            }
            src.position(pos + n);
            publish(head + n);
        }

        private void put(MemorySegment src, long offset, int n) {
            int index = (int) (head & mask);
            int first = Math.min(n, capacity - index);
            MemorySegment.copy(src, offset, data, index, first);
            if (first < n) {
                MemorySegment.copy(src, offset + first, data, 0, n - first);
            }
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

        private void checkWritable() throws IOException {
            if (closed) {
                throw new ClosedChannelException();
            }
            checkNotCorrupted();
            // acquire: the consumer's CLOSED is seen together with everything before it
            if (header.consumerStateAcquire() == RingLayout.STATE_CLOSED || peerDied) {
                throw brokenPipe();
            }
        }

        private IOException brokenPipe() {
            return new IOException(peerDied
                    ? "broken pipe: the consumer process died"
                    : "broken pipe: the source end of the ring is closed");
        }

        private void awaitRoom(long bytes) throws IOException {
            wanted = bytes;
            refreshPeer();
            await(false, 0);
            checkWritable();
        }

        @Override
        public boolean ready() {
            if (closed || peerDied || corruption != null
                    || header.consumerStateAcquire() == RingLayout.STATE_CLOSED) {
                return true;
            }
            long tail = header.tailAcquire(); // acquire: as in free()
            if (tail < cachedTail || tail > head || header.capacityAcquire() != capacity) {
                corrupted(head, tail);  // marks the ring broken: the woken caller throws
                return true;
            }
            return capacity - (head - tail) >= wanted;
        }

        @Override
        void forget() {
            if (producer == this) {
                producer = null;
            }
        }
    }

    /** The consumer end. Thread-confined state lives in plain fields: only its thread touches them. */
    private final class Consumer extends RingEnd implements RingSource {

        private long tail = header.tailPlain();
        private long cachedHead = header.headAcquire();

        Consumer() {
            super(Ring.this, Ring.this.header, Doorbell.Side.CONSUMER, options, doorbell);
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
            checkReadable();
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
            return take(dst, (int) Math.min(available, dst.remaining()));
        }

        @Override
        public long read(MemorySegment dst) throws IOException {
            checkReadable();
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
            int index = (int) (tail & mask);
            int first = Math.min(n, capacity - index);
            MemorySegment.copy(data, index, dst, 0, first);
            if (first < n) {
                MemorySegment.copy(data, 0, dst, first, n - first);
            }
            release(tail + n);
            return n;
        }

        @Override
        public int tryRead(ByteBuffer dst) throws IOException {
            checkReadable();
            long available = available();
            if (available == 0) {
                return eof() ? -1 : 0;
            }
            return dst.hasRemaining() ? take(dst, (int) Math.min(available, dst.remaining())) : 0;
        }

        @Override
        public long drain(SegmentHandler handler, long maxBytes) throws IOException {
            checkReadable();
            if (maxBytes < 0) {
                throw new IllegalArgumentException("maxBytes=" + maxBytes + " is negative");
            }
            long available = available();
            if (available == 0) {
                return eof() ? -1 : 0;
            }
            int n = (int) Math.min(available, maxBytes);
            if (n == 0) {
                return 0;
            }
            int index = (int) (tail & mask);
            int first = Math.min(n, capacity - index);
            handler.onSegment(data.asSlice(index, first).asReadOnly());
            if (first < n) {
                handler.onSegment(data.asSlice(0, n - first).asReadOnly());
            }
            release(tail + n);
            return n;
        }

        private int take(ByteBuffer dst, int n) {
            int index = (int) (tail & mask);
            int first = Math.min(n, capacity - index);
            int pos = dst.position();
            dst.put(pos, dataBuffer, index, first);
            if (first < n) {
                dst.put(pos + first, dataBuffer, 0, n - first);
            }
            dst.position(pos + n);
            release(tail + n);
            return n;
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
                    throw corrupted(head, tail);
                }
                cachedHead = head;
                available = head - tail;
            }
            return available;
        }

        /** True once the producer is gone (closed or dead) and nothing is left to read. */
        private boolean eof() throws RingCorruptedException {
            // acquire: a CLOSED seen here happens-after the producer's last head release, so the
            // re-read of head below sees its final value
            if (header.producerStateAcquire() == RingLayout.STATE_CLOSED || peerDied) {
                return available() == 0;
            }
            // a non-blocking reader learns of a dead producer too, at most every poll period
            return pollPeerPeriodically() && peerDied && available() == 0;
        }

        /** Waits for data: the bytes available, -1 at EOF, 0 on timeout. */
        private long awaitData(boolean timed, long deadline) throws IOException {
            refreshPeer();
            while (true) {
                int outcome = await(timed, deadline);
                checkNotCorrupted();
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

        private void checkReadable() throws IOException {
            if (closed) {
                throw new ClosedChannelException();
            }
            checkNotCorrupted();
        }

        @Override
        public boolean ready() {
            // acquire: as in available()
            if (closed || peerDied || corruption != null) {
                return true;
            }
            long head = header.headAcquire(); // acquire: as in available()
            if (head < cachedHead || head - tail > capacity || header.capacityAcquire() != capacity) {
                corrupted(head, tail);  // marks the ring broken: the woken caller throws
                return true;
            }
            return head != tail || header.producerStateAcquire() == RingLayout.STATE_CLOSED;
        }

        @Override
        void forget() {
            if (consumer == this) {
                consumer = null;
            }
        }
    }
}
