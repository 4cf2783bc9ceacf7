package org.ringipc.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import javax.management.ObjectName;

/**
 * The memory a lock-free ring lives in, and everything about it that does not depend on how the
 * data region is framed: owned or borrowed memory, the format and attach checks, claiming and
 * giving back the two ends (with takeover of an end whose holder died), the broken flag, stats,
 * the MXBean slot and closing. {@link Ring} and {@link MessageRing} are thin façades over one of
 * these; their ends ({@link ByteProducer}, {@link ByteConsumer}, {@link RecordProducer},
 * {@link RecordConsumer}) get it through their constructors.
 */
final class RingMemory {

    /** What an end kind does when it opens: builds the end, and repairs what a dead holder left. */
    interface EndFactory<E extends RingEnd> {
        /** Repairs the ring after the previous holder of this end died holding it; the end is locked. */
        default void recover(RingMemory memory) {
        }

        /** Readies the ring for a new holder of this end, on every open (after recover); the end is locked. */
        default void prepare(RingMemory memory) {
        }

        E open(RingMemory memory);
    }

    /** Null for borrowed memory (format, attach), which the caller frees. */
    private final Arena arena;
    final RingHeader header;
    final DataRegion data;
    final int capacity;
    final RingOptions options;
    final Doorbell doorbell;
    private final EndLocks locks;
    private final boolean sharedParking;
    private final RingMXBeans.Slot mxBean = new RingMXBeans.Slot();
    private volatile String corruption;
    /** Guarded by this: the ends this handle opened, and whether it is closed. */
    private RingEnd producer;
    private RingEnd consumer;
    private boolean closed;

    /**
     * @param nativeCopy this handle copies in through {@code memcpy} (resolved from the options and
     *                   the ring kind by the caller; the data region still checks availability)
     */
    private RingMemory(Arena arena, MemorySegment memory, int capacity, RingOptions options, boolean nativeCopy,
                       Doorbell doorbell, EndLocks locks) {
        this.arena = arena;
        this.header = new RingHeader(memory);
        this.data = new DataRegion(memory.asSlice(RingLayout.HEADER_BYTES, capacity), nativeCopy);
        this.capacity = capacity;
        this.options = options;
        this.sharedParking = doorbell == null;
        // handles over the same memory in one process share one parking doorbell, or a sleeper
        // parked through one handle would not be unparked by a write through the other
        this.doorbell = doorbell != null ? doorbell : ParkingDoorbell.forMemory(memory.address());
        this.locks = OwnerRecordingLocks.over(locks, header);
    }

    /** Fresh off-heap memory that the ring owns, formatted with {@code flags}. */
    static RingMemory allocate(int capacity, RingOptions options, int flags) {
        Objects.requireNonNull(options, "options");
        long size = RingLayout.requiredBytes(capacity);
        Arena arena = Arena.ofShared();
        MemorySegment memory = arena.allocate(size, RingLayout.BLOCK_BYTES);
        new RingHeader(memory).format(capacity, flags);
        // memory the ring owns cannot be truncated under it: native copy on unless refused
        return new RingMemory(arena, memory, capacity, options, nativeCopy(options, flags, true), null, null);
    }

    /**
     * Whether a handle copies in through {@code memcpy}: as the options choose, else
     * {@code ownedMemoryDefault}; never for message rings, whose producer copies records itself.
     */
    private static boolean nativeCopy(RingOptions options, int flags, boolean ownedMemoryDefault) {
        return (flags & RingLayout.FLAG_MESSAGES) == 0 && options.nativeCopyOr(ownedMemoryDefault);
    }

    /**
     * Checks caller memory and lays a fresh header with {@code flags} into it: the one format shared
     * by every ring kind.
     *
     * @param doorbell null for the in-process doorbell shared by every handle over this memory
     * @param locks    null for {@link EndLocks#ownerWord}
     */
    static RingMemory format(MemorySegment memory, int capacity, RingOptions options, int flags,
                             Doorbell doorbell, EndLocks locks) {
        Objects.requireNonNull(options, "options");
        checkMemory(memory);
        long required = RingLayout.requiredBytes(capacity);
        if (memory.byteSize() < required) {
            throw new IllegalArgumentException("memory.byteSize()=" + memory.byteSize()
                    + " is smaller than requiredBytes(" + capacity + ")=" + required);
        }
        new RingHeader(memory).format(capacity, flags);
        // caller memory may be a mapped file that another process can truncate: off unless asked for
        return new RingMemory(null, memory, capacity, options, nativeCopy(options, flags, false), doorbell, locks);
    }

