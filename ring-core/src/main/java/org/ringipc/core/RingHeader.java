package org.ringipc.core;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static org.ringipc.core.RingLayout.BATCH_END_VH;
import static org.ringipc.core.RingLayout.BYTES_DROPPED_VH;
import static org.ringipc.core.RingLayout.CAPACITY_VH;
import static org.ringipc.core.RingLayout.DROPS_VH;
import static org.ringipc.core.RingLayout.PUBLISHING_VH;
import static org.ringipc.core.RingLayout.FLAGS_VH;
import static org.ringipc.core.RingLayout.HEADER_BYTES;
import static org.ringipc.core.RingLayout.HEADER_SIZE_VH;
import static org.ringipc.core.RingLayout.HEAD_VH;
import static org.ringipc.core.RingLayout.LOST_BYTES_VH;
import static org.ringipc.core.RingLayout.LOST_RECORDS_VH;
import static org.ringipc.core.RingLayout.MAGIC;
import static org.ringipc.core.RingLayout.MAGIC_VH;
import static org.ringipc.core.RingLayout.READS_VH;
import static org.ringipc.core.RingLayout.STREAMS_VH;
import static org.ringipc.core.RingLayout.TAIL_VH;
import static org.ringipc.core.RingLayout.VERSION;
import static org.ringipc.core.RingLayout.VERSION_VH;
import static org.ringipc.core.RingLayout.WRITES_VH;

/**
 * Typed access to one ring header. Every accessor names its memory order, the way
 * {@link java.lang.invoke.VarHandle} does, so that each read of shared state shows its ordering at
 * the call site. Plain accessors are for fields only their own side writes, read back by that same
 * side. The fields each side owns (its owner, state, waiting flag, sleeps) are named by its
 * {@link HeaderSide}.
 */
final class RingHeader {

    private final MemorySegment segment;

    RingHeader(MemorySegment segment) {
        this.segment = segment;
    }

    MemorySegment segment() {
        return segment;
    }

    /** A 4-byte slice over a futex word of the signal block. */
    MemorySegment word(long offset) {
        return segment.asSlice(offset, 4);
    }

    // identity block: written once by format, read by attach

    void format(int capacity, int flags) {
        segment.asSlice(0, HEADER_BYTES).fill((byte) 0);
        CAPACITY_VH.set(segment, capacity);
        FLAGS_VH.set(segment, flags);
        HEADER_SIZE_VH.set(segment, HEADER_BYTES);
        VERSION_VH.set(segment, VERSION);
        // release: a process that reads the magic with acquire sees every other identity field
        MAGIC_VH.setRelease(segment, MAGIC);
    }

    long magicAcquire() { return (long) MAGIC_VH.getAcquire(segment); }
    int versionAcquire() { return (int) VERSION_VH.getAcquire(segment); }
    int capacityAcquire() { return (int) CAPACITY_VH.getAcquire(segment); }
    int flagsAcquire() { return (int) FLAGS_VH.getAcquire(segment); }
    int headerSizeAcquire() { return (int) HEADER_SIZE_VH.getAcquire(segment); }

    // producer block

    long headAcquire() { return (long) HEAD_VH.getAcquire(segment); }
    long headPlain() { return (long) HEAD_VH.get(segment); }
    void setHeadRelease(long head) { HEAD_VH.setRelease(segment, head); }

    long writesOpaque() { return (long) WRITES_VH.getOpaque(segment); }
    void addWritesOpaque(long n) { WRITES_VH.setOpaque(segment, (long) WRITES_VH.get(segment) + n); }
    long bytesDroppedOpaque() { return (long) BYTES_DROPPED_VH.getOpaque(segment); }
    long dropsOpaque() { return (long) DROPS_VH.getOpaque(segment); }
    void addDropOpaque(long bytes) {
        BYTES_DROPPED_VH.setOpaque(segment, (long) BYTES_DROPPED_VH.get(segment) + bytes);
        DROPS_VH.setOpaque(segment, (long) DROPS_VH.get(segment) + 1);
    }
    long publishingPlain() { return (long) PUBLISHING_VH.get(segment); }
    /** Plain: the release of head that follows orders it. */
    void setPublishingPlain(long position) { PUBLISHING_VH.set(segment, position); }

    // consumer block

    long tailAcquire() { return (long) TAIL_VH.getAcquire(segment); }
    long tailPlain() { return (long) TAIL_VH.get(segment); }
    void setTailRelease(long tail) { TAIL_VH.setRelease(segment, tail); }

