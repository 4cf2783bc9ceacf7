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

    /**
     * Called by the sleeping thread before it announces itself.
     *
     * @param sleeper the side that is about to sleep
     */
    default void prepare(Side sleeper) {
    }

    /**
     * Sleeps until woken, until {@code wakeSeq} no longer holds {@code expected}, or for at most
     * {@code maxNanos}. Returns normally in every case, including interruption (the caller checks).
     *
     * @param sleeper the side that sleeps
     * @param wakeSeq the 4-byte wake sequence word of that side, in the ring's header
     * @param expected the value of {@code wakeSeq} the caller read before it checked the ring
     * @param maxNanos the longest sleep, in nanoseconds
     */
    void sleep(Side sleeper, MemorySegment wakeSeq, int expected, long maxNanos);

    /**
     * One sleep over many words (a {@link RingSelector} waiting on many rings whose doorbells are all
     * of this doorbell's class): sleeps until one of {@code words[0 .. count-1]} no longer holds its
     * value in {@code expected}, a {@link #ring} on one of them, or at most {@code maxNanos}. May
     * return early. Every word was {@link #prepare}d for by the sleeping thread.
     *
     * @param words the wake sequence words to watch, one per ring
     * @param expected the value each word in {@code words} held when the caller checked its ring
     * @param count how many entries of {@code words} and {@code expected} are in use
     * @param maxNanos the longest sleep, in nanoseconds
     * @return false when this doorbell cannot sleep on that many words at once (nothing was done:
     *         the caller polls instead); this default always returns false
     */
    default boolean sleepAny(MemorySegment[] words, int[] expected, int count, long maxNanos) {
        return false;
    }

    /**
     * Wakes the sleeper of {@code sleeper}'s side; {@code wakeSeq} was already bumped.
     *
     * @param sleeper the side whose sleeper to wake
     * @param wakeSeq that side's wake sequence word, already bumped by the caller
     */
    void ring(Side sleeper, MemorySegment wakeSeq);

    /**
     * A doorbell that parks and unparks threads of this process.
     *
     * @return a new doorbell that parks its sleepers; it cannot wake another process
     */
    static Doorbell parking() {
        return new ParkingDoorbell();
    }
}
