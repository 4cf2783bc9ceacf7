package org.ringipc.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The one place an end waits for its peer, by its ring's {@link WaitStrategy}. One waiter per end;
 * used by one thread at a time.
 *
 * <p>BLOCK is a Dekker handshake with the waker ({@link #wakePeer}): the sleeper stores its flag,
 * fences, then re-reads the peer's position; the waker stores its position, fences, then reads the
 * flag. With a full fence on both sides at least one of them sees the other's store, so either the
 * sleeper does not sleep or the waker rings (Linux's {@code prepare_to_wait}/{@code wake_up} and
 * the {@code smp_mb()} pair in {@code fs/pipe.c} follow the same argument).
 */
final class Waiter {

    /** What a waiting end polls. */
    interface Condition {
        /** True when waiting should stop: data or room is there, or an end closed. */
        boolean ready();

        /**
         * Called while waiting, first after {@link #PEER_POLL_NANOS}, then at intervals that double
         * up to {@link #MAX_PEER_POLL_NANOS}: look for a dead peer.
         */
        default void pollPeer() {
        }
    }

    static final int READY = 1;
    static final int TIMED_OUT = 0;
    static final int INTERRUPTED = -1;

    static final long SPIN_NANOS = 20_000;
    static final long YIELD_NANOS = 60_000;
    /** The first liveness poll of a wait comes this long after it began. */
    static final long PEER_POLL_NANOS = 100_000_000;
    /**
     * The longest interval between two liveness polls of one wait, so the longest a sleeping BLOCK
     * end takes to see its peer die (plus a lock query and a wake-up): a wait polls after 100, 300,
     * 700, 1,200 ms and then every 500 ms, sleeping in between without a wake. A sleeping end thus
     * wakes twice a second once it has slept a second, where fixed 100 ms slices woke it 10 times;
     * a peer that dies while its partner is busy is seen within 100 ms of the partner's wait. An
     * interrupt of a platform thread asleep in a futex is seen at the same points (the kernel does not
     * end the wait for it), so within 500 ms.
     */
    static final long MAX_PEER_POLL_NANOS = 500_000_000;
    private static final long MAX_BACKOFF_NANOS = 1_000_000;
    /**
     * A BLOCK wait this soon after its thread woke a sleeping peer, or was itself woken from a sleep,
     * yields at once instead of spinning first (the next wait only: see {@link #yieldFirst}).
     */
    static final long AFTER_WAKE_NANOS = 200_000;
    /**
     * When this thread last rang a doorbell or woke from a sleep (on any ring). A peer it woke answers
     * no sooner than a wake-up takes, and the scheduler often runs the woken thread on the waker's CPU
     * (as a pipe's synchronous wake-up does on purpose): spinning there only delays the other side.
     * Yielding first took the idle round trip of two in-process BLOCK rings on a 2-vCPU guest from
     * about 55 to 15-20 µs. A peer that never sleeps is never rung, so busy ping-pong keeps spinning.
     */
    private static final ThreadLocal<long[]> LAST_WAKE = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE / 2});
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final WaitStrategy strategy;
    private final Doorbell doorbell;
    private final HeaderSide side;
    private final RingHeader header;
    private final MemorySegment ownWakeSeq;
    private final MemorySegment peerWakeSeq;

    Waiter(WaitStrategy strategy, Doorbell doorbell, HeaderSide side, RingHeader header) {
        this.strategy = strategy;
        this.doorbell = doorbell;
        this.side = side;
        this.header = header;
        this.ownWakeSeq = header.word(side.wakeSeqOffset);
        this.peerWakeSeq = header.word(side.peer().wakeSeqOffset);
    }

    /**
     * Waits until {@code condition.ready()}, the deadline passes or the thread is interrupted.
     *
     * @param deadline a {@link System#nanoTime()} value; ignored unless {@code timed}
     * @return {@link #READY}, {@link #TIMED_OUT} or {@link #INTERRUPTED} (the interrupt stays set)
     */
    int await(Condition condition, boolean timed, long deadline) {
        final long start = System.nanoTime();
        long now = start;
        long lastPoll = start;
        long pollPeriod = PEER_POLL_NANOS;
        long backoff = 1_000;
        boolean slept = false;
        final long spinNanos = strategy == WaitStrategy.BLOCK && yieldFirst(start) ? 0 : SPIN_NANOS;
        for (int i = 0; ; i++) {
            if (condition.ready()) {
                if (slept) {
                    // woken: the scheduler may have run us on the waker's CPU, where it now waits
                    // for our answer; our next wait should give that CPU back before spinning
                    markWake();
                }
                return READY;
            }
            if ((i & 63) == 0 || strategy != WaitStrategy.SPIN) {
                if (Thread.currentThread().isInterrupted()) {
                    return INTERRUPTED;
                }
                now = System.nanoTime();
                if (timed && now - deadline >= 0) {
                    return TIMED_OUT;
                }
                if (now - lastPoll >= pollPeriod) {
                    lastPoll = now;
                    pollPeriod = Math.min(pollPeriod * 2, MAX_PEER_POLL_NANOS);
                    condition.pollPeer();
                }
            }
            long waited = now - start;
            switch (strategy) {
                case SPIN -> Thread.onSpinWait();
                case YIELD -> {
                    if (i < 100) Thread.onSpinWait(); else Thread.yield();
                }
                case BACKOFF -> {
                    if (i < 100) {
                        Thread.onSpinWait();
                    } else if (i < 200) {
                        Thread.yield();
                    } else {
                        LockSupport.parkNanos(this, backoff);
                        backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
                    }
                }
                case BLOCK -> {
                    if (waited < spinNanos) {
                        Thread.onSpinWait();
                    } else if (waited < YIELD_NANOS) {
                        Thread.yield();
                    } else {
                        // sleep until the next liveness poll is due: one wake per poll
                        long untilPoll = Math.max(1, lastPoll + pollPeriod - now);
                        long slice = timed ? Math.min(untilPoll, deadline - now) : untilPoll;
                        if (slice > 0 && sleep(condition, slice, slept)) {
                            slept = true;
                        }
                    }
                }
            }
        }
    }

    /**
     * True for the first BLOCK wait of this thread after it woke a peer or was woken, if it comes
     * within {@link #AFTER_WAKE_NANOS}; the mark is used up, so a busy pair that slept once goes back
     * to spinning at once.
     */
    private static void markWake() {
        LAST_WAKE.get()[0] = System.nanoTime();
    }

    private static boolean yieldFirst(long now) {
        long[] lastWake = LAST_WAKE.get();
        boolean recent = now - lastWake[0] < AFTER_WAKE_NANOS;
        lastWake[0] = Long.MIN_VALUE / 2;
        return recent;
    }

    /** Announce, re-check, sleep; true when it did sleep. */
    private boolean sleep(Condition condition, long maxNanos, boolean sleptBefore) {
        // acquire: read the word before announcing, so a wake sent after this read changes it and
        // the doorbell will not sleep through that wake
        int seq = (int) INT.getAcquire(ownWakeSeq, 0L);
        doorbell.prepare(side.side);
        header.setWaitingVolatile(side, 1);
        // StoreLoad (Dekker, sleeper's half): the flag must be visible before we re-read the peer's
        // position; pairs with the fence in wakePeer
        VarHandle.fullFence();
        try {
            if (condition.ready()) {
                return false;
            }
            if (!sleptBefore) {
                header.addSleepOpaque(side);
            }
            RingEvents.Wait event = new RingEvents.Wait();
            event.begin();
            doorbell.sleep(side.side, ownWakeSeq, seq, maxNanos);
            if (event.shouldCommit()) {
                event.side = side.label;
                event.capacity = header.capacityAcquire();
                event.commit();
            }
            return true;
        } finally {
            header.setWaitingVolatile(side, 0);
        }
    }

    /**
     * A {@link RingSelector}'s half of the sleeper's protocol for this end, done for many ends
     * before one sleep: reads the end's wake-sequence word, prepares the doorbell and raises the
     * waiting flag. The caller then fences once (StoreLoad, as {@link #sleep} does), re-checks every
     * end, sleeps on the words, and {@link #retract}s.
     *
     * @return the word's value to sleep on
     */
    int announce() {
        // acquire: read before the flag goes up, so a wake sent after this read changes the word
        int seq = (int) INT.getAcquire(ownWakeSeq, 0L);
        doorbell.prepare(side.side);
        header.setWaitingVolatile(side, 1);
        return seq;
    }

    /** Lowers the waiting flag raised by {@link #announce}. */
    void retract() {
        header.setWaitingVolatile(side, 0);
    }

    /** The word a sleeper of this end sleeps on: the peer bumps it before it rings. */
    MemorySegment ownWakeSeq() {
        return ownWakeSeq;
    }

    Doorbell doorbell() {
        return doorbell;
    }

    /** Whether wakePeer has any work to do: only BLOCK rings sleep. */
    boolean peerMaySleep() {
        return strategy == WaitStrategy.BLOCK;
    }

    /**
     * Called after this side published a new position (or closed): wakes the peer only if it
     * announced that it sleeps. Costs a fence and a cache-hit read when nobody sleeps.
     */
    void wakePeer() {
        // StoreLoad (Dekker, waker's half): our position store must be visible before we read the
        // peer's flag; pairs with the fence in sleep
        VarHandle.fullFence();
        if (header.waitingOpaque(side.peer()) != 0) {
            INT.getAndAdd(peerWakeSeq, 0L, 1);
            doorbell.ring(side.peer().side, peerWakeSeq);
            markWake();
        }
    }

    /** Wakes a thread of this side blocked in this end (an asynchronous close). */
    void wakeSelf() {
        INT.getAndAdd(ownWakeSeq, 0L, 1);
        doorbell.ring(side.side, ownWakeSeq);
    }
}
