package org.ringipc.mmap;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ringipc.core.MessageSink;
import org.ringipc.core.MessageSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A message ring between the Java side ({@link JavaMessageRingFile}) and ringcat-write/ringcat-read,
 * which carry one message per line: 256 MiB of messages each way with their boundaries, checked by
 * CRC (32 MiB again under AddressSanitizer/UBSan); kill -9 of a C writer; role refusal.
 */
class MessageInteropTest {

    private static final Duration EXIT = Duration.ofSeconds(60);
    private static final int CAPACITY = 1 << 16;

    /** 256 MiB of messages through the plain programs, 32 MiB under the sanitizers. */
    private static long total(CProgram.Build build) {
        return build == CProgram.Build.PLAIN ? 256L << 20 : 32L << 20;
    }

    @TempDir
    Path dir;

    /** The next message: 0 .. 300 lowercase letters. */
    private static byte[] nextMessage(SplittableRandom random) {
        byte[] m = new byte[random.nextInt(301)];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) ('a' + random.nextInt(26));
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(CProgram.Build.class)
    void javaMessagesReachTheCReaderOnePerLine(CProgram.Build build) throws Exception {
        Path file = dir.resolve("j2c");
        long total = total(build);
        try (JavaMessageRingFile ring = JavaMessageRingFile.create(file, CAPACITY);
             CProgram reader = CProgram.start(build, "ringcat-read", file)) {
            CompletableFuture<long[]> out = reader.drainStdout();
            reader.await("the C reader to claim the consumer end", () -> ring.ring.stats().consumerPid() == reader.pid());
            CRC32 crc = new CRC32();
            SplittableRandom random = new SplittableRandom(11);
            long bytes = 0;
            long messages = 0;
            try (MessageSink sink = ring.ring.sink()) {
                while (bytes < total) {
                    byte[] m = nextMessage(random);
                    sink.write(MemorySegment.ofArray(m));
                    crc.update(m);
                    crc.update('\n');
                    bytes += m.length + 1;
                    messages++;
                }
            }
            reader.assertCleanExit(EXIT);
            long[] got = out.get(10, TimeUnit.SECONDS);
            assertEquals(bytes, got[0], "bytes of the lines the C reader printed");
            assertEquals(crc.getValue(), got[1], "CRC32 of the lines");
            assertEquals(messages, ring.ring.stats().reads(), "messages the C reader consumed");
        }
    }

    @ParameterizedTest
    @EnumSource(CProgram.Build.class)
    void cMessagesReachTheJavaReaderWithTheirBoundaries(CProgram.Build build) throws Exception {
        Path file = dir.resolve("c2j");
        long total = total(build);
        try (JavaMessageRingFile ring = JavaMessageRingFile.create(file, CAPACITY);
             MessageSource source = ring.ring.source();
             CProgram writer = CProgram.start(build, "ringcat-write", file)) {
            CompletableFuture<long[]> fed = CompletableFuture.supplyAsync(() -> {
                CRC32 crc = new CRC32();
                SplittableRandom random = new SplittableRandom(13);
                long bytes = 0;
                long messages = 0;
                try (OutputStream in = new java.io.BufferedOutputStream(writer.stdin(), 1 << 16)) {
                    while (bytes < total) {
                        byte[] m = nextMessage(random);
                        in.write(m);
                        in.write('\n');
                        crc.update(m);
                        crc.update('\n');
                        bytes += m.length + 1;
                        messages++;
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
                return new long[] {bytes, crc.getValue(), messages};
            }, r -> Thread.ofPlatform().daemon().start(r));
            CRC32 crc = new CRC32();
            long[] got = new long[2];
            byte[] copy = new byte[CAPACITY];
            while (true) {
                int n = source.take(message -> {
                    int length = (int) message.byteSize();
                    MemorySegment.copy(message, ValueLayout.JAVA_BYTE, 0, copy, 0, length);
                    crc.update(copy, 0, length);
                    crc.update('\n');
                    got[0] += length + 1;
                    got[1]++;
                }, 256, 200, TimeUnit.MILLISECONDS);
                if (n < 0) {
                    break;
                }
                if (n == 0 && !writer.isAlive()) {
                    throw new AssertionError(writer + " exited early; stderr:\n" + writer.stderr());
                }
            }
            writer.assertCleanExit(EXIT);
            long[] sent = fed.get(10, TimeUnit.SECONDS);
            assertEquals(sent[0], got[0], "bytes of the messages, one newline each");
            assertEquals(sent[2], got[1], "messages");
            assertEquals(sent[1], crc.getValue(), "CRC32 of the messages as lines");
        }
    }

    @Test
    void killingTheCWriterEndsTheJavaReadersStreamAndANewCWriterTakesOver() throws Exception {
        Path file = dir.resolve("kill");
        try (JavaMessageRingFile ring = JavaMessageRingFile.create(file, CAPACITY);
             MessageSource source = ring.ring.source()) {
            StringBuilder seen = new StringBuilder();
            try (CProgram first = CProgram.start(CProgram.Build.PLAIN, "ringcat-write", file)) {
                first.stdin().write("one\n".getBytes(StandardCharsets.US_ASCII));
                first.stdin().flush();
                assertEquals(1, source.take(m -> seen.append(text(m)), 20, TimeUnit.SECONDS));
                first.kill();
            }
            assertEquals(-1, source.take(m -> seen.append(text(m)), 20, TimeUnit.SECONDS), "EOF after the writer died");
            try (CProgram second = CProgram.start(CProgram.Build.PLAIN, "ringcat-write", file)) {
                second.stdin().write("two\n".getBytes(StandardCharsets.US_ASCII));
                second.stdin().close();
                second.assertCleanExit(EXIT);
            }
            assertEquals(1, source.take(m -> seen.append(text(m)), 20, TimeUnit.SECONDS));
            assertEquals(-1, source.take(m -> seen.append(text(m)), 20, TimeUnit.SECONDS));
            assertEquals("onetwo", seen.toString());
        }
    }

    private static String text(MemorySegment message) {
        return new String(message.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
    }

    @Test
    void endsAreRefusedAcrossLanguagesOnAMessageRing() throws Exception {
        Path file = dir.resolve("roles");
        try (JavaMessageRingFile ring = JavaMessageRingFile.create(file, CAPACITY);
             CProgram writer = CProgram.start(CProgram.Build.PLAIN, "ringcat-write", file)) {
            writer.await("the C writer to claim the producer end", () -> ring.ring.stats().producerPid() == writer.pid());
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> ring.ring.sink());
            assertTrue(refused.getMessage().contains("live pid " + writer.pid()), refused.getMessage());
            try (MessageSource source = ring.ring.source();
                 CProgram reader = CProgram.start(CProgram.Build.PLAIN, "ringcat-read", file)) {
                assertEquals(1, reader.waitFor(EXIT));
                assertTrue(reader.stderr().contains("consumer end is already held by live pid " + ProcessHandle.current().pid()),
                        reader.stderr());
                assertTrue(source.isOpen());
            }
            writer.stdin().close();
            writer.assertCleanExit(EXIT);
        }
    }
}
