package org.ringipc.core;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** format lays a header into caller memory; attach refuses anything that is not a ring, naming the field. */
class RingAttachTest {

    private static final int CAPACITY = 8192;

    private static String attachError(MemorySegment memory) {
        return assertThrows(RingFormatException.class, () -> Ring.attach(memory)).getMessage();
    }

    @Test
    void attachSeesWhatAFormattedRingHoldsAndItsOptions() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(Ring.requiredBytes(CAPACITY), 64);
            RingOptions options = RingOptions.defaults().withWaitStrategy(WaitStrategy.SPIN)
                    .withOverflowPolicy(OverflowPolicy.DROP);
            Ring writerSide = Ring.format(memory, CAPACITY, options);
            RingSink sink = writerSide.sink();
            sink.write(ByteBuffer.wrap(new byte[]{1, 2, 3}));
            Ring readerSide = Ring.attach(memory);
            assertEquals(CAPACITY, readerSide.capacity());
            assertEquals(options, readerSide.options());
            RingSource source = readerSide.source();
            ByteBuffer in = ByteBuffer.allocate(3);
            assertEquals(3, source.read(in));
            assertEquals(2, in.get(1));
            sink.close();
            assertEquals(-1, source.read(in.clear()));
        }
    }

    @Test
    void formatRefusesSmallHeapOrMisalignedMemoryAndBadCapacities() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment small = arena.allocate(CAPACITY, 64);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Ring.format(small, CAPACITY))
                    .getMessage().startsWith("memory.byteSize()=8192 is smaller than requiredBytes(8192)=8704"));
            MemorySegment heap = MemorySegment.ofArray(new long[2000]);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Ring.format(heap, 4096))
                    .getMessage().contains("on the heap"));
            MemorySegment misaligned = arena.allocate(9000, 64).asSlice(3);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Ring.format(misaligned, 4096))
                    .getMessage().contains("not 8-byte aligned"));
            assertEquals("capacity=5000 is not a power of two (4096 .. 2^30)",
                    assertThrows(IllegalArgumentException.class, () -> Ring.allocate(5000)).getMessage());
        }
    }

    @Test
    void attachNamesTheFieldThatIsWrong() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(Ring.requiredBytes(CAPACITY), 64);
            assertTrue(attachError(memory).startsWith("magic=0x0000000000000000 is not a ringipc ring"));

            Ring.format(memory, CAPACITY);
            memory.set(ValueLayout.JAVA_INT, RingLayout.offset("identity", "version"), 7);
            assertEquals("version=7: this build reads version 2", attachError(memory));

            Ring.format(memory, CAPACITY);
            memory.set(ValueLayout.JAVA_INT, RingLayout.offset("identity", "headerSize"), 256);
            assertEquals("headerSize=256, expected 512", attachError(memory));

            Ring.format(memory, CAPACITY);
            memory.set(ValueLayout.JAVA_INT, RingLayout.offset("identity", "capacity"), 5000);
            assertEquals("capacity=5000 is not a power of two (4096 .. 2^30)", attachError(memory));

            Ring.format(memory, CAPACITY);
            memory.set(ValueLayout.JAVA_INT, RingLayout.offset("identity", "capacity"), 1 << 20);
            assertTrue(attachError(memory).startsWith("capacity=1048576 needs 1049088 bytes but the memory holds 8704"));

            Ring.format(memory, CAPACITY);
            memory.set(ValueLayout.JAVA_INT, RingLayout.offset("identity", "flags"), 0x1000);
            assertEquals("flags=0x1000 holds values this build does not know", attachError(memory));

            Ring.format(memory, CAPACITY);
            memory.set(ValueLayout.JAVA_LONG, RingLayout.offset("producer", "head"), CAPACITY + 1);
            assertTrue(attachError(memory).startsWith("head=8193 tail=0 capacity=8192"));

            Ring.format(memory, CAPACITY);
            memory.set(ValueLayout.JAVA_INT, RingLayout.offset("signal", "consumerState"), 9);
            assertTrue(attachError(memory).startsWith("consumerState=9"));

            assertTrue(attachError(memory.asSlice(0, 100)).startsWith("size=100 is smaller than a ring header"));
        }
    }

    @Test
    void aCorruptedHeadSeenMidStreamFailsTheOperationInsteadOfReadingGarbage() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(Ring.requiredBytes(CAPACITY), 64);
            Ring ring = Ring.format(memory, CAPACITY);
            RingSource source = ring.source();
            ring.sink().write(ByteBuffer.allocate(10));
            source.read(ByteBuffer.allocate(10));
            memory.set(ValueLayout.JAVA_LONG, RingLayout.offset("producer", "head"), 10L + 3 * CAPACITY);
            RingCorruptedException e = assertThrows(RingCorruptedException.class,
                    () -> source.read(ByteBuffer.allocate(10)));
            assertEquals("ring corrupted: head=" + (10 + 3 * CAPACITY) + " tail=10 capacity=" + CAPACITY, e.getMessage());
        }
    }
}
