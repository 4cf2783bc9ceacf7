package org.ringipc.mmap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A byte ring between the Java side (this JVM, {@link SharedRing}) and the C side (ringcat-write and
 * ringcat-read, real processes built from ringipc.h), both ends BLOCK: bulk transfer checked by CRC
 * in both directions (plain and under AddressSanitizer/UBSan), futex wake-ups across the languages,
 * kill -9 of the C side, and role refusal.
 */
class ByteInteropTest {

    private static final Duration EXIT = Duration.ofSeconds(60);
    private static final int CAPACITY = 1 << 16;

    @TempDir
    Path dir;

    private static long total(CProgram.Build build) {
        return build == CProgram.Build.PLAIN ? 256L << 20 : 32L << 20;
    }

    /** Fills buf with the next bytes of a seeded stream. */
    private static void fill(SplittableRandom random, byte[] buf, int n) {
        for (int i = 0; i < n; i += 8) {
            long v = random.nextLong();
            for (int k = 0; k < 8 && i + k < n; k++) {
                buf[i + k] = (byte) (v >>> (8 * k));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(CProgram.Build.class)
    void javaWriterToCReaderDeliversEveryByteInOrder(CProgram.Build build) throws Exception {
        Path file = dir.resolve("j2c");
        long total = total(build);
        try (SharedRing ring = SharedRing.create(file, CAPACITY);
             CProgram reader = CProgram.start(build, "ringcat-read", file)) {
            CompletableFuture<long[]> out = reader.drainStdout();
            reader.await("the C reader to claim the consumer end", () -> ring.stats().consumerPid() == reader.pid());
            CRC32 crc = new CRC32();
            SplittableRandom random = new SplittableRandom(42);
            byte[] chunk = new byte[50_000];
            try (RingSink sink = ring.sink()) {
                for (long sent = 0; sent < total; ) {
                    int n = (int) Math.min(1 + random.nextInt(chunk.length), total - sent);
                    fill(random, chunk, n);
                    crc.update(chunk, 0, n);
                    sink.write(ByteBuffer.wrap(chunk, 0, n));
                    sent += n;
                }
            }
            reader.assertCleanExit(EXIT);
            long[] got = out.get(10, TimeUnit.SECONDS);
            assertEquals(total, got[0], "bytes the C reader wrote to stdout");
            assertEquals(crc.getValue(), got[1], "CRC32 of what the C reader wrote");
            assertEquals(total, ring.stats().bytesRead());
        }
    }

    @ParameterizedTest
    @EnumSource(CProgram.Build.class)
    void cWriterToJavaReaderDeliversEveryByteInOrder(CProgram.Build build) throws Exception {
        Path file = dir.resolve("c2j");
        long total = total(build);
        try (SharedRing ring = SharedRing.create(file, CAPACITY);
             RingSource source = ring.source();
             CProgram writer = CProgram.start(build, "ringcat-write", file)) {
            CompletableFuture<Long> fed = CompletableFuture.supplyAsync(() -> {
                CRC32 crc = new CRC32();
                SplittableRandom random = new SplittableRandom(7);
                byte[] chunk = new byte[70_000];
                try (OutputStream in = writer.stdin()) {
                    for (long sent = 0; sent < total; ) {
                        int n = (int) Math.min(1 + random.nextInt(chunk.length), total - sent);
                        fill(random, chunk, n);
                        crc.update(chunk, 0, n);
                        in.write(chunk, 0, n);
                        sent += n;
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
                return crc.getValue();
            }, r -> Thread.ofPlatform().daemon().start(r));
            CRC32 crc = new CRC32();
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            long got = 0;
            while (true) {
                buf.clear();
                int n = source.read(buf, 200, TimeUnit.MILLISECONDS);
                if (n < 0) {
                    break;
                }
                if (n == 0 && !writer.isAlive()) {
                    throw new AssertionError(writer + " exited early; stderr:\n" + writer.stderr());
                }
                crc.update(buf.flip());
                got += n;
            }
            writer.assertCleanExit(EXIT);
            assertEquals(total, got, "bytes the Java reader read");
            assertEquals(fed.get(10, TimeUnit.SECONDS), crc.getValue(), "CRC32 of what the Java reader read");
        }
    }

    @Test
    void aCReaderAsleepInItsFutexIsWokenByAJavaWrite() throws Exception {
        Path file = dir.resolve("wake-c");
        try (SharedRing ring = SharedRing.create(file, CAPACITY);
             CProgram.HeaderView header = new CProgram.HeaderView(file);
             CProgram reader = CProgram.start(CProgram.Build.PLAIN, "ringcat-read", file)) {
            reader.await("the C reader to announce it sleeps", () -> header.signal("consumerWaiting") == 1);
            int seq = header.signal("consumerWakeSeq");
            try (RingSink sink = ring.sink()) {
                sink.write(ByteBuffer.wrap("ping\n".getBytes(StandardCharsets.US_ASCII)));
                byte[] line = reader.stdout().readNBytes(5);
                assertEquals("ping\n", new String(line, StandardCharsets.US_ASCII));
                assertTrue(header.signal("consumerWakeSeq") != seq, "the Java side bumped the C reader's futex word");
            }
            reader.assertCleanExit(EXIT);
            assertTrue(ring.stats().consumerSleeps() >= 1, "the C reader counted its sleep");
        }
    }

    @Test
    void aJavaReaderAsleepInItsFutexIsWokenByACWrite() throws Exception {
        Path file = dir.resolve("wake-java");
        try (SharedRing ring = SharedRing.create(file, CAPACITY);
             CProgram.HeaderView header = new CProgram.HeaderView(file);
             RingSource source = ring.source()) {
            CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
                ByteBuffer buf = ByteBuffer.allocate(64);
                try {
                    int n = source.read(buf);
                    return new String(buf.array(), 0, n, StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofPlatform().daemon().start(r));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (header.signal("consumerWaiting") != 1) {
                assertTrue(System.nanoTime() < deadline, "the Java reader never announced it sleeps");
                Thread.sleep(1);
            }
            int seq = header.signal("consumerWakeSeq");
            try (CProgram writer = CProgram.start(CProgram.Build.PLAIN, "ringcat-write", file)) {
                writer.stdin().write("pong\n".getBytes(StandardCharsets.US_ASCII));
                writer.stdin().flush();
                assertEquals("pong\n", read.get(20, TimeUnit.SECONDS));
                assertTrue(header.signal("consumerWakeSeq") != seq, "the C side bumped the Java reader's futex word");
                writer.stdin().close();
                writer.assertCleanExit(EXIT);
            }
        }
    }

    @Test
    void aCWriterAsleepOnAFullRingIsWokenByAJavaRead() throws Exception {
        Path file = dir.resolve("wake-c-writer");
        try (SharedRing ring = SharedRing.create(file, CAPACITY);
             CProgram.HeaderView header = new CProgram.HeaderView(file);
             CProgram writer = CProgram.start(CProgram.Build.PLAIN, "ringcat-write", file)) {
            byte[] data = new byte[3 * CAPACITY];
            fill(new SplittableRandom(3), data, data.length);
            CompletableFuture<Void> feed = CompletableFuture.runAsync(() -> {
                try (OutputStream in = writer.stdin()) {
                    in.write(data);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofPlatform().daemon().start(r));
            writer.await("the C writer to sleep on the full ring", () -> header.signal("producerWaiting") == 1);
            int seq = header.signal("producerWakeSeq");
            byte[] got = readAll(ring);
            assertTrue(header.signal("producerWakeSeq") != seq, "the Java reader bumped the C writer's futex word");
            feed.get(20, TimeUnit.SECONDS);
            writer.assertCleanExit(EXIT);
            assertEquals(CRC(data), CRC(got));
        }
    }

    private static long CRC(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    private static byte[] readAll(SharedRing ring) throws IOException {
        try (RingSource source = ring.source()) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(1 << 14);
            for (int n; (n = source.read(buf.clear())) >= 0; ) {
                all.write(buf.array(), 0, n);
            }
            return all.toByteArray();
        }
    }

    @Test
    void killingTheCWriterGivesTheJavaReaderEofAndANewCWriterTakesTheEndOver() throws Exception {
        Path file = dir.resolve("kill-writer");
        try (SharedRing ring = SharedRing.create(file, CAPACITY);
             RingSource source = ring.source()) {
            ByteBuffer buf = ByteBuffer.allocate(256);
            try (CProgram first = CProgram.start(CProgram.Build.PLAIN, "ringcat-write", file)) {
                first.stdin().write("first\n".getBytes(StandardCharsets.US_ASCII));
                first.stdin().flush();
                assertEquals("first\n", readString(source, buf));
                first.kill();
            }
            assertEquals(-1, source.read(buf.clear()), "EOF once the C writer is dead and the ring is drained");
            assertTrue(ring.producerEnd().holderDied(), "the dead writer left the end marked open, unlocked: " + ring.producerEnd());
            try (CProgram second = CProgram.start(CProgram.Build.PLAIN, "ringcat-write", file)) {
                second.stdin().write("second\n".getBytes(StandardCharsets.US_ASCII));
                second.stdin().close();
                second.assertCleanExit(EXIT);
            }
            assertEquals("second\n", readString(source, buf));
            assertEquals(-1, source.read(buf.clear()));
        }
    }

    private static String readString(RingSource source, ByteBuffer buf) throws IOException {
        buf.clear();
        int n = source.read(buf, 20, TimeUnit.SECONDS);
        assertTrue(n > 0, "read returned " + n);
        return new String(buf.array(), 0, n, StandardCharsets.US_ASCII);
    }

    @Test
    void killingTheCReaderBreaksTheJavaWritersPipeAndANewCReaderTakesTheEndOver() throws Exception {
        Path file = dir.resolve("kill-reader");
        try (SharedRing ring = SharedRing.create(file, CAPACITY)) {
            try (CProgram first = CProgram.start(CProgram.Build.PLAIN, "ringcat-read", file)) {
                first.await("the C reader to claim the consumer end", () -> ring.stats().consumerPid() == first.pid());
                RingSink sink = ring.sink();
                // nobody drains the reader's stdout: its pipe fills, then the ring, then the writer sleeps
                CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                    byte[] chunk = new byte[4096];
                    try {
                        while (true) {
                            sink.write(ByteBuffer.wrap(chunk));
                        }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }, r -> Thread.ofPlatform().daemon().start(r));
                first.await("the ring to fill", () -> ring.stats().free() == 0);
                first.kill();
                ExecutionException broken = assertThrows(ExecutionException.class, () -> writing.get(20, TimeUnit.SECONDS));
                assertTrue(String.valueOf(broken.getCause().getCause()).contains("broken pipe"), broken.toString());
                sink.close();
            }
            try (RingSink sink = ring.sink();
                 CProgram second = CProgram.start(CProgram.Build.PLAIN, "ringcat-read", file)) {
                CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                    try {
                        return second.stdout().readAllBytes();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }, r -> Thread.ofPlatform().daemon().start(r));
                second.await("the new C reader to take the consumer end over", () -> ring.stats().consumerPid() == second.pid());
                sink.write(ByteBuffer.wrap("after takeover\n".getBytes(StandardCharsets.US_ASCII)));
                sink.close();
                second.assertCleanExit(EXIT);
                byte[] rest = out.get(10, TimeUnit.SECONDS);
                assertEquals(CAPACITY + "after takeover\n".length(), rest.length, "the full ring the dead reader left, then the new bytes");
                assertTrue(new String(rest, StandardCharsets.US_ASCII).endsWith("after takeover\n"));
            }
        }
    }

    @Test
    void aJavaSinkIsRefusedWhileACWriterHoldsTheProducerEnd() throws Exception {
        Path file = dir.resolve("roles-c-holds");
        try (SharedRing ring = SharedRing.create(file, CAPACITY);
             CProgram writer = CProgram.start(CProgram.Build.PLAIN, "ringcat-write", file)) {
            writer.await("the C writer to claim the producer end", () -> ring.stats().producerPid() == writer.pid());
            IllegalStateException refused = assertThrows(IllegalStateException.class, ring::sink);
            assertTrue(refused.getMessage().contains("live pid " + writer.pid()), refused.getMessage());
            writer.stdin().close();
            writer.assertCleanExit(EXIT);
            ring.sink().close();  // free again once the C writer is gone
        }
    }

    @Test
    void aCWriterAndACReaderAreRefusedWhileJavaHoldsTheEnds() throws Exception {
        Path file = dir.resolve("roles-java-holds");
        long me = ProcessHandle.current().pid();
        try (SharedRing ring = SharedRing.create(file, CAPACITY);
             RingSink sink = ring.sink();
             RingSource source = ring.source()) {
            for (String program : new String[] {"ringcat-write", "ringcat-read"}) {
                try (CProgram c = CProgram.start(CProgram.Build.PLAIN, program, file)) {
                    assertEquals(1, c.waitFor(EXIT), program + " must fail");
                    assertTrue(c.stderr().contains("already held by live pid " + me), c.stderr());
                }
            }
            assertTrue(sink.isOpen() && source.isOpen());
        }
    }
}
