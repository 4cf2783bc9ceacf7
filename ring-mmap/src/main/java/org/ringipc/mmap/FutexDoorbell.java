package org.ringipc.mmap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

import org.ringipc.core.Doorbell;

/**
 * The doorbell of a ring in shared memory: a {@link org.ringipc.core.WaitStrategy#BLOCK BLOCK} end sleeps in
 * {@link Futex#wait} on its wake-sequence word, and the peer, in this or another process, wakes it
 * with {@link Futex#wake}. The ring core runs the announce / fence / re-check protocol and bumps the
 * word before {@link #ring}; the kernel's compare-and-sleep closes the last window, so a wake sent
 * after the sleeper read the word is never lost.
 *
 * <p>Fallback: where {@link Futex#isAvailable()} is false (not Linux, an unknown architecture,
 * native access denied, futex refused by the kernel), {@link #sleep} polls the word instead,
 * parking for growing intervals from {@value #MIN_POLL_NANOS} ns to {@value #MAX_POLL_NANOS} ns,
 * and {@link #ring} does nothing beyond the word bump the core already did. Blocking then still
 * works across processes and uses little CPU, but a wake-up can take up to a millisecond.
 * {@link SharedRing#doorbellDescription()} says which one a ring uses.
 *
 * @see org.ringipc.core.WaitStrategy#BLOCK
 */
public final class FutexDoorbell implements Doorbell {

    static final long MIN_POLL_NANOS = 10_000;
    static final long MAX_POLL_NANOS = 1_000_000;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /** A doorbell for shared-memory rings; futex-based where available, polling elsewhere. */
    public FutexDoorbell() {
    }

    /** True when this doorbell sleeps in the kernel, false when it polls (see the class comment). */
    public boolean usesFutex() {
        return Futex.isAvailable();
    }

    @Override
    public void sleep(Side sleeper, MemorySegment wakeSeq, int expected, long maxNanos) {
        if (Futex.isAvailable()) {
            try {
                Futex.wait(wakeSeq, expected, maxNanos);
                return;
            } catch (IllegalStateException | UnsupportedOperationException e) {
                // EFAULT (the mapping is gone: the caller's next access reports it) or the kernel
                // refused futexes (Futex is now unavailable): poll for the rest of this slice
            }
        }
        poll(wakeSeq, expected, maxNanos);
    }

    private static void poll(MemorySegment wakeSeq, int expected, long maxNanos) {
        long deadline = System.nanoTime() + maxNanos;
        long pause = MIN_POLL_NANOS;
        // acquire: a bump we see means the peer published before it rang; stop sleeping
        while ((int) INT.getAcquire(wakeSeq, 0L) == expected && !Thread.currentThread().isInterrupted()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(Math.min(pause, left));
            pause = Math.min(pause * 2, MAX_POLL_NANOS);
        }
    }

    @Override
    public void ring(Side sleeper, MemorySegment wakeSeq) {
        if (Futex.isAvailable()) {
            // one sleeper per side is the rule, but a stale one may linger after a takeover: wake all
            Futex.wake(wakeSeq, Integer.MAX_VALUE);
        }
    }

    @Override
    public String toString() {
        return usesFutex() ? "futex" : "polling (" + Futex.describe() + ")";
    }
}
