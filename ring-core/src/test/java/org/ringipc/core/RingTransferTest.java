package org.ringipc.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bytes go in and come out unchanged, in order, across the wrap point and through every buffer kind. */
class RingTransferTest {

    private static final int CAPACITY = 4096;

    static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }

    @ParameterizedTest(name = "chunk of {0} bytes")
    @ValueSource(ints = {1, 7, CAPACITY - 1, CAPACITY})
    void chunksCrossTheWrapPointUnchanged(int chunk) throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            // 2.5 capacities of traffic puts chunks across the wrap point at many offsets
            int rounds = (int) Math.max(3, 10L * CAPACITY / chunk / 4);
            ByteBuffer in = ByteBuffer.allocate(chunk);
            for (int r = 0; r < rounds; r++) {
                byte[] expected = pattern(chunk, r);
                assertEquals(chunk, sink.write(ByteBuffer.wrap(expected)));
                in.clear();
                while (in.hasRemaining()) {
                    assertTrue(source.read(in) > 0);
                }
                assertArrayEquals(expected, in.array(), "round " + r);
            }
            assertEquals((long) rounds * chunk, ring.stats().bytesRead());
        }
    }

    @Test
    void aWriteTwiceTheCapacityStreamsThroughWhileTheReaderDrains() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            byte[] expected = pattern(2 * CAPACITY + 123, 5);
            CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
                try {
                    return sink.write(ByteBuffer.wrap(expected));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            ByteBuffer in = ByteBuffer.allocate(expected.length);
            while (in.hasRemaining()) {
                source.read(in);
            }
            assertEquals(expected.length, writer.get());
            assertArrayEquals(expected, in.array());
        }
    }

    @ParameterizedTest(name = "direct={0}")
    @ValueSource(booleans = {false, true})
    void heapAndDirectBuffersAtNonZeroPositionsRoundTrip(boolean direct) throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            byte[] payload = pattern(3000, 9);
            for (int round = 0; round < 4; round++) {
                ByteBuffer out = direct ? ByteBuffer.allocateDirect(3100) : ByteBuffer.allocate(3100);
                out.position(50).put(payload).flip().position(50);
                assertEquals(3000, sink.write(out));
                assertEquals(out.limit(), out.position());
                ByteBuffer in = direct ? ByteBuffer.allocateDirect(3100) : ByteBuffer.allocate(3100);
                in.position(17).limit(3017);
                while (in.hasRemaining()) {
                    source.read(in);
                }
                byte[] got = new byte[3000];
                in.get(17, got);
                assertArrayEquals(payload, got);
            }
        }
    }

    @Test
    void memorySegmentsRoundTripAcrossTheWrap() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY); Arena arena = Arena.ofConfined()) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            MemorySegment out = arena.allocate(3000);
            MemorySegment in = arena.allocate(3000);
            for (int round = 0; round < 5; round++) {
                MemorySegment.copy(pattern(3000, round), 0, out, ValueLayout.JAVA_BYTE, 0, 3000);
                assertEquals(3000, sink.write(out));
                long got = 0;
                while (got < 3000) {
                    got += source.read(in.asSlice(got));
                }
                assertEquals(-1, in.mismatch(out), "round " + round);
            }
        }
    }

    @Test
    void channelStreamsJustWork() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            byte[] expected = pattern(50_000, 3);
            RingSink sink = ring.sink();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (OutputStream out = Channels.newOutputStream(sink)) {
                    out.write(expected);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (InputStream in = Channels.newInputStream(ring.source())) {
                assertArrayEquals(expected, in.readAllBytes());
            }
            writer.get();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(WaitStrategy.class)
    void twoThreadsStream64MiBOfRandomChunksWithMatchingCrc(WaitStrategy strategy) throws Exception {
        long total = 64L << 20;
        try (Ring ring = Ring.allocate(1 << 16, RingOptions.defaults().withWaitStrategy(strategy))) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
                CRC32C crc = new CRC32C();
                SplittableRandom random = new SplittableRandom(42);
                byte[] chunk = new byte[70_000];
                try (sink) {
                    for (long sent = 0; sent < total; ) {
                        int n = (int) Math.min(total - sent, 1 + random.nextInt(chunk.length));
                        random.nextBytes(chunk);
                        crc.update(chunk, 0, n);
                        sink.write(ByteBuffer.wrap(chunk, 0, n));
                        sent += n;
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
                return crc.getValue();
            });
            CRC32C crc = new CRC32C();
            SplittableRandom random = new SplittableRandom(7);
            ByteBuffer in = ByteBuffer.allocateDirect(70_000);
            long received = 0;
            while (true) {
                in.clear().limit(1 + random.nextInt(in.capacity()));
                int n = source.read(in);
                if (n < 0) {
                    break;
                }
                in.flip();
                crc.update(in);
                received += n;
            }
            assertEquals(total, received);
            assertEquals(writer.get(), crc.getValue());
            assertEquals(total, ring.stats().bytesWritten());
        }
    }
}
