package org.ringipc.core;

/**
 * Who holds each end of a ring, recorded in the header so that other processes see it: the
 * holder's pid is claimed by compare-and-set, and an end whose holder died is taken over.
 */
final class Roles {

    private Roles() {
    }

    /**
     * Claims {@code side} for this process.
     *
     * @return true when it took the end over from a dead holder
     * @throws IllegalStateException naming the pid when a live process (or this one) holds it
     */
    static boolean acquire(RingHeader header, Doorbell.Side side) {
        boolean takeover = false;
        while (true) {
            long holder = header.pidVolatile(side);
            if (holder == 0) {
                if (header.casPid(side, 0, ProcessIdentity.PID)) {
                    break;
                }
            } else if (holder == ProcessIdentity.PID) {
                throw new IllegalStateException(name(side) + " end is already held by pid " + holder + " (this process)");
            } else if (ProcessIdentity.isAlive(holder, header.startTimeOpaque(side))) {
                throw new IllegalStateException(name(side) + " end is already held by live pid " + holder);
            } else if (header.casPid(side, holder, ProcessIdentity.PID)) {
                takeover = true;
                RingEvents.Takeover event = new RingEvents.Takeover();
                if (event.shouldCommit()) {
                    event.side = name(side);
                    event.previousPid = holder;
                    event.commit();
                }
                break;
            }
        }
        header.setStartTimeOpaque(side, ProcessIdentity.START_MILLIS);
        // release: the pid and start time are visible before anyone sees the end open
        header.setStateRelease(side, RingLayout.STATE_OPEN);
        return takeover;
    }

    /** Marks the end closed, then gives up the pid so that another process may open it. */
    static void release(RingHeader header, Doorbell.Side side) {
        // release: everything this end published (its final position) is visible to a peer that
        // reads CLOSED with acquire
        header.setStateRelease(side, RingLayout.STATE_CLOSED);
        header.casPid(side, ProcessIdentity.PID, 0);
    }

    /** True when the end is marked open but its holder process is gone (killed, crashed). */
    static boolean holderDied(RingHeader header, Doorbell.Side side) {
        if (header.stateAcquire(side) != RingLayout.STATE_OPEN) {
            return false;
        }
        long pid = header.pidVolatile(side);
        return pid != 0 && !ProcessIdentity.isAlive(pid, header.startTimeOpaque(side));
    }

    /**
     * Re-evaluates "the peer died" for a waiting end: checks the process table only when asked to
     * ({@code poll}) or when the peer was already thought dead (it may have been taken over since).
     * Emits a {@link RingEvents.PeerDeath} event when the peer is first found dead.
     */
    static boolean peerDied(RingHeader header, Doorbell.Side peer, boolean diedBefore, boolean poll) {
        if (!diedBefore && !poll) {
            return false;
        }
        boolean died = holderDied(header, peer);
        if (died && !diedBefore) {
            RingEvents.PeerDeath event = new RingEvents.PeerDeath();
            if (event.shouldCommit()) {
                event.side = name(peer);
                event.pid = header.pidVolatile(peer);
                event.commit();
            }
        }
        return died;
    }

    static String name(Doorbell.Side side) {
        return side == Doorbell.Side.PRODUCER ? "producer" : "consumer";
    }
}