    long readsOpaque() { return (long) READS_VH.getOpaque(segment); }
    void addReadsOpaque(long n) { READS_VH.setOpaque(segment, (long) READS_VH.get(segment) + n); }
    long batchEndPlain() { return (long) BATCH_END_VH.get(segment); }
    long batchEndAcquire() { return (long) BATCH_END_VH.getAcquire(segment); }
    void setBatchEndOpaque(long position) { BATCH_END_VH.setOpaque(segment, position); }
    long lostRecordsOpaque() { return (long) LOST_RECORDS_VH.getOpaque(segment); }
    long lostBytesOpaque() { return (long) LOST_BYTES_VH.getOpaque(segment); }
    void addLostOpaque(long records, long bytes) {
        LOST_RECORDS_VH.setOpaque(segment, (long) LOST_RECORDS_VH.get(segment) + records);
        LOST_BYTES_VH.setOpaque(segment, (long) LOST_BYTES_VH.get(segment) + bytes);
    }

    // signal block: both sides write it, but only on the way to sleep, on a wake, and on open/close

    long streamsOpaque() { return (long) STREAMS_VH.getOpaque(segment); }
    long streamsAcquire() { return (long) STREAMS_VH.getAcquire(segment); }
    void addStreamOpaque() { STREAMS_VH.setOpaque(segment, (long) STREAMS_VH.get(segment) + 1); }

    // each side's own fields: a static final handle per side, called in the branch for that side.
    // A VarHandle that is not a constant (as one read from an enum's field is: the JIT does not
    // trust final instance fields) is called through a generic invoker instead of being inlined. With the consumer's
    // state read on every write, that cost a quarter of a 32-byte write and poll on one thread
    // (MessagePathBenchmark 29 ns before, 23 ns after), and claim stopped inlining whole, so its
    // slice was allocated again (AllocationBenchmarkTest: 40 B per claim before, 0 after).

    private static final VarHandle PRODUCER_OWNER = RingLayout.handle("producer", "owner");
    private static final VarHandle CONSUMER_OWNER = RingLayout.handle("consumer", "owner");
    private static final VarHandle PRODUCER_SLEEPS = RingLayout.handle("producer", "sleeps");
    private static final VarHandle CONSUMER_SLEEPS = RingLayout.handle("consumer", "sleeps");
    private static final VarHandle PRODUCER_STATE = RingLayout.handle("signal", "producerState");
    private static final VarHandle CONSUMER_STATE = RingLayout.handle("signal", "consumerState");
    private static final VarHandle PRODUCER_WAITING = RingLayout.handle("signal", "producerWaiting");
    private static final VarHandle CONSUMER_WAITING = RingLayout.handle("signal", "consumerWaiting");

    // each call names its handle in both branches: a handle picked by a ternary on a side that is
    // not a constant (Waiter's field, say) would still be called through the generic invoker
    private static boolean producer(HeaderSide side) { return side == HeaderSide.PRODUCER; }

    long ownerVolatile(HeaderSide side) {
        return producer(side) ? (long) PRODUCER_OWNER.getVolatile(segment) : (long) CONSUMER_OWNER.getVolatile(segment);
    }
    void setOwnerVolatile(HeaderSide side, long owner) {
        if (producer(side)) PRODUCER_OWNER.setVolatile(segment, owner); else CONSUMER_OWNER.setVolatile(segment, owner);
    }
    boolean casOwner(HeaderSide side, long expected, long owner) {
        return producer(side) ? PRODUCER_OWNER.compareAndSet(segment, expected, owner)
                : CONSUMER_OWNER.compareAndSet(segment, expected, owner);
    }

    int stateAcquire(HeaderSide side) {
        return producer(side) ? (int) PRODUCER_STATE.getAcquire(segment) : (int) CONSUMER_STATE.getAcquire(segment);
    }
    void setStateRelease(HeaderSide side, int state) {
        if (producer(side)) PRODUCER_STATE.setRelease(segment, state); else CONSUMER_STATE.setRelease(segment, state);
    }
    boolean casState(HeaderSide side, int expected, int state) {
        return producer(side) ? PRODUCER_STATE.compareAndSet(segment, expected, state)
                : CONSUMER_STATE.compareAndSet(segment, expected, state);
    }

    int waitingOpaque(HeaderSide side) {
        return producer(side) ? (int) PRODUCER_WAITING.getOpaque(segment) : (int) CONSUMER_WAITING.getOpaque(segment);
    }
    void setWaitingVolatile(HeaderSide side, int v) {
        if (producer(side)) PRODUCER_WAITING.setVolatile(segment, v); else CONSUMER_WAITING.setVolatile(segment, v);
    }

    long sleepsOpaque(HeaderSide side) {
        return producer(side) ? (long) PRODUCER_SLEEPS.getOpaque(segment) : (long) CONSUMER_SLEEPS.getOpaque(segment);
    }
    void addSleepOpaque(HeaderSide side) {
        if (producer(side)) {
            PRODUCER_SLEEPS.setOpaque(segment, (long) PRODUCER_SLEEPS.get(segment) + 1);
        } else {
            CONSUMER_SLEEPS.setOpaque(segment, (long) CONSUMER_SLEEPS.get(segment) + 1);
        }
    }
}