    /**
     * Validates the header in {@code memory}, every field against the memory's size, and that it
     * holds the kind of ring the caller reads. Nothing in the memory is changed.
     *
     * @param messages whether the caller reads framed records ({@link MessageRing}) rather than bytes
     * @param nativeCopy whether this handle copies in through {@code memcpy} (a per-process choice,
     *                   not in the header; null: not chosen, off); ignored for message rings
     * @throws RingFormatException naming the field that is wrong, including a ring of the other kind
     */
    static RingMemory attach(MemorySegment memory, boolean messages, Boolean nativeCopy, Doorbell doorbell,
                             EndLocks locks) throws RingFormatException {
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
        for (HeaderSide side : HeaderSide.values()) {
            int state = header.stateAcquire(side);
            if (state < RingLayout.STATE_NONE || state > RingLayout.STATE_CLOSED) {
                throw new RingFormatException(side.label + "State=" + state
                        + " is not an end state (0 none, 1 open, 2 closed)");
            }
        }
        String positions = checkPositions(header, capacity, messages);
        if (positions != null) {
            throw new RingFormatException(positions);
        }
        RingOptions local = nativeCopy == null ? options : options.withNativeCopy(nativeCopy);
        return new RingMemory(null, memory, capacity, local, nativeCopy(local, flags, false), doorbell, locks);
    }

