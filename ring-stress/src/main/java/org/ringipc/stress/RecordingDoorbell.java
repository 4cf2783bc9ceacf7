package org.ringipc.stress;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import org.ringipc.core.Doorbell;

/**
 * A {@link Doorbell} that never parks but records what a real sleep would have done, so that a
 * jcstress actor can "block" without hanging the harness when the protocol is broken.
 *
 * <p>{@link #sleep} spins while the wake word still holds the value the sleeper read before it
 * announced itself. It returns when the word changes (the waker rang: a wake-up delivered), or when
 * the waker's actor has finished ({@link #wakerDone}) and the word is still unchanged: then the
 * waker published and went away without ringing, and a real futex or park would have slept
 * through that publication. That is counted in {@link #lost}. Returning is allowed either way: a
 * doorbell may wake spuriously, and the ring re-checks its condition.
 *
 * <p>{@link #prepare} raises {@link #announcing}, which the waker actor waits for, so that its
 * publication lands in the announce / fence / re-check window instead of long before it.
 */
final class RecordingDoorbell implements Doorbell {

    private static final VarHandle WORD = ValueLayout.JAVA_INT.varHandle();

    /** Set by the sleeper when it starts to announce itself. */
    volatile boolean announcing;
    /** Set by the waker actor after its last operation returned. */
    volatile boolean wakerDone;
    /** Calls to {@link #sleep}: the re-check after announcing found nothing to do. Sleeper-confined. */
    int sleeps;
    /** Sleeps the waker finished without ringing: lost wake-ups. Sleeper-confined. */
    int lost;

    @Override
    public void prepare(Side sleeper) {
        announcing = true;
    }

    @Override
    public void sleep(Side sleeper, MemorySegment wakeSeq, int expected, long maxNanos) {
        sleeps++;
        long deadline = System.nanoTime() + maxNanos;
        while (true) {
            // volatile read first: a ring that happened before wakerDone was set has bumped the word
            // by the time we read it below
            boolean done = wakerDone;
            // acquire: pairs with the waker's getAndAdd on the word
            if ((int) WORD.getAcquire(wakeSeq, 0L) != expected) {
                return;
            }
            if (done) {
                lost++;
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public void ring(Side sleeper, MemorySegment wakeSeq) {
        // the word was bumped by the ring; sleep() watches it
    }

    /** Called by the waker actor before it publishes: waits (bounded) until the sleeper announces. */
    void awaitAnnounce(int jitterSpins) {
        for (int i = 0; i < 200_000 && !announcing; i++) {
            Thread.onSpinWait();
        }
        for (int i = 0; i < jitterSpins; i++) {
            Thread.onSpinWait();
        }
    }
}
