package org.ringipc.core;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static org.ringipc.core.RingLayout.*;

/**
 * Typed access to one ring header. Every accessor names its memory order, the way
 * {@link VarHandle} does, so that each read of shared state shows its ordering at the call site.
 * Plain accessors are for fields only their own side writes, read back by that same side.
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
    long producerSleepsOpaque() { return (long) PRODUCER_SLEEPS_VH.getOpaque(segment); }
    void addProducerSleepOpaque() { PRODUCER_SLEEPS_VH.setOpaque(segment, (long) PRODUCER_SLEEPS_VH.get(segment) + 1); }

    long producerPidVolatile() { return (long) PRODUCER_PID_VH.getVolatile(segment); }
    boolean casProducerPid(long expected, long pid) { return PRODUCER_PID_VH.compareAndSet(segment, expected, pid); }
    long producerStartTimeOpaque() { return (long) PRODUCER_START_VH.getOpaque(segment); }
    void setProducerStartTimeOpaque(long t) { PRODUCER_START_VH.setOpaque(segment, t); }
    int producerStateAcquire() { return (int) PRODUCER_STATE_VH.getAcquire(segment); }
    void setProducerStateRelease(int state) { PRODUCER_STATE_VH.setRelease(segment, state); }

    // consumer block

    long tailAcquire() { return (long) TAIL_VH.getAcquire(segment); }
    long tailPlain() { return (long) TAIL_VH.get(segment); }
    void setTailRelease(long tail) { TAIL_VH.setRelease(segment, tail); }

    long readsOpaque() { return (long) READS_VH.getOpaque(segment); }
    void addReadsOpaque(long n) { READS_VH.setOpaque(segment, (long) READS_VH.get(segment) + n); }
    long consumerSleepsOpaque() { return (long) CONSUMER_SLEEPS_VH.getOpaque(segment); }
    void addConsumerSleepOpaque() { CONSUMER_SLEEPS_VH.setOpaque(segment, (long) CONSUMER_SLEEPS_VH.get(segment) + 1); }

    long consumerPidVolatile() { return (long) CONSUMER_PID_VH.getVolatile(segment); }
    boolean casConsumerPid(long expected, long pid) { return CONSUMER_PID_VH.compareAndSet(segment, expected, pid); }
    long consumerStartTimeOpaque() { return (long) CONSUMER_START_VH.getOpaque(segment); }
    void setConsumerStartTimeOpaque(long t) { CONSUMER_START_VH.setOpaque(segment, t); }
    int consumerStateAcquire() { return (int) CONSUMER_STATE_VH.getAcquire(segment); }
    void setConsumerStateRelease(int state) { CONSUMER_STATE_VH.setRelease(segment, state); }

    // signal block: both sides write it, but only on the way to sleep and on a wake

    int producerWaitingOpaque() { return (int) PRODUCER_WAITING_VH.getOpaque(segment); }
    void setProducerWaitingVolatile(int v) { PRODUCER_WAITING_VH.setVolatile(segment, v); }
    int consumerWaitingOpaque() { return (int) CONSUMER_WAITING_VH.getOpaque(segment); }
    void setConsumerWaitingVolatile(int v) { CONSUMER_WAITING_VH.setVolatile(segment, v); }

    // side-generic access to the role fields, for Roles

    long pidVolatile(Doorbell.Side side) {
        return side == Doorbell.Side.PRODUCER ? producerPidVolatile() : consumerPidVolatile();
    }

    boolean casPid(Doorbell.Side side, long expected, long pid) {
        return side == Doorbell.Side.PRODUCER ? casProducerPid(expected, pid) : casConsumerPid(expected, pid);
    }

    long startTimeOpaque(Doorbell.Side side) {
        return side == Doorbell.Side.PRODUCER ? producerStartTimeOpaque() : consumerStartTimeOpaque();
    }

    void setStartTimeOpaque(Doorbell.Side side, long t) {
        if (side == Doorbell.Side.PRODUCER) setProducerStartTimeOpaque(t); else setConsumerStartTimeOpaque(t);
    }

    int stateAcquire(Doorbell.Side side) {
        return side == Doorbell.Side.PRODUCER ? producerStateAcquire() : consumerStateAcquire();
    }

    void setStateRelease(Doorbell.Side side, int state) {
        if (side == Doorbell.Side.PRODUCER) setProducerStateRelease(state); else setConsumerStateRelease(state);
    }
}
