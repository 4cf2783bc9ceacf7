package org.ringipc.core;

/**
 * {@link EndLocks} that are not the owner word themselves (a ring file's record locks, a caller's
 * locks), with the owner word kept beside them: a successful {@link #tryLock} records this process
 * there, {@link #unlock} clears it before giving the lock back. The word is informational here
 * ({@code ring stat}, the pid in "already held by"); the lock decides who holds the end.
 */
record OwnerRecordingLocks(EndLocks locks, RingHeader header) implements EndLocks {

    /**
     * The locks a ring over {@code header} uses, each keeping the owner word: owner-word locks when
     * {@code given} is null, {@code given} itself when it is owner-word locks (its compare-and-set is
     * the word's only store, see {@link OwnerWordLocks#unlock}), else {@code given} with the word
     * recorded beside it.
     */
    static EndLocks over(EndLocks given, RingHeader header) {
        if (given == null) {
            return new OwnerWordLocks(header);
        }
        return given instanceof OwnerWordLocks ? given : new OwnerRecordingLocks(given, header);
    }

    @Override
    public boolean tryLock(Doorbell.Side side) {
        if (!locks.tryLock(side)) {
            return false;
        }
        // volatile: ring stat and a refused claimer read the holder while it holds the end
        header.setOwnerVolatile(HeaderSide.of(side), ProcessIdentity.TOKEN);
        return true;
    }

    @Override
    public void unlock(Doorbell.Side side) {
        // cleared while the lock is still ours: the next holder's record is never overwritten by ours
        header.setOwnerVolatile(HeaderSide.of(side), 0);
        locks.unlock(side);
    }

    @Override
    public boolean isHeld(Doorbell.Side side) {
        return locks.isHeld(side);
    }
}
