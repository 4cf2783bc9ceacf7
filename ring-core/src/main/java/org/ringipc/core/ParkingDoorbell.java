package org.ringipc.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * In-process sleeping with {@link LockSupport}: parking unmounts a virtual thread instead of
 * pinning its carrier. The park permit closes the window between the re-check and the park: an
 * unpark that lands first makes the park return at once.
 *
 * <p>Every ring handle over the same memory in this process gets the same doorbell
 * ({@link #forMemory}): a sleeper parked through one handle is unparked by a write through another.
 */
final class ParkingDoorbell implements Doorbell {

    /**
     * Doorbells by memory address, with the number of open handles using each. Guarded by itself.
     * Held weakly: a ring over borrowed memory that is dropped without {@link RingMemory#close} (its
     * caller freed the memory) never calls {@link #release}, and its doorbell must not stay here for
     * ever; while any handle lives, that handle holds its doorbell strongly.
     */
    private static final Map<Long, Entry> SHARED = new HashMap<>();
    /** Entries whose doorbell no handle holds any more. */
    private static final ReferenceQueue<ParkingDoorbell> UNUSED = new ReferenceQueue<>();

    private volatile Thread producerSleeper;
    private volatile Thread consumerSleeper;
    private int users;

    /** A registry entry: the doorbell of one address, weakly. */
    private static final class Entry extends WeakReference<ParkingDoorbell> {
        final long address;

        Entry(ParkingDoorbell bell, long address) {
            super(bell, UNUSED);
            this.address = address;
        }
    }

    /** The doorbell of the ring at {@code address}; pair with {@link #release}. */
    static ParkingDoorbell forMemory(long address) {
        synchronized (SHARED) {
            ParkingDoorbell bell = registered(address);
            if (bell == null) {
                bell = new ParkingDoorbell();
                SHARED.put(address, new Entry(bell, address));
            }
            bell.users++;
            return bell;
        }
    }

    /** One handle over the ring at {@code address} is done with its doorbell. */
    static void release(long address) {
        synchronized (SHARED) {
            ParkingDoorbell bell = registered(address);
            if (bell != null && --bell.users == 0) {
                SHARED.remove(address);
            }
        }
    }

    /** The live doorbell registered for {@code address}, or null; forgets entries no handle holds. */
    static ParkingDoorbell registered(long address) {
        synchronized (SHARED) {
            for (Reference<? extends ParkingDoorbell> gone; (gone = UNUSED.poll()) != null; ) {
                Entry entry = (Entry) gone;
                SHARED.remove(entry.address, entry);  // unless a newer doorbell took the address
            }
            Entry entry = SHARED.get(address);
            return entry == null ? null : entry.get();
        }
    }

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

    /**
     * Parks the selecting thread: every ring it waits on was {@link #prepare}d with it as the
     * sleeper, so a write to any of them unparks it; a word already bumped means do not park.
     */
    @Override
    public boolean sleepAny(MemorySegment[] words, int[] expected, int count, long maxNanos) {
        for (int i = 0; i < count; i++) {
            // acquire: as in sleep
            if ((int) ValueLayout.JAVA_INT.varHandle().getAcquire(words[i], 0L) != expected[i]) {
                return true;
            }
        }
        LockSupport.parkNanos(this, maxNanos);
        return true;
    }

    @Override
    public void ring(Side sleeper, MemorySegment wakeSeq) {
        Thread t = sleeper == Side.PRODUCER ? producerSleeper : consumerSleeper;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
