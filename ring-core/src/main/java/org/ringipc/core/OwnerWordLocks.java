package org.ringipc.core;

/**
 * {@link EndLocks} by compare-and-set of each end's {@code owner} word: pid and start time in one
 * word, so a claimer never sees a pid beside another holder's start time. A holder that died is
 * replaced by a second compare-and-set against the dead word it read, so of two racers only one
 * wins. Liveness comes from {@code /proc}: right within one PID namespace only.
 */
final class OwnerWordLocks implements EndLocks {

    private final RingHeader header;

    OwnerWordLocks(RingHeader header) {
        this.header = header;
    }

    @Override
    public boolean tryLock(Doorbell.Side side) {
        HeaderSide end = HeaderSide.of(side);
        while (true) {
            long holder = header.ownerVolatile(end);
            if (holder != 0 && ProcessIdentity.isAlive(holder)) {
                return false;
            }
            // volatile CAS against exactly the word we judged: free, or a dead holder's
            if (header.casOwner(end, holder, ProcessIdentity.TOKEN)) {
                return true;
            }
        }
    }

    /**
     * The compare-and-set is the word's only store: a separate store of 0 first would let another
     * handle of this process (the same token) claim the end in between and then lose it to our CAS.
     */
    @Override
    public void unlock(Doorbell.Side side) {
        header.casOwner(HeaderSide.of(side), ProcessIdentity.TOKEN, 0);
    }

    @Override
    public boolean isHeld(Doorbell.Side side) {
        long holder = header.ownerVolatile(HeaderSide.of(side));
        return holder != 0 && ProcessIdentity.isAlive(holder);
    }
}
