package org.ringipc.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Gathered writes and scattered reads on every ring kind, and several buffers as one message. */
class GatherScatterTest {

    private static final int CAPACITY = 4096;

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 7);
        }
        return b;
    }

    private static ByteBuffer[] parts(byte[] whole, int... cuts) {
        List<ByteBuffer> parts = new ArrayList<>();
        int at = 0;
        for (int cut : cuts) {
            parts.add(ByteBuffer.wrap(whole, at, cut - at).slice());
            at = cut;
        }
        parts.add(ByteBuffer.wrap(whole, at, whole.length - at).slice());
        return parts.toArray(ByteBuffer[]::new);
    }

    /** Reads exactly n bytes with scattered reads into three buffers of uneven sizes. */
    private static byte[] scatterRead(RingSource source, int n) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (got.size() < n) {
            ByteBuffer[] dsts = {ByteBuffer.allocate(3), ByteBuffer.allocate(0), ByteBuffer.allocateDirect(1000)};
            long r = source.read(dsts);
            assertTrue(r > 0, "read returned " + r);
            long filled = 0;
            for (ByteBuffer d : dsts) {
                d.flip();
                filled += d.remaining();
                byte[] b = new byte[d.remaining()];
                d.get(b);
                got.writeBytes(b);
            }
            assertEquals(r, filled);
        }
        return got.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, CAPACITY - 1000, CAPACITY - 1})
    void aGatheredWriteArrivesWholeAndInOrderWhereverTheWrapFalls(int before) throws IOException {
        try (Ring ring = Ring.allocate(CAPACITY); RingSink sink = ring.sink(); RingSource source = ring.source()) {
            assertInstanceOf(GatheringByteChannel.class, sink);
            assertInstanceOf(ScatteringByteChannel.class, source);
            sink.write(ByteBuffer.allocate(before));
            source.read(ByteBuffer.allocate(before));
            byte[] whole = pattern(3000, before);
            ByteBuffer[] srcs = parts(whole, 1, 1, 700, 2999);
            assertEquals(3000, sink.write(srcs));
            for (ByteBuffer src : srcs) {
                assertEquals(0, src.remaining());
            }
            assertArrayEquals(whole, scatterRead(source, 3000));
            assertEquals(before > 0 ? 2 : 1, ring.stats().writes(), "the gathered write counts as one");
        }
    }

    @Test
    void aGatheredWriteLargerThanTheRingStreamsThroughIt() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY); RingSink sink = ring.sink(); RingSource source = ring.source()) {
            byte[] whole = pattern(5 * CAPACITY + 3, 11);
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    sink.write(parts(whole, 5, CAPACITY, 3 * CAPACITY));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            assertArrayEquals(whole, scatterRead(source, whole.length));
            writer.join();
        }
    }

    @Test
    void underDropAGatheredWriteThatDoesNotFitIsDroppedWholeNeverInPart() throws IOException {
        RingOptions drop = RingOptions.defaults().withOverflowPolicy(OverflowPolicy.DROP);
        try (Ring ring = Ring.allocate(CAPACITY, drop); RingSink sink = ring.sink(); RingSource source = ring.source()) {
            sink.write(ByteBuffer.allocate(CAPACITY - 100));
            ByteBuffer[] srcs = parts(pattern(150, 1), 60);
            assertEquals(0, sink.write(srcs));
            assertEquals(0, srcs[0].remaining() + srcs[1].remaining());
            assertEquals(1, ring.stats().drops());
            assertEquals(150, ring.stats().bytesDropped());
            assertEquals(CAPACITY - 100, ring.stats().used());
        }
    }

    @Test
    void offsetAndLengthOutsideTheArrayAreRefused() throws IOException {
        try (Ring ring = Ring.allocate(CAPACITY); RingSink sink = ring.sink(); RingSource source = ring.source()) {
            ByteBuffer[] two = {ByteBuffer.allocate(1), ByteBuffer.allocate(1)};
            assertThrows(IndexOutOfBoundsException.class, () -> sink.write(two, 1, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> source.read(two, -1, 1));
        }
    }

    @Test
    void aLockedRingGathersAndScattersToo() throws IOException {
        try (LockedRing ring = LockedRing.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            byte[] whole = pattern(2500, 3);
            assertEquals(2500, sink.write(parts(whole, 10, 2000)));
            assertArrayEquals(whole, scatterRead(source, 2500));
            sink.close();
            assertEquals(-1, source.read(new ByteBuffer[] {ByteBuffer.allocate(8)}));
        }
    }

    @Test
    void severalBuffersAreWrittenAsOneMessage() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            MessageSource source = ring.source();
            byte[] whole = pattern(1500, 9);
            ByteBuffer[] buffers = parts(whole, 8, 9, 1000);
            sink.write(buffers);
            assertEquals(0, buffers[3].remaining());
            MemorySegment[] segments = {MemorySegment.ofArray(pattern(8, 1)), MemorySegment.ofArray(new byte[0]),
                    MemorySegment.ofArray(pattern(100, 2))};
            sink.write(segments);
            List<byte[]> got = new ArrayList<>();
            assertEquals(2, source.poll(msg -> got.add(msg.toArray(ValueLayout.JAVA_BYTE)), 10));
            assertArrayEquals(whole, got.get(0));
            byte[] second = new byte[108];
            System.arraycopy(pattern(8, 1), 0, second, 0, 8);
            System.arraycopy(pattern(100, 2), 0, second, 8, 100);
            assertArrayEquals(second, got.get(1));
            assertEquals(2, ring.stats().writes());
        }
    }

    @Test
    void partsLongerTogetherThanTheLargestMessageAreRefusedNamingTheLength() throws IOException {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            MessageSink sink = ring.sink();
            int half = ring.maxMessageLength() / 2 + 1;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> sink.write(ByteBuffer.allocate(half), ByteBuffer.allocate(half)));
            assertTrue(e.getMessage().contains("length=" + 2 * half), e.getMessage());
        }
    }

    @Test
    void underDropGatheredMessagesThatDoNotFitAreCountedAsOneDrop() throws IOException {
        RingOptions drop = RingOptions.defaults().withOverflowPolicy(OverflowPolicy.DROP);
        try (MessageRing ring = MessageRing.allocate(CAPACITY, drop)) {
            MessageSink sink = ring.sink();
            while (sink.offer(ByteBuffer.allocate(1000))) {
                // fill
            }
            long drops = ring.stats().drops();
            sink.write(ByteBuffer.allocate(500), ByteBuffer.allocate(500));
            assertEquals(drops + 1, ring.stats().drops());
        }
    }
}
