package org.ringipc.core;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.locks.LockSupport;

/**
 * What an end of a lock-free ring does the same way whatever its framing: it runs each call between
 * {@link #enter()} and {@link #exit()}, waits through a {@link Waiter}, keeps track of the peer's
 * death, and closes. The four ends ({@link ByteProducer}, {@link ByteConsumer},
 * {@link RecordProducer}, {@link RecordConsumer}) extend it and supply their wait condition
 * ({@link #ready()}) and what giving the end up leaves to tidy ({@link #abandon()}).
 *
 * <p>Closing and running calls: an end is not given back while a call on it runs. {@link #close()}
 * from another thread marks the end closed, wakes a call asleep in it and waits for the call to
 * leave; the call sees the mark at its next check and fails with
 * {@link AsynchronousCloseException}, so a call that returns normally had all its bytes published
 * before the end was marked CLOSED (and so before the peer's EOF). A close from inside a call (an
 * interrupt, a handler) is finished by that call on its way out.
 *
 * <p>Thread-confined state lives in plain fields: only the end's calling thread touches them, one
 * call at a time. The closer reads them only after the last call left ({@link #exit()} releases).
 */
abstract class RingEnd extends EndPadding implements Waiter.Condition, AutoCloseable {

    private static final VarHandle RUNNING;

    static {
        try {
            RUNNING = MethodHandles.lookup().findVarHandle(RingEnd.class, "running", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final RingMemory memory;
    final RingHeader header;
    final HeaderSide side;
    final Waiter waiter;
    /** Whether publishing has to look for a sleeping peer: only BLOCK rings sleep. */
    final boolean wakes;
    /** The peer's process died (or was found dead since it was last taken over). */
    boolean peerDied;
    volatile boolean closed;
    /** The thread inside a call on this end, or null. Accessed through {@link #RUNNING}. */
    @SuppressWarnings("unused")
    private volatile Thread running;
    /** Set once, by whoever gives the end back. Guarded by this. */
    private boolean released;
    private long lastPeerPoll = System.nanoTime();

    RingEnd(RingMemory memory, HeaderSide side) {
        this.memory = memory;
        this.header = memory.header;
        this.side = side;
        this.waiter = new Waiter(memory.options.waitStrategy(), memory.doorbell, side, header);
        this.wakes = waiter.peerMaySleep();
    }

    /**
     * Starts a call: from here until {@link #exit()} the end is not given back.
     *
     * @throws ClosedChannelException when the end is closed
     */
    final void enter() throws ClosedChannelException {
        // store running, then read closed (a StoreLoad Dekker pair with close(), which stores closed
        // and then reads running): either close() sees this call and waits for it, or this call
        // sees closed and does nothing. The StoreLoad fence is split: a compiler barrier here,
        // membarrier in close() (AsymmetricFence), so a call pays no full fence
        RUNNING.setRelease(this, Thread.currentThread());
        AsymmetricFence.light();
        if (closed) {
            RUNNING.setRelease(this, null);
            finishIfClosedHere();
            throw new ClosedChannelException();
        }
    }

    /** As {@link #enter()}, but false instead of an exception when the end is closed. */
    final boolean tryEnter() {
        try {
            enter();
            return true;
        } catch (ClosedChannelException e) {
            return false;
        }
    }

    /** Ends a call; a close that came in meanwhile from this thread is finished here. */
    final void exit() {
        // release: the call's plain state (positions, claim) is visible to a closer that reads null
        RUNNING.setRelease(this, null);
        if (closed) {
            finishIfClosedHere();
        }
    }

    /** Gives back whatever a call left pending (a claim) when the end closes. No call runs. */
    abstract void abandon();

    /** Re-reads the peer's role before a wait, without asking the lock unless it was dead. */
    final void refreshPeer() {
        if (peerDied) {
            peerDied = memory.holderDied(side.peer());
        }
    }

    /** Asks whether the peer's holder lives: the waiter calls it every poll period. */
    @Override
    public final void pollPeer() {
        boolean died = memory.holderDied(side.peer());
        if (died && !peerDied) {
            RingEvents.PeerDeath event = new RingEvents.PeerDeath();
            if (event.shouldCommit()) {
                event.side = side.peer().label;
                event.pid = memory.ownerPid(side.peer());
                event.commit();
            }
        }
        peerDied = died;
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
            close();  // from inside the call: exit() finishes it
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
     * Marks this end closed and, once no call runs on it, gives back a pending claim and the end
     * (the peer sees EOF or broken pipe). From another thread it wakes a blocked call and waits for
     * it to leave; from inside a call, the call finishes the close as it returns. Idempotent.
     */
    @Override
    public final void close() {
        // store closed, then read running: the closer's half of the Dekker pair with enter(); the
        // heavy half of the split fence makes every running thread of the process fence too
        closed = true;
        AsymmetricFence.heavy();
        Thread inside = (Thread) RUNNING.getVolatile(this);
        if (inside == Thread.currentThread()) {
            return;  // closed from inside a call: exit() finishes
        }
        for (int spins = 0; RUNNING.getVolatile(this) != null; spins++) {
            // the call sees closed at its next check; one asleep in the waiter needs waking
            waiter.wakeSelf();
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(100_000);
            }
        }
        finish();
    }

    /** Finishes a close when no call runs any more (the last one may have left just now). */
    private void finishIfClosedHere() {
        if (RUNNING.getVolatile(this) == null) {
            finish();
        }
    }

    /** Gives the end back, once; a second caller waits until the first is done. */
    private void finish() {
        // all of it under the lock, wake-ups included: a second finisher (the closer, or the call
        // that was running) returns only when the first is done with the memory, so an owned ring's
        // close cannot free the memory under the first one's wake-ups
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            try {
                abandon();
            } finally {
                memory.release(this);
            }
            waiter.wakePeer();
            waiter.wakeSelf();
        }
    }
}
