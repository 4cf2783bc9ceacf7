package org.ringipc.mmap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * <p>Virtual threads: a thread inside the futex downcall is pinned to its carrier (a native frame
 * cannot be unmounted), so a virtual thread never calls {@code FUTEX_WAIT} itself. It hands the
 * wait to a platform thread of a small daemon pool ({@code ringipc-futex-waiter-N}, created on
 * demand, retired after {@value #WAITER_KEEP_ALIVE_SECONDS} s idle) and parks; the platform thread
 * unparks it when the futex wait ends. Carriers are therefore never held by a sleeping ring end,
 * not even for a slice. The cost, chosen over waiting in short pinned futex slices with parks in
 * between (which would hold a carrier for part of every slice per sleeper and, with many
 * sleepers, starve every other virtual thread, while adding the park interval to the wake-up
 * latency): one platform thread per virtual thread asleep at the same moment, and one extra
 * unpark (a few microseconds) on every wake-up of a virtual-thread sleeper. An interrupted virtual
 * thread returns at once; its helper finishes the wait on its own within {@code maxNanos}.
 *
 * @see org.ringipc.core.WaitStrategy#BLOCK
 */
public final class FutexDoorbell implements Doorbell {

    static final long MIN_POLL_NANOS = 10_000;
    static final long MAX_POLL_NANOS = 1_000_000;
    static final long WAITER_KEEP_ALIVE_SECONDS = 30;

    /** Platform threads that futex-wait for sleeping virtual threads (see the class comment). */
    private static final ExecutorService WAITERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE,
            WAITER_KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(),
            Thread.ofPlatform().daemon().name("ringipc-futex-waiter-", 0).factory());
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /** A doorbell for shared-memory rings; futex-based where available, polling elsewhere. */
    public FutexDoorbell() {
    }

    /**
     * True when this doorbell sleeps in the kernel, false when it polls (see the class comment).
     *
     * @return whether {@code futex} is available here
     */
    public boolean usesFutex() {
        return Futex.isAvailable();
    }

    @Override
    public void sleep(Side sleeper, MemorySegment wakeSeq, int expected, long maxNanos) {
        if (Futex.isAvailable()) {
            if (Thread.currentThread().isVirtual()) {
                sleepVirtual(wakeSeq, expected, maxNanos);
                return;
            }
            if (futexWait(wakeSeq, expected, maxNanos)) {
                return;
            }
        }
        poll(wakeSeq, expected, maxNanos);
    }

    /** A futex wait; false when the futex failed and the caller should poll instead. */
    private static boolean futexWait(MemorySegment wakeSeq, int expected, long maxNanos) {
        try {
            Futex.wait(wakeSeq, expected, maxNanos);
            return true;
        } catch (IllegalStateException | UnsupportedOperationException e) {
            // EFAULT (the mapping is gone: the caller's next access reports it) or the kernel
            // refused futexes (Futex is now unavailable): poll for the rest of this slice
            return false;
        }
    }

    /** Parks the calling virtual thread while a platform thread does the futex wait for it. */
    private static void sleepVirtual(MemorySegment wakeSeq, int expected, long maxNanos) {
        long start = System.nanoTime();
        Handoff handoff = new Handoff(Thread.currentThread(), wakeSeq, expected, maxNanos);
        WAITERS.execute(handoff);
        while (!handoff.done) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            // unmounts: the carrier runs other virtual threads until the helper unparks us
            LockSupport.park(handoff);
        }
        if (!handoff.futexWorked) {
            poll(wakeSeq, expected, maxNanos - (System.nanoTime() - start));
        }
    }

    /** One futex wait run on a platform thread for a parked virtual thread. */
    private static final class Handoff implements Runnable {
        private final Thread sleeper;
        private final MemorySegment wakeSeq;
        private final int expected;
        private final long maxNanos;
        private boolean futexWorked;
        private volatile boolean done;

        Handoff(Thread sleeper, MemorySegment wakeSeq, int expected, long maxNanos) {
            this.sleeper = sleeper;
            this.wakeSeq = wakeSeq;
            this.expected = expected;
            this.maxNanos = maxNanos;
        }

        @Override
        public void run() {
            try {
                futexWorked = futexWait(wakeSeq, expected, maxNanos);
            } finally {
                // volatile write: publishes futexWorked before the sleeper sees done (its volatile read)
                done = true;
                // after done: a sleeper that read done == false and then parks finds this permit
                LockSupport.unpark(sleeper);
            }
        }
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

    /**
     * One {@code futex_waitv} over every word (see {@link Futex#waitv}); false (the selector then
     * polls) for more than {@value Futex#WAITV_MAX} words or where the kernel refuses the call.
     * A virtual thread sleeping here pins its carrier for the sleep (at most one slice).
     */
    @Override
    public boolean sleepAny(MemorySegment[] words, int[] expected, int count, long maxNanos) {
        if (count > Futex.WAITV_MAX || !Futex.isWaitvAvailable()) {
            return false;
        }
        try {
            Futex.waitv(words, expected, count, maxNanos);
            return true;
        } catch (UnsupportedOperationException | IllegalStateException e) {
            return false;
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
