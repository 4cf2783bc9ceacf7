package org.ringipc.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The in-process doorbells shared by the handles over one memory, and what is left of them after. */
class ParkingDoorbellRegistryTest {

    private static final int CAPACITY = 4096;

    /** Borrowed memory, as a caller of {@link Ring#format} has: freed by the caller, not by a ring. */
    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory = arena.allocate(Ring.requiredBytes(CAPACITY), RingLayout.BLOCK_BYTES);

    @AfterEach
    void freeTheMemory() {
        arena.close();
    }

    @Test
    void handlesOverOneMemoryShareADoorbellAndClosingTheLastForgetsIt() throws Exception {
        Ring first = Ring.format(memory, CAPACITY);
        Ring second = Ring.attach(memory);
        ParkingDoorbell bell = ParkingDoorbell.registered(memory.address());
        assertNotNull(bell);
        first.close();
        assertSame(bell, ParkingDoorbell.registered(memory.address()), "the second handle still uses it");
        second.close();
        assertNull(ParkingDoorbell.registered(memory.address()));
    }

    @Test
    void aBorrowedRingDroppedWithoutCloseLeavesNoDoorbellBehind() throws Exception {
        formatAndDrop(memory);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ParkingDoorbell.registered(memory.address()) != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(ParkingDoorbell.registered(memory.address()),
                "the doorbell of a ring nobody holds stays registered: a leak per dropped ring");
    }

    /** A ring over caller memory, used and then dropped unclosed (the caller frees the memory itself). */
    private static void formatAndDrop(MemorySegment memory) throws Exception {
        Ring ring = Ring.format(memory, CAPACITY);
        RingSink sink = ring.sink();
        sink.write(java.nio.ByteBuffer.allocate(10));
        assertNotNull(ParkingDoorbell.registered(memory.address()));
    }
}