    /** What is wrong with head and tail, or null when an honest ring could hold them. */
    private static String checkPositions(RingHeader header, int capacity, boolean messages) {
        // tail, head, tail again (each acquire, so the loads keep their order): the ends may be
        // moving. Both only grow, so an honest ring has tail1 <= head (head was at least tail1 when
        // tail1 was read) and head <= tail2 + capacity (head never ran more than a ring ahead of the
        // tail, which was at most tail2 when head was read); a check of head against one tail read
        // would call a live ring corrupt
        long tail = header.tailAcquire();
        long head = header.headAcquire();
        long tailAfter = header.tailAcquire();
        if (tail < 0 || head < tail || tailAfter < tail || head - tailAfter > capacity) {
            return "head=" + head + " tail=" + tail + " capacity=" + capacity
                    + ": positions no ring can hold (corrupt header)";
        }
        if (messages && (head % RecordLayout.ALIGNMENT != 0 || tail % RecordLayout.ALIGNMENT != 0)) {
            return "head=" + head + " tail=" + tail + " are not multiples of " + RecordLayout.ALIGNMENT
                    + ": not on record boundaries (corrupt header)";
        }
        return null;
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

    boolean messages() {
        return (header.flagsAcquire() & RingLayout.FLAG_MESSAGES) != 0;
    }

    /**
     * Claims {@code side}'s end for this handle and opens it: takes the end's lock, repairs what a
     * dead holder left ({@link EndFactory#recover}), checks the start positions, records this
     * process as the owner and marks the end open.
     *
     * @throws IllegalStateException naming the holder's pid when a live process (this one included)
     *                               holds the end, or when this ring is closed
     */
    synchronized <E extends RingEnd> E open(HeaderSide side, EndFactory<E> factory) {
        if (closed) {
            throw new IllegalStateException("ring is closed");
        }
        if (!locks.tryLock(side.side)) {
            long holder = ProcessIdentity.pid(header.ownerVolatile(side));
            String who = holder == 0 ? "a live process" : "live pid " + holder;
            if (holder == ProcessIdentity.PID) {
                who = "pid " + holder + " (this process)";
            }
            throw new IllegalStateException(side.label + " end is already held by " + who);
        }
        try {
            int previous = header.stateAcquire(side);
            // the end's positions are checked before anything follows them: a scribbled head or tail
            // marks the ring broken, and every operation then says so
            String positions = checkPositions(header, capacity, messages());
            if (positions != null) {
                corrupted(positions);
            } else if (previous == RingLayout.STATE_OPEN) {
                // the lock was free but the end says open: its holder died holding it
                RingEvents.Takeover event = new RingEvents.Takeover();
                if (event.shouldCommit()) {
                    event.side = side.label;
                    event.commit();
                }
                factory.recover(this);
            }
            if (previous != RingLayout.STATE_OPEN) {
                startStream(side);
            }
            if (positions == null) {
                factory.prepare(this);
            }
            E end = factory.open(this);
            // release: the owner word and any repair are visible before anyone sees the end open
            header.setStateRelease(side, RingLayout.STATE_OPEN);
            if (side == HeaderSide.PRODUCER && previous != RingLayout.STATE_OPEN) {
                // counted after OPEN, never before: a producer that died between a count and its
                // OPEN would leave the last stream's CLOSED with a new count, and a reader opening
                // meanwhile would take that for a whole stream that came and went and put the old
                // EOF back (forgetEndedStream). The release of this end's CLOSED orders the count
                // before it for a reader whose CAS reads that CLOSED
                header.addStreamOpaque();
            }
            if (side == HeaderSide.PRODUCER) {
                producer = end;
            } else {
                consumer = end;
            }
            end.waiter.wakePeer();  // a peer asleep on a dead or closed end re-checks
            return end;
        } catch (RuntimeException | Error e) {
            locks.unlock(side.side);
            throw e;
        }
    }

    /**
     * A ring serves one stream after another, as a FIFO does. An end that opens (not a takeover)
     * forgets the other end's CLOSED from an earlier stream: a new writer is not refused by the last
     * stream's reader ("broken pipe"), and a reader that comes after a stream ended and was read to
     * the end waits for the next writer instead of reading the old EOF. Bytes the last stream left
     * unread are not discarded: a reader reads them, then that stream's EOF.
     */
    private void startStream(HeaderSide side) {
        HeaderSide peer = side.peer();
        if (side == HeaderSide.PRODUCER) {
            // CAS, not a store: a reader opening right now (OPEN) is left as it is
            header.casState(peer, RingLayout.STATE_CLOSED, RingLayout.STATE_NONE);
            return;
        }
        // acquire (streams, state, head): a CLOSED seen here comes with the writer's final head
        long stream = header.streamsAcquire();
        if (header.stateAcquire(peer) == RingLayout.STATE_CLOSED && header.headAcquire() == header.tailPlain()) {
            forgetEndedStream(stream);
        }
    }

    /**
     * The consumer's half of {@link #startStream} after its check saw the producer CLOSED with
     * nothing left to read while {@code streams} was {@code streamSeen}: forgets that EOF, unless a
     * whole stream came and went since. Package-private so that a test can run it at any point of a
     * producer's open.
     */
    void forgetEndedStream(long streamSeen) {
        HeaderSide peer = HeaderSide.PRODUCER;
        if (header.casState(peer, RingLayout.STATE_CLOSED, RingLayout.STATE_NONE)
                && header.streamsAcquire() != streamSeen) {
            // a whole stream opened and closed between the check and the CAS (its writer counted
            // it after its OPEN and before its release of CLOSED, and the CAS read that CLOSED):
            // that stream has bytes for us, so put its EOF back
            header.casState(peer, RingLayout.STATE_NONE, RingLayout.STATE_CLOSED);
        }
    }

    /**
     * Gives back the end: marks it closed, clears the owner, drops the lock, and forgets it. Called
     * once per end, when no call on it runs.
     */
    synchronized void release(RingEnd end) {
        HeaderSide side = end.side;
        // release: everything this end published (its final position) is visible to a peer that
        // reads CLOSED with acquire
        header.setStateRelease(side, RingLayout.STATE_CLOSED);
        locks.unlock(side.side);
        if (producer == end) {
            producer = null;
        }
        if (consumer == end) {
            consumer = null;
        }
    }

    /** True when the end is marked open but no live process holds its lock: its holder died. */
    boolean holderDied(HeaderSide side) {
        // the lock first, then the state: a holder that closes normally stores CLOSED before it
        // unlocks, so a free lock followed by OPEN means the holder died (or a new holder is between
        // taking the lock and storing OPEN: its end is not open yet either way, and the next poll
        // sees it)
        if (locks.isHeld(side.side)) {
            return false;
        }
        // acquire: pairs with the release of the end's state in open/release
        return header.stateAcquire(side) == RingLayout.STATE_OPEN;
    }

    /** The owner pid of {@code side}'s end as the header records it (informational). */
    long ownerPid(HeaderSide side) {
        return ProcessIdentity.pid(header.ownerVolatile(side));
    }

    /**
     * Marks the ring broken, so that every later operation of either end fails the same way, and
     * returns the exception for the operation that found it: the shared memory holds what no honest
     * peer writes, and we stop before following such values.
     */
    RingCorruptedException corrupted(String what) {
        String message = (messages() ? "message ring corrupted: " : "ring corrupted: ") + what;
        int recorded = header.capacityAcquire();
        if (recorded != capacity) {
            message += " (header capacity changed to " + recorded + ")";
        }
        corruption = message;
        return new RingCorruptedException(message);
    }

    boolean isBroken() {
        return corruption != null;
    }

    void checkNotCorrupted() throws RingCorruptedException {
        String message = corruption;
        if (message != null) {
            throw new RingCorruptedException(message);
        }
    }

    /** A snapshot of the counters in the header. */
    RingStats stats() {
        long tail = header.tailAcquire();
        long head = header.headAcquire();
        long used = Math.max(0, Math.min(capacity, head - tail));
        return new RingStats(capacity, used, capacity - used, head, tail,
                header.bytesDroppedOpaque(), header.writesOpaque(), header.readsOpaque(), header.dropsOpaque(),
                header.sleepsOpaque(HeaderSide.PRODUCER), header.sleepsOpaque(HeaderSide.CONSUMER),
                ownerPid(HeaderSide.PRODUCER), ownerPid(HeaderSide.CONSUMER),
                header.lostRecordsOpaque(), header.lostBytesOpaque(), header.streamsOpaque());
    }

    ObjectName registerMXBean(String kind, String name) {
        return mxBean.register(kind, name, this::stats);
    }

    /**
     * Closes both ends this handle opened (waiting for calls running on them to leave), unregisters
     * the MXBean and, for owned memory, frees it. Idempotent.
     */
    void close() {
        RingEnd p;
        RingEnd c;
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
        if (sharedParking) {
            ParkingDoorbell.release(header.segment().address());
        }
        if (arena != null) {
            arena.close();
        }
    }
}
