package org.ringipc.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native copy ({@link RingOptions#withNativeCopy(boolean)}): bytes come out as they went in, from
 * every kind of source, at every size around the threshold and the chunk, across the wrap; the option
 * is honoured (the count of {@code memcpy} copies moves only when it is on); it stays out of the header.
 * The build runs the tests with native access ({@code ring.jvm.flags}), so {@link NativeCopy#AVAILABLE}
 * holds here; {@code NativeCopyFallbackTest} forks a JVM without it.
 */
class NativeCopyTest {

    private static final int CAPACITY = 1 << 20;
    private static final int T = NativeCopy.THRESHOLD;

    /** Where the bytes written come from. */
    enum Source {
        HEAP_SEGMENT, NATIVE_SEGMENT, HEAP_BUFFER, DIRECT_BUFFER, READ_ONLY_HEAP_BUFFER,
        /** A heap buffer whose array starts before it (arrayOffset 5) and whose position is 3. */
        OFFSET_HEAP_BUFFER
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        int[] sizes = {1, T - 1, T, T + 1, 3 * T + 5, NativeCopy.CHUNK + 7, CAPACITY - 1, CAPACITY};
        // the ring's head: at the start; just before the wrap (first piece below the threshold); mid-ring
        int[] starts = {0, CAPACITY - T / 2, CAPACITY / 2 + 3};
        for (int size : sizes) {
            for (int start : starts) {
                for (Source source : Source.values()) {
                    all.add(Arguments.of(size, source, start));
                }
            }
        }
        return all.stream();
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed + (i >>> 8));
        }
        return b;
    }

    /** Pieces of a write of {@code n} bytes at ring index {@code start} that go through memcpy. */
    private static int expectedNativeCopies(int start, int n) {
        int first = Math.min(n, CAPACITY - start);
        int second = n - first;
        return (first >= T ? 1 : 0) + (second >= T ? 1 : 0);
    }

    /** Writes {@code bytes} from a source of the given kind, whole. */
    private static void write(RingSink sink, Source source, byte[] bytes, Arena arena) throws IOException {
        switch (source) {
            case HEAP_SEGMENT -> assertEquals(bytes.length, sink.write(MemorySegment.ofArray(bytes)));
            case NATIVE_SEGMENT -> {
                MemorySegment src = arena.allocate(bytes.length, 8);
                MemorySegment.copy(bytes, 0, src, ValueLayout.JAVA_BYTE, 0, bytes.length);
                assertEquals(bytes.length, sink.write(src));
            }
            case HEAP_BUFFER -> checkBufferWrite(sink, ByteBuffer.wrap(bytes), bytes.length);
            case DIRECT_BUFFER -> {
                ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
                checkBufferWrite(sink, direct, bytes.length);
            }
            case READ_ONLY_HEAP_BUFFER -> checkBufferWrite(sink, ByteBuffer.wrap(bytes).asReadOnlyBuffer(), bytes.length);
            case OFFSET_HEAP_BUFFER -> {
                byte[] backing = new byte[bytes.length + 5 + 3 + 11];
                System.arraycopy(bytes, 0, backing, 8, bytes.length);
                ByteBuffer sliced = ByteBuffer.wrap(backing).position(5).slice();   // arrayOffset 5
                sliced.position(3).limit(3 + bytes.length);
                checkBufferWrite(sink, sliced, bytes.length);
            }
        }
    }

    private static void checkBufferWrite(RingSink sink, ByteBuffer src, int n) throws IOException {
        int before = src.position();
        assertEquals(n, sink.write(src));
        assertEquals(before + n, src.position(), "the write advances the source by what it wrote");
        assertEquals(0, src.remaining());
    }

    private static byte[] readAll(RingSource source, int n, Arena arena) throws IOException {
        MemorySegment dst = arena.allocate(Math.max(1, n), 8);
        long done = 0;
        while (done < n) {
            long got = source.read(dst.asSlice(done, n - done));
            assertTrue(got > 0, "read returned " + got + " after " + done + " of " + n);
            done += got;
        }
        return dst.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Moves the ring's head and tail to {@code index} (an empty ring), with Java-sized pieces. */
    private static void moveTo(RingSink sink, RingSource source, int index, Arena arena) throws IOException {
        int left = index;
        while (left > 0) {
            int n = Math.min(left, T - 1);   // below the threshold: the counter stays where it is
            sink.write(MemorySegment.ofArray(new byte[n]));
            readAll(source, n, arena);
            left -= n;
        }
    }

    @Test
    void nativeCopyIsAvailableUnderTheBuildsNativeAccessFlag() {
        // surefire's argLine carries ring.jvm.flags (--enable-native-access=ALL-UNNAMED): without
        // it every test below would pass through the Java fallback and prove nothing about memcpy
        assertTrue(NativeCopy.class.getModule().isNativeAccessEnabled(),
                "ring-core's tests run without native access: " + NativeCopy.class.getModule());
        assertTrue(NativeCopy.AVAILABLE, "memcpy could not be linked");
    }

    @ParameterizedTest(name = "{0} bytes from a {1}, head at index {2}")
    @MethodSource("cases")
    void bytesComeOutAsTheyWentInThroughNativeCopy(int size, Source source, int start) throws IOException {
        try (Arena arena = Arena.ofConfined();
             Ring ring = Ring.allocate(CAPACITY, RingOptions.defaults().withNativeCopy(true))) {
            RingSink sink = ring.sink();
            RingSource src = ring.source();
            assertTrue(ring.nativeCopy());
            moveTo(sink, src, start, arena);
            assertEquals(0, ring.nativeCopies());
            byte[] bytes = pattern(size, size ^ start);
            write(sink, source, bytes, arena);
            assertEquals(expectedNativeCopies(start, size), ring.nativeCopies(),
                    "pieces of at least " + T + " bytes go through memcpy, smaller ones do not");
            assertArrayEquals(bytes, readAll(src, size, arena));
            // and the ring goes on: a second write after the first, read back whole
            byte[] more = pattern(Math.min(size, 2 * T), 99);
            write(sink, source, more, arena);
            assertArrayEquals(more, readAll(src, more.length, arena));
        }
    }

    @Test
    void aRingTheLibraryAllocatesCopiesNativelyByDefault() throws IOException {
        try (Arena arena = Arena.ofConfined(); Ring ring = Ring.allocate(CAPACITY)) {
            assertFalse(ring.options().nativeCopy(), "the options say not chosen");
            assertTrue(ring.nativeCopy(), "owned memory cannot be truncated: native copy by default");
            byte[] bytes = pattern(64 * 1024, 1);
            ring.sink().write(MemorySegment.ofArray(bytes));
            assertEquals(1, ring.nativeCopies());
            assertArrayEquals(bytes, readAll(ring.source(), bytes.length, arena));
        }
    }

    @Test
    void nativeCopyFalseKeepsEveryCopyInJava() throws IOException {
        try (Arena arena = Arena.ofConfined();
             Ring ring = Ring.allocate(CAPACITY, RingOptions.defaults().withNativeCopy(false))) {
            assertFalse(ring.nativeCopy());
            RingSink sink = ring.sink();
            byte[] bytes = pattern(256 * 1024, 2);
            sink.write(ByteBuffer.wrap(bytes));
            sink.write(MemorySegment.ofArray(bytes));
            assertEquals(0, ring.nativeCopies(), "refused: no copy went through memcpy");
            RingSource source = ring.source();
            assertArrayEquals(bytes, readAll(source, bytes.length, arena));
            assertArrayEquals(bytes, readAll(source, bytes.length, arena));
        }
    }

    @Test
    void aRingInCallerMemoryCopiesInJavaUnlessAsked() throws IOException {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(Ring.requiredBytes(CAPACITY), 64);
            byte[] bytes = pattern(64 * 1024, 3);
            try (Ring plain = Ring.format(memory, CAPACITY)) {
                assertFalse(plain.nativeCopy(), "caller memory may be a mapped file: off unless asked for");
                plain.sink().write(MemorySegment.ofArray(bytes));
                assertEquals(0, plain.nativeCopies());
                assertArrayEquals(bytes, readAll(plain.source(), bytes.length, arena));
            }
            try (Ring asked = Ring.format(memory, CAPACITY, RingOptions.defaults().withNativeCopy(true))) {
                assertTrue(asked.nativeCopy());
                assertTrue(asked.options().nativeCopy());
                asked.sink().write(MemorySegment.ofArray(bytes));
                assertEquals(1, asked.nativeCopies());
                assertArrayEquals(bytes, readAll(asked.source(), bytes.length, arena));
            }
        }
    }

    @Test
    void eachAttachingHandleChoosesNativeCopyAndTheHeaderDoesNotRecordIt() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(Ring.requiredBytes(CAPACITY), 64);
            RingOptions spin = RingOptions.defaults().withWaitStrategy(WaitStrategy.SPIN);
            int flagsBefore;
            try (Ring creator = Ring.format(memory, CAPACITY, spin.withNativeCopy(true))) {
                assertTrue(creator.nativeCopy());
                flagsBefore = new RingHeader(memory).flagsAcquire();
            }
            assertEquals(spin.toFlags(), flagsBefore, "native copy is not in the header's flags");
            assertEquals(spin.toFlags(), spin.withNativeCopy(true).toFlags());

            try (Ring plain = Ring.attach(memory)) {
                assertFalse(plain.nativeCopy(), "a plain attach does not copy natively");
                assertEquals(spin, plain.options(), "the header's options, native copy not chosen");
            }
            byte[] bytes = pattern(3 * T, 4);
            try (Ring mine = Ring.attach(memory, Doorbell.parking(), null, true)) {
                assertTrue(mine.nativeCopy());
                assertEquals(spin.withNativeCopy(true), mine.options());
                mine.sink().write(MemorySegment.ofArray(bytes));
                assertEquals(1, mine.nativeCopies());
                assertArrayEquals(bytes, readAll(mine.source(), bytes.length, arena));
            }
            try (Ring refused = Ring.attach(memory, Doorbell.parking(), null, false)) {
                assertFalse(refused.nativeCopy());
                refused.sink().write(MemorySegment.ofArray(bytes));
                assertEquals(0, refused.nativeCopies());
            }
        }
    }

    @Test
    void aSourceOverlappingTheRingItselfCopiesAsMemorySegmentCopyDoes() throws IOException {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(Ring.requiredBytes(CAPACITY), 64);
            try (Ring ring = Ring.format(memory, CAPACITY, RingOptions.defaults().withNativeCopy(true))) {
                MemorySegment data = memory.asSlice(RingLayout.HEADER_BYTES, CAPACITY);
                int n = 3 * T;
                // a stale slice of the ring's own free space, 100 bytes after where the write lands
                MemorySegment overlapping = data.asSlice(100, n);
                MemorySegment.copy(pattern(n, 5), 0, overlapping, ValueLayout.JAVA_BYTE, 0, n);
                byte[] expected = overlapping.toArray(ValueLayout.JAVA_BYTE);
                ring.sink().write(overlapping);
                assertEquals(0, ring.nativeCopies(), "memcpy is undefined for overlapping ranges");
                assertArrayEquals(expected, readAll(ring.source(), n, arena));
            }
        }
    }

    @Test
    void optionsTellAChosenNativeCopyFromOneNotChosen() {
        RingOptions defaults = RingOptions.defaults();
        assertFalse(defaults.nativeCopy());
        assertTrue(defaults.withNativeCopy(true).nativeCopy());
        assertFalse(defaults.withNativeCopy(false).nativeCopy());
        assertNotEquals(defaults, defaults.withNativeCopy(false), "refused is not the same as not chosen");
        assertNotEquals(defaults.withNativeCopy(true), defaults.withNativeCopy(false));
        assertEquals(defaults.withNativeCopy(true), defaults.withNativeCopy(true));
        assertEquals(defaults.withNativeCopy(true).hashCode(), defaults.withNativeCopy(true).hashCode());
        assertTrue(defaults.withNativeCopy(true).withWaitStrategy(WaitStrategy.SPIN).nativeCopy(),
                "the other with* keep the choice");
        assertEquals("RingOptions[waitStrategy=BLOCK, overflowPolicy=BLOCK, nativeCopy=true]",
                defaults.withNativeCopy(true).toString());
        assertEquals("RingOptions[waitStrategy=BLOCK, overflowPolicy=BLOCK]", defaults.toString());
    }
}
