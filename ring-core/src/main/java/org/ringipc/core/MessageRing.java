package org.ringipc.core;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static org.ringipc.core.RecordLayout.HEADER_BYTES;
import static org.ringipc.core.RecordLayout.HEADER_WORD_VH;
import static org.ringipc.core.RecordLayout.TYPE_MESSAGE;
import static org.ringipc.core.RecordLayout.TYPE_PADDING;
import static org.ringipc.core.RecordLayout.headerWord;
import static org.ringipc.core.RecordLayout.recordBytes;

/**
 * A lock-free single-producer/single-consumer ring of framed messages off the Java heap: what a
 * {@link Ring} is to a pipe, this is to a message queue. One {@link MessageSink} writes whole
 * messages, one {@link MessageSource} handles them in order, boundaries kept, in place.
 *
 * <pre>{@code
 * try (MessageRing ring = MessageRing.allocate(1 << 16)) {
 *     MessageSink sink = ring.sink();
 *     MessageSource source = ring.source();
 *     Thread.ofPlatform().start(() -> { for (var m : msgs) sink.write(m); sink.close(); });
 *     while (source.take(msg -> handle(msg)) > 0) { }
 * }
 * }</pre>
 *
 * <p>It shares the byte ring's header ({@link RingLayout}: head, tail, telemetry, end states,
 * waiting flags), its format and attach checks, its waiting ({@link Waiter}), its roles and peer-death
 * detection ({@code Roles}) and its tail with release after the reads. Records are published as in
 * Agrona: the consumer acquires each record's header word instead of the producer's head, and
 * zeroes what it read before releasing its tail ({@link RecordLayout} gives the argument). The
 * identity flags carry {@link RingLayout#FLAG_MESSAGES}, so
 * {@link Ring#attach} refuses a message ring and {@link #attach} refuses a byte ring. The data region
 * holds records laid out by {@link RecordLayout} (Agrona's {@code RecordDescriptor} idea: an 8-byte
 * header of length and type, 8-byte alignment, a padding record at the wrap).
 *
 * <p>The largest message is {@link #maxMessageLength()} = {@code capacity / 2 - 8} bytes: a record
 * never splits at the wrap, so it may have to wait behind a padding record covering almost the rest
 * of the ring, and only a record of at most half the ring is sure to fit beside that padding.
 *
 * <p>{@link #stats()}: {@code bytesWritten}, {@code bytesRead}, {@code used}, {@code free} and
 * {@code bytesDropped} count ring bytes, framing included (record headers, alignment, wrap padding);
 * {@code writes}, {@code reads} and {@code drops} count messages.
 *
 * <p>A ring made by {@link #allocate} owns its memory and frees it on {@link #close()}; one from
 * {@link #format} or {@link #attach} lives in the caller's memory (a mapped file, say). Close the ring
 * after its ends.
 */
public final class MessageRing implements AutoCloseable {

    private final Arena arena;
    private final RingHeader header;
    private final MemorySegment data;
    private final int capacity;
    private final int mask;
    private final int maxMessageLength;
    private final RingOptions options;
    private final Doorbell doorbell;
    private Producer producer;
    private Consumer consumer;
    private final RingMXBeans.Slot mxBean = new RingMXBeans.Slot();
    private boolean closed;
    private volatile String corruption;

    private MessageRing(Arena arena, RingHeader header, int capacity, RingOptions options, Doorbell doorbell) {
        this.arena = arena;
        this.header = header;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxMessageLength = RecordLayout.maxMessageLength(capacity);
        this.data = header.segment().asSlice(RingLayout.HEADER_BYTES, capacity);
        this.options = options;
        this.doorbell = doorbell;
    }

    /** A message ring of {@code capacity} bytes in fresh off-heap memory, with {@link RingOptions#defaults()}. */
    public static MessageRing allocate(int capacity) {
        return allocate(capacity, RingOptions.defaults());
    }

    /**
     * A message ring of {@code capacity} bytes (framing included) in fresh off-heap memory that it owns.
     *
     * @throws IllegalArgumentException when capacity is not a power of two in 4096 .. 2^30
     */
    public static MessageRing allocate(int capacity, RingOptions options) {
        Objects.requireNonNull(options, "options");
        long size = RingLayout.requiredBytes(capacity);
        Arena arena = Arena.ofShared();
        RingHeader header = Ring.formatHeader(arena.allocate(size, RingLayout.BLOCK_BYTES), capacity, flags(options));
        return new MessageRing(arena, header, capacity, options, Doorbell.parking());
    }

