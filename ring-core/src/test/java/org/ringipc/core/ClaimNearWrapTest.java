package org.ringipc.core;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code claim(minBytes)} keeps its word at every head offset near the wrap point: a slice of at
 * least {@code minBytes} bytes, or, where the memory is mapped once and the wrap point is nearer,
 * an {@link IllegalStateException} at once that says why; never a shorter slice. For every kind of
 * byte ring whose data region is mapped once.
 */
class ClaimNearWrapTest {

    private static final int CAPACITY = 4096;

    /** A byte ring with its two ends, whatever the kind; closing frees everything. */
    record Subject(String name, AutoCloseable ring, RingSink sink, RingSource source) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            ring.close();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The byte rings whose data region is mapped once. */
    enum Kind {
        ALLOCATED {
            @Override
            Subject open() {
                Ring ring = Ring.allocate(CAPACITY);
                return new Subject("Ring.allocate", ring, ring.sink(), ring.source());
            }
        },
        FORMATTED {
            @Override
            Subject open() {
                Arena arena = Arena.ofShared();
                Ring ring = Ring.format(arena.allocate(Ring.requiredBytes(CAPACITY), 128), CAPACITY);
                return new Subject("Ring.format", () -> {
                    ring.close();
                    arena.close();
                }, ring.sink(), ring.source());
            }
        },
        LOCKED {
            @Override
            Subject open() {
                LockedRing ring = LockedRing.allocate(CAPACITY);
                return new Subject("LockedRing", ring, ring.sink(), ring.source());
            }
        };

        abstract Subject open();
    }

    /** Every ring kind, with the head (and tail) from 1 to 129 bytes before the wrap point. */
    static Stream<Arguments> offsets() {
        return Stream.of(Kind.values())
                .flatMap(kind -> IntStream.rangeClosed(1, 129).mapToObj(beforeWrap -> Arguments.of(kind, beforeWrap)));
    }

    /** A ring of {@code kind} with head and tail {@code beforeWrap} bytes before the end of the data region. */
    private static Subject positioned(Kind kind, int beforeWrap) throws IOException {
        Subject s = kind.open();
        int advance = CAPACITY - beforeWrap;
        assertEquals(advance, s.sink().write(ByteBuffer.allocate(advance)));
        ByteBuffer sinkhole = ByteBuffer.allocate(advance);
        while (sinkhole.hasRemaining()) {
            s.source().read(sinkhole);
        }
        return s;
    }

    @ParameterizedTest(name = "{0}, {1} bytes before the wrap")
    @MethodSource("offsets")
    void aClaimIsNeverShorterThanAskedAndFailsAtOnceWhenTheWrapPointIsNearer(
            Kind kind, int beforeWrap) throws Exception {
        try (Subject s = positioned(kind, beforeWrap)) {
            for (int minBytes : new int[] {1, beforeWrap, beforeWrap + 1, 100, CAPACITY}) {
                for (boolean blocking : new boolean[] {true, false}) {
                    if (minBytes <= beforeWrap) {
                        MemorySegment slice = blocking ? s.sink().claim(minBytes) : s.sink().tryClaim(minBytes);
                        assertTrue(slice.byteSize() >= minBytes, s + ": claim(" + minBytes + ") gave "
                                + slice.byteSize() + " bytes");
                        assertEquals(beforeWrap, slice.byteSize(), "the slice runs to the wrap point");
                        s.sink().commit(0);
                        continue;
                    }
                    IllegalStateException e = assertThrows(IllegalStateException.class,
                            () -> {
                                if (blocking) {
                                    s.sink().claim(minBytes);
                                } else {
                                    s.sink().tryClaim(minBytes);
                                }
                            }, s + ": claim(" + minBytes + ") with " + beforeWrap + " bytes to the wrap point");
                    String message = e.getMessage();
                    assertTrue(message.contains("minBytes=" + minBytes)
                            && message.contains(beforeWrap + " bytes")
                            && message.contains("wrap point")
                            && message.contains("capacity=" + CAPACITY), message);
                }
            }
            // the failed claims left nothing pending: the ring still writes and reads in order
            byte[] bytes = RingTransferTest.pattern(beforeWrap + 50, beforeWrap);
            s.sink().write(ByteBuffer.wrap(bytes));
            assertArrayEquals(bytes, readExactly(s.source(), bytes.length));
        }
    }

    @ParameterizedTest(name = "{0}, {1} bytes before the wrap")
    @MethodSource("offsets")
    void aClaimUpToTheWrapPointThenAWholeClaimAfterItCarryEveryByteInOrder(
            Kind kind, int beforeWrap) throws Exception {
        try (Subject s = positioned(kind, beforeWrap)) {
            byte[] first = RingTransferTest.pattern(beforeWrap, 1);
            byte[] second = RingTransferTest.pattern(100, 2);
            MemorySegment upToWrap = s.sink().claim(1);
            MemorySegment.copy(MemorySegment.ofArray(first), 0, upToWrap, 0, beforeWrap);
            s.sink().commit(beforeWrap);
            MemorySegment whole = s.sink().claim(second.length);
            assertTrue(whole.byteSize() >= second.length);
            MemorySegment.copy(MemorySegment.ofArray(second), 0, whole, 0, second.length);
            s.sink().commit(second.length);
            byte[] expected = new byte[first.length + second.length];
            System.arraycopy(first, 0, expected, 0, first.length);
            System.arraycopy(second, 0, expected, first.length, second.length);
            ByteBuffer drained = ByteBuffer.allocate(expected.length);
            while (drained.hasRemaining()) {
                s.source().drain(slice -> drained.put(slice.asByteBuffer()), drained.remaining());
            }
            assertArrayEquals(expected, drained.array());
        }
    }

    private static byte[] readExactly(RingSource source, int n) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(n);
        while (in.hasRemaining()) {
            source.read(in);
        }
        return in.array();
    }
}
