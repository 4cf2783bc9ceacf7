package org.ringipc.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.locks.LockSupport;

/**
 * In-process sleeping with {@link LockSupport}: parking unmounts a virtual thread instead of
 * pinning its carrier. The park permit closes the window between the re-check and the park: an
 * unpark that lands first makes the park return at once.
 */
final class ParkingDoorbell implements Doorbell {

    private volatile Thread producerSleeper;
    private volatile Thread consumerSleeper;

    @Override
    public void prepare(Side sleeper) {
        // volatile: the waker, which reads the flag after this store, finds the thread to unpark
        if (sleeper == Side.PRODUCER) {
            producerSleeper = Thread.currentThread();
        } else {
            consumerSleeper = Thread.currentThread();
        }
    }

    @Override
    public void sleep(Side sleeper, MemorySegment wakeSeq, int expected, long maxNanos) {
        // acquire: a bump we can see here means a wake was sent; do not park past it
        if ((int) ValueLayout.JAVA_INT.varHandle().getAcquire(wakeSeq, 0L) == expected) {
            LockSupport.parkNanos(this, maxNanos);
        }
    }

    @Override
    public void ring(Side sleeper, MemorySegment wakeSeq) {
        Thread t = sleeper == Side.PRODUCER ? producerSleeper : consumerSleeper;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