    /** Header plus data: the bytes {@link #format} needs for this capacity (the same as a byte ring's). */
    public static long requiredBytes(int capacity) {
        return RingLayout.requiredBytes(capacity);
    }

    /** Lays a fresh message-ring header into caller memory, with {@link RingOptions#defaults()}. */
    public static MessageRing format(MemorySegment memory, int capacity) {
        return format(memory, capacity, RingOptions.defaults());
    }

    /** Lays a fresh message-ring header into caller memory (anything there is lost), waking in-process. */
    public static MessageRing format(MemorySegment memory, int capacity, RingOptions options) {
        return format(memory, capacity, options, Doorbell.parking());
    }

    /**
     * Lays a fresh message-ring header into caller memory (anything there is lost) and returns the
     * ring, sleeping and waking through {@code doorbell}.
     *
     * @throws IllegalArgumentException for a bad capacity or memory that is too small, on the heap or
     *                                  not 8-byte aligned
     */
    public static MessageRing format(MemorySegment memory, int capacity, RingOptions options, Doorbell doorbell) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(doorbell, "doorbell");
        RingHeader header = Ring.formatHeader(memory, capacity, flags(options));
        // a zero header word means "no record yet": the caller's memory may hold anything
        memory.asSlice(RingLayout.HEADER_BYTES, capacity).fill((byte) 0);
        return new MessageRing(null, header, capacity, options, doorbell);
    }

    /** Validates the message-ring header in {@code memory} and returns the ring (in-process waking). */
    public static MessageRing attach(MemorySegment memory) throws RingFormatException {
        return attach(memory, Doorbell.parking());
    }

    /**
     * Validates the header in {@code memory} as {@link Ring#attach} does, and that it is a message
     * ring whose positions sit on record boundaries; the options are the ones recorded at format time.
     * Nothing in the memory is changed.
     *
     * @throws RingFormatException naming the field that is wrong (a byte ring: {@code flags})
     */
    public static MessageRing attach(MemorySegment memory, Doorbell doorbell) throws RingFormatException {
        Objects.requireNonNull(doorbell, "doorbell");
        Ring.Attached found = Ring.checkHeader(memory, true);
        RingHeader header = found.header();
        long head = header.headAcquire();
        long tail = header.tailAcquire();
        if (head % RecordLayout.ALIGNMENT != 0 || tail % RecordLayout.ALIGNMENT != 0) {
            throw new RingFormatException("head=" + head + " tail=" + tail + " are not multiples of "
                    + RecordLayout.ALIGNMENT + ": not on record boundaries (corrupt header)");
        }
        return new MessageRing(null, header, found.capacity(), found.options(), doorbell);
    }

    private static int flags(RingOptions options) {
        return options.toFlags() | RingLayout.FLAG_MESSAGES;
    }

    /**
     * Opens the producer end. One sink at a time: a second call before the first is closed throws.
     *
     * @throws IllegalStateException naming the pid when the end is held (by this or a live process)
     */
    public synchronized MessageSink sink() {
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
    public synchronized MessageSource source() {
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

    /** A snapshot of the counters in the header: bytes are framed ring bytes, operations are messages. */
    public RingStats stats() {
        return Ring.stats(header, capacity);
    }

    /**
     * Registers this ring's stats as the MXBean {@code org.ringipc:type=Ring,name=<name>}; the ring
     * unregisters it when it closes.
     *
     * @throws IllegalStateException when that name is taken or this ring is already registered
     */
    public javax.management.ObjectName registerMXBean(String name) {
        return mxBean.register("MessageRing", name, this::stats);
    }

    /** Data bytes the ring holds, framing included. */
    public int capacity() {
        return capacity;
    }

    /**
     * The largest message in bytes: {@code capacity / 2 - 8} (2040 for a 4 KiB ring). A record (8-byte
     * header plus payload) never splits at the wrap, so it may wait behind padding that fills nearly the
     * rest of the ring; a record of at most half the ring always fits beside it once the ring drains.
     */
    public int maxMessageLength() {
        return maxMessageLength;
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
     * Marks the ring broken, so that every later call of either end fails the same way, and returns the
     * exception for the call that found it: the shared memory holds what no honest peer writes, and we
     * stop before following such values (as {@link Ring} does).
     */
    private RingCorruptedException corrupted(String what, long head, long tail) {
        String message = "message ring corrupted: " + what + " (head=" + head + " tail=" + tail
                + " capacity=" + capacity + ")";
        corruption = message;
        return new RingCorruptedException(message);
    }

    private void checkNotCorrupted() throws RingCorruptedException {
        String message = corruption;
        if (message != null) {
            throw new RingCorruptedException(message);
        }
    }

    /**
     * Zeroes {@code bytes} of the data region from ring position {@code position} (an index is a
     * position too), in two pieces when they wrap: what a header word may land on must read 0 until
     * it is published.
     */
    private void zero(long position, long bytes) {
        int from = (int) (position & mask);
        long first = Math.min(bytes, capacity - from);
        if (first > 0) {
            data.asSlice(from, first).fill((byte) 0);
        }
        if (bytes > first) {
            data.asSlice(0, bytes - first).fill((byte) 0);
        }
    }

    /** True when positions read from the header are ones an honest peer could have written. */
    private boolean honest(long head, long tail) {
        return tail >= 0 && head >= tail && head - tail <= capacity && (head | tail) % RecordLayout.ALIGNMENT == 0
                && header.capacityAcquire() == capacity;
    }

    /** The producer end. Thread-confined state lives in plain fields: only its thread touches them. */
    private final class Producer extends RingEnd implements MessageSink {

        private static final int NO_CLAIM = -1;

        private final boolean drop = options.overflowPolicy() == OverflowPolicy.DROP;
        private long head = header.headPlain();
        private long cachedTail = header.tailAcquire();
        /** Position of the reserved record: head, or the start of the data region after wrap padding. */
        private long recordStart;
        private long wanted;
        private int claimIndex = NO_CLAIM;
        private int claimLength;
        /** The padding record the reserved record needs before the wrap (index, or -1), published with it. */
        private int paddingIndex = -1;
        private int paddingLength;

        Producer() {
            super(MessageRing.this, MessageRing.this.header, Doorbell.Side.PRODUCER, options, doorbell);
        }

        @Override
        public boolean offer(MemorySegment msg) throws IOException {
            int length = checkLength(msg.byteSize());
            checkIdle();
            int index = reserve(length, false);
            if (index < 0) {
                dropped(recordBytes(length));
                return false;
            }
            MemorySegment.copy(msg, 0, data, index + HEADER_BYTES, length);
            publish(index, length);
            return true;
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
            checkIdle();
            int index = reserve(length, true);
            MemorySegment.copy(msg, 0, data, index + HEADER_BYTES, length);
            publish(index, length);
        }

        @Override
        public void write(ByteBuffer msg) throws IOException {
            write(MemorySegment.ofBuffer(msg));
            msg.position(msg.limit());
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
            checkIdle();
            int index = reserve(length, wait);
            if (index < 0) {
                return null;
            }
            claimIndex = index;
            claimLength = length;
            return data.asSlice(index + HEADER_BYTES, length);
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
            int index = claimIndex;
            claimIndex = NO_CLAIM;
            checkWritable();
            // the unused end of the claim: a later record's header may land there, and must read 0 until published
            zero(index + recordBytes(length), recordBytes(claimLength) - recordBytes(length));
            publish(index, length);
        }

        @Override
        public void abort() {
            if (claimIndex != NO_CLAIM) {
                // whatever the caller wrote into the slice: a later record's header may land there
                zero(claimIndex + HEADER_BYTES, recordBytes(claimLength) - HEADER_BYTES);
                claimIndex = NO_CLAIM;
                paddingIndex = -1;
            }
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
            final int index = (int) (head & mask);
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
            HEADER_WORD_VH.setRelease(data, (long) index, headerWord(length, TYPE_MESSAGE));
            if (paddingIndex >= 0) {
                // release: the record's word is stored before the padding's, so a consumer that skips the
                // padding finds the record whole
                HEADER_WORD_VH.setRelease(data, (long) paddingIndex, headerWord(paddingLength, TYPE_PADDING));
                paddingIndex = -1;
            }
            header.addWritesOpaque(1);
            if (wakes) {
                waiter.wakePeer();
            }
        }

        /** Free bytes; re-reads the consumer's tail only when the cached one shows fewer than {@code wanted}. */
        private long free(long wanted) throws RingCorruptedException {
            long free = capacity - (head - cachedTail);
            if (free < wanted) {
                // acquire: pairs with the consumer's release of tail; its reads of the records below
                // tail are complete before we overwrite them
                long tail = header.tailAcquire();
                if (tail < cachedTail || !honest(head, tail)) {
                    throw corrupted("tail ran backwards, past head or off a record boundary", head, tail);
                }
                cachedTail = tail;
                free = capacity - (head - tail);
                if (free < wanted) {
                    // a caller that never waits learns of a dead consumer too, at most every poll period
                    pollPeerPeriodically();
                }
            }
            return free;
        }

        private void checkWritable() throws IOException {
            if (closed) {
                throw new ClosedChannelException();
            }
            checkNotCorrupted();
            // acquire: the consumer's CLOSED is seen together with everything before it
            if (header.consumerStateAcquire() == RingLayout.STATE_CLOSED || peerDied) {
                throw new IOException(peerDied
                        ? "broken pipe: the consumer process died"
                        : "broken pipe: the source end of the message ring is closed");
            }
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
            if (tail < cachedTail || !honest(head, tail)) {
                corrupted("tail ran backwards, past head or off a record boundary", head, tail);
                return true;  // the woken caller throws
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
    private final class Consumer extends RingEnd implements MessageSource {

        private long tail = header.tailPlain();
        private long cachedHead = header.headAcquire();

        Consumer() {
            super(MessageRing.this, MessageRing.this.header, Doorbell.Side.CONSUMER, options, doorbell);
        }

        @Override
        public int poll(MessageHandler handler, int limit) throws IOException {
            Objects.requireNonNull(handler, "handler");
            checkLimit(limit);
            checkReadable();
            if (!published()) {
                return eof() ? -1 : 0;
            }
            return consume(handler, limit);
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
            checkReadable();
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
                    final int index = (int) (position & mask);
                    // acquire: pairs with the producer's release of the header word; the payload it
                    // vouches for is complete. Bytes not yet published read 0: we zeroed them last lap
                    final long word = (long) HEADER_WORD_VH.getAcquire(data, (long) index);
                    if (word == 0) {
                        break;
                    }
                    final int length = RecordLayout.lengthOf(word);
                    final int type = RecordLayout.typeOf(word);
                    position += checkRecord(index, length, type, capacity - (position - start));
                    if (type == TYPE_MESSAGE) {
                        count++;
                        handler.onMessage(data.asSlice(index + HEADER_BYTES, length).asReadOnly());
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
                case TYPE_MESSAGE -> length >= 0 && length <= maxMessageLength && recordBytes(length) <= toEnd;
                case TYPE_PADDING -> length == toEnd - HEADER_BYTES;
                default -> false;
            };
            long size = valid ? recordBytes(length) : 0;
            if (!valid || size > room) {
                throw corrupted("record at index " + index + " has length=" + length + " type=" + type,
                        cachedHead, tail);
            }
            return size;
        }

        private void release(long newTail, int messages) {
            // zero what was read, so that until the producer publishes there, every header word in it
            // reads 0 next lap (the producer writes there only after the release of tail below)
            zero(tail, newTail - tail);
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
            return (long) HEADER_WORD_VH.getAcquire(data, (long) (tail & mask)) != 0;
        }

        /**
         * Checks the producer's head against what an honest producer could have written (it is stored
         * before the records it covers, so it is never behind our tail); returns false and marks the
         * ring broken when it is not. Only on slow paths: the fast path never reads head.
         */
        private boolean headHonest() {
            // acquire: pairs with the producer's release of head
            long head = header.headAcquire();
            if (head < cachedHead || !honest(head, tail)) {
                corrupted("head ran backwards, too far or off a record boundary", head, tail);
                return false;
            }
            cachedHead = head;
            return true;
        }

        /** True once the producer is gone (closed or dead) and nothing is left to read. */
        private boolean eof() throws RingCorruptedException {
            // acquire: a CLOSED seen here happens-after the producer's last head release, so the
            // re-read of head below sees its final value
            if (header.producerStateAcquire() == RingLayout.STATE_CLOSED || peerDied) {
                return !published();
            }
            // a reader that never waits learns of a dead producer (and a scribbled head) too, at
            // most every poll period
            if (!pollPeerPeriodically()) {
                return false;
            }
            if (!headHonest()) {
                checkNotCorrupted();
            }
            return peerDied && !published();
        }

        /** Waits for data: 1 when records are there, -1 at EOF, 0 on timeout. */
        private int awaitData(boolean timed, long deadline) throws IOException {
            refreshPeer();
            while (true) {
                int outcome = await(timed, deadline);
                checkNotCorrupted();
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

        private void checkLimit(int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("limit=" + limit + " is not positive");
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
            if (closed || peerDied || corruption != null) {
                return true;
            }
            if (!headHonest()) {
                return true;  // the woken caller throws
            }
            return published() || header.producerStateAcquire() == RingLayout.STATE_CLOSED;
        }

        @Override
        void forget() {
            if (consumer == this) {
                consumer = null;
            }
        }
    }
}
