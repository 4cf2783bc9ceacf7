package org.ringipc.core;

/**
 * How the ends of a ring are claimed and how a peer's liveness is decided: one lock per end, held
 * for as long as the end is open and dropped by the system when the holder dies.
 *
 * <p>A ring file ({@code org.ringipc.mmap.SharedRing}) holds a kernel open-file-description record
 * lock on one byte of each end's header block: the kernel drops it when the holder's process dies,
 * whatever its PID namespace, and a lock query answers "does a live process hold this end?" without
 * any pid. Rings in memory shared by other means use {@link #ownerWord(java.lang.foreign.MemorySegment)}: a compare-and-set of the
 * holder's pid and start time in the end's {@code owner} word, which can only tell liveness for
 * processes in this PID namespace.
 *
 * <p>The end's {@code owner} word in the header names the holder for {@code ring stat} and for the
 * "already held by" message. The ring keeps it through its locks alone: owner-word locks are the
 * word; any other locks given to a ring are wrapped so that a successful {@link #tryLock} records
 * this process there and {@link #unlock} clears it before the lock goes back.
 *
 * <p>An instance belongs to one ring handle; the ring calls it under its own lock.
 */
public interface EndLocks {

    /**
     * Takes the lock of {@code side}'s end for this handle.
     *
     * @param side the end to lock
     * @return false when a live holder (another handle or process, this one included) has it
     */
    boolean tryLock(Doorbell.Side side);

    /**
     * Gives back a lock this handle took.
     *
     * @param side the end to unlock
     */
    void unlock(Doorbell.Side side);

    /**
     * True when a live holder (this handle included) holds {@code side}'s lock.
     *
     * @param side the end to ask about
     * @return whether {@code side}'s end is held
     */
    boolean isHeld(Doorbell.Side side);

    /**
     * Locks made by a compare-and-set of the owner word in the header of {@code memory}.
     *
     * @param memory the whole ring: header and data
     * @return locks over that ring's owner words
     */
    static EndLocks ownerWord(java.lang.foreign.MemorySegment memory) {
        return new OwnerWordLocks(new RingHeader(memory));
    }
}
