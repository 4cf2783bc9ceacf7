package org.ringipc.core;

import java.lang.foreign.MemorySegment;

/**
 * How a {@link WaitStrategy#BLOCK} end sleeps and how its peer wakes it. The ring runs the
 * announce / re-check / sleep protocol itself and bumps the sleeper's wake-sequence word before
 * every {@link #ring}; a doorbell only has to sleep while that word still holds the value the
 * sleeper saw, and to wake it. In-process rings use {@link #parking()}; shared-file rings use a
 * futex on the word, which works across processes.
 *
 * <p>Implementations must not sleep through a wake whose word bump happened before
 * {@link #sleep}; they may return early (spurious wake-ups are fine).
 */
public interface Doorbell {

    /** Which end sleeps. */
    enum Side {
        /** The producer, waiting for room. */
        PRODUCER,
        /** The consumer, waiting for data. */
        CONSUMER
    }

    /** Called by the sleeping thread before it announces itself. */
    default void prepare(Side sleeper) {
    }

    /**
     * Sleeps until woken, until {@code wakeSeq} no longer holds {@code expected}, or for at most
     * {@code maxNanos}. Returns normally in every case, including interruption (the caller checks).
     */
    void sleep(Side sleeper, MemorySegment wakeSeq, int expected, long maxNanos);

    /** Wakes the sleeper of {@code sleeper}'s side; {@code wakeSeq} was already bumped. */
    void ring(Side sleeper, MemorySegment wakeSeq);

    /** A doorbell that parks and unparks threads of this process. */
    static Doorbell parking() {
        return new ParkingDoorbell();
    }
}
