package org.ringipc.core;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;

/**
 * What an end of a lock-free ring ({@link Ring}, {@link MessageRing}) does the same way whatever
 * its framing: it holds a role in the header, waits through a {@link Waiter}, keeps track of the
 * peer's death, and closes. The framing-specific ends extend it and supply their own wait
 * condition ({@link #ready()}).
 *
 * <p>Thread-confined state lives in plain fields: only the end's own thread touches them. Only
 * {@code closed} is volatile, because another thread may close the end under a blocked caller.
 */
abstract class RingEnd implements Waiter.Condition {

    final RingHeader header;
    final Waiter waiter;
    /** Whether publishing has to look for a sleeping peer: only BLOCK rings sleep. */
    final boolean wakes;
    /** The peer's process died (or was found dead since it was last taken over). */
    boolean peerDied;
    volatile boolean closed;

    private final Object ring;
    private final Doorbell.Side side;
    private final Doorbell.Side peer;
    private long lastPeerPoll = System.nanoTime();

    /**
     * @param ring the ring object: closing an end and the ring forgetting it happen under its lock,
     *             as do the ring's sink() and source()
     */
    RingEnd(Object ring, RingHeader header, Doorbell.Side side, RingOptions options, Doorbell doorbell) {
        this.ring = ring;
        this.header = header;
        this.side = side;
        this.peer = side == Doorbell.Side.PRODUCER ? Doorbell.Side.CONSUMER : Doorbell.Side.PRODUCER;
        this.waiter = new Waiter(options.waitStrategy(), doorbell, side, header);
        this.wakes = waiter.peerMaySleep();
    }

    /** Called under the ring's lock when this end closes, so that the ring forgets it. */
    abstract void forget();

    /** Re-reads the peer's role before a wait, without asking the process table unless it was dead. */
    final void refreshPeer() {
        peerDied = Roles.peerDied(header, peer, peerDied, false);
    }

    /** Asks the process table whether the peer lives: the waiter calls it every poll period. */
    @Override
    public final void pollPeer() {
        peerDied = Roles.peerDied(header, peer, peerDied, true);
    }

    /**
     * For callers that never wait: polls the peer when the last poll is a poll period old.
     *
     * @return true when it polled
     */
    final boolean pollPeerPeriodically() {
        long now = System.nanoTime();
        if (now - lastPeerPoll < Waiter.PEER_POLL_NANOS) {
            return false;
        }
        lastPeerPoll = now;
        pollPeer();
        return true;
    }

    /**
     * One wait until {@link #ready()} (or the deadline): an interrupt closes this end, as it closes an
     * interruptible channel, and a close by another thread ends the wait.
     *
     * @return {@link Waiter#READY} or {@link Waiter#TIMED_OUT}
     * @throws ClosedByInterruptException  when the waiting thread was interrupted
     * @throws AsynchronousCloseException when another thread closed this end meanwhile
     */
    final int await(boolean timed, long deadline) throws IOException {
        int outcome = waiter.await(this, timed, deadline);
        if (outcome == Waiter.INTERRUPTED) {
            close();
            throw new ClosedByInterruptException();
        }
        if (closed) {
            throw new AsynchronousCloseException();
        }
        return outcome;
    }

    /** Whether this end is still open. */
    public final boolean isOpen() {
        return !closed;
    }

    /**
     * Marks this end closed and gives its role back, then wakes the peer (which sees EOF or broken
     * pipe) and any thread of this end blocked in a wait. Idempotent.
     */
    public final void close() {
        synchronized (ring) {
            if (closed) {
                return;
            }
            closed = true;
            Roles.release(header, side);
            forget();
        }
        waiter.wakePeer();
        waiter.wakeSelf();
    }
}
