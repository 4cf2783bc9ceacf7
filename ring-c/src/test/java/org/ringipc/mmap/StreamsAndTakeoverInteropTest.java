package org.ringipc.mmap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ringipc.core.MessageSink;
import org.ringipc.core.MessageSource;
import org.ringipc.core.RecordLayout;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;
import org.ringipc.core.RingStats;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * FORMAT.md 3.8 and 3.6 across languages, in real processes: one ring file serves stream after stream
 * whichever end of which language opens first, and a producer killed between its release of head and
 * its record's header word (C's crash-writer, or a Java child in {@link JavaCrashWriter}) is taken over
 * by the other language, which marks that record lost; the reader skips it and counts it. The C
 * programs run plain and under AddressSanitizer/UBSan.
 */
class StreamsAndTakeoverInteropTest {

    private static final Duration EXIT = Duration.ofSeconds(60);
    private static final int CAPACITY = 1 << 16;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(CProgram.Build.class)
    void oneFileServesStreamAfterStreamAcrossLanguagesWhicheverEndOpensFirst(CProgram.Build build) throws Exception {
        Path file = dir.resolve("streams");
        SharedRing.create(file, CAPACITY).close();
        try (SharedRing ring = SharedRing.open(file)) {
            // 1: a C writer, then a Java reader after it has gone
            try (CProgram writer = CProgram.start(build, "ringcat-write", file)) {
                writer.stdin().write("first\n".getBytes(StandardCharsets.US_ASCII));
                writer.stdin().close();
                writer.assertCleanExit(EXIT);
            }
            try (RingSource source = ring.source()) {
                assertEquals("first\n", readToEof(source));
            }
            // 2: a Java reader first (the last stream ended and was read: it waits, no old EOF), a C writer after
            try (RingSource source = ring.source()) {
                assertEquals(0, source.tryRead(ByteBuffer.allocate(16)), "the new reader waits for the next writer");
                try (CProgram writer = CProgram.start(build, "ringcat-write", file)) {
                    writer.stdin().write("second\n".getBytes(StandardCharsets.US_ASCII));
                    writer.stdin().close();
                    writer.assertCleanExit(EXIT);
                }
                assertEquals("second\n", readToEof(source));
            }
            // 3: a C reader first, a Java writer after (the Java reader of stream 2 is CLOSED: no broken pipe)
            try (CProgram reader = CProgram.start(build, "ringcat-read", file)) {
                reader.await("the C reader to open the consumer end", () -> ring.stats().consumerPid() == reader.pid());
                try (RingSink sink = ring.sink()) {
                    sink.write(ByteBuffer.wrap("third\n".getBytes(StandardCharsets.US_ASCII)));
                }
                assertEquals("third\n", new String(reader.stdout().readAllBytes(), StandardCharsets.US_ASCII));
                reader.assertCleanExit(EXIT);
            }
            // 4: a Java writer first (the C reader of stream 3 is CLOSED), a C reader after it has gone
            try (RingSink sink = ring.sink()) {
                sink.write(ByteBuffer.wrap("fourth\n".getBytes(StandardCharsets.US_ASCII)));
            }
            try (CProgram reader = CProgram.start(build, "ringcat-read", file)) {
                reader.stdin().close();
                assertEquals("fourth\n", new String(reader.stdout().readAllBytes(), StandardCharsets.US_ASCII));
                reader.assertCleanExit(EXIT);
            }
            assertEquals(4, ring.stats().streams(), "streams started on the file");
        }
    }

    private static String readToEof(RingSource source) throws IOException {
        StringBuilder text = new StringBuilder();
        ByteBuffer buf = ByteBuffer.allocate(256);
        while (source.read(buf, 20, TimeUnit.SECONDS) >= 0) {
            buf.flip();
            text.append(StandardCharsets.US_ASCII.decode(buf));
            buf.clear();
        }
        return text.toString();
    }

    @Test
    void aCWriterKilledMidRecordIsTakenOverByJavaAndItsRecordCountsAsLost() throws Exception {
        Path file = dir.resolve("c-killed");
        try (JavaMessageRingFile ring = JavaMessageRingFile.create(file, CAPACITY);
             MessageSource source = ring.ring.source()) {
            StringBuilder seen = new StringBuilder();
            try (CProgram writer = CProgram.start(CProgram.Build.PLAIN, "crash-writer", file, "3", "100")) {
                assertEquals("stopped", firstLine(writer), "crash-writer stops between head and the header word");
                for (int got = 0; got < 3; ) {
                    got += Math.max(0, source.take(m -> seen.append(text(m)).append(';'), 8, 20, TimeUnit.SECONDS));
                }
                writer.kill();
            }
            try (MessageSink sink = ring.ring.sink()) {  // the takeover marks the record lost
                sink.write(MemorySegment.ofArray("after".getBytes(StandardCharsets.US_ASCII)));
            }
            assertEquals(1, source.take(m -> seen.append(text(m)).append(';'), 20, TimeUnit.SECONDS));
            assertEquals(-1, source.take(m -> seen.append(text(m)).append(';'), 20, TimeUnit.SECONDS));
            assertEquals("m0;m1;m2;after;", seen.toString());
            RingStats stats = ring.ring.stats();
            assertEquals(1, stats.lostRecords(), "lost records");
            assertEquals(RecordLayout.recordBytes(100), stats.lostBytes(), "lost bytes");
        }
    }

    @ParameterizedTest
    @EnumSource(CProgram.Build.class)
    void aJavaWriterKilledMidRecordIsTakenOverByCAndTheCReaderSkipsItsRecord(CProgram.Build build) throws Exception {
        Path file = dir.resolve("java-killed");
        try (JavaMessageRingFile ring = JavaMessageRingFile.create(file, CAPACITY)) {
            String java = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            Process child = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), JavaCrashWriter.class.getName(), file.toString(), "2"))
                    .redirectError(dir.resolve("java-writer.err").toFile()).start();
            try {
                String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                assertEquals("stopped", line, "the Java child stops mid-record");
                child.destroyForcibly().waitFor();
            } finally {
                child.destroyForcibly();
            }
            try (CProgram writer = CProgram.start(build, "ringcat-write", file)) {
                writer.stdin().write("after\n".getBytes(StandardCharsets.US_ASCII));
                writer.stdin().close();
                writer.assertCleanExit(EXIT);
            }
            // the reader comes last: one started earlier would see the dead writer's EOF before the takeover
            try (CProgram reader = CProgram.start(build, "ringcat-read", file)) {
                assertEquals("m0\nm1\nafter\n", new String(reader.stdout().readAllBytes(), StandardCharsets.US_ASCII));
                reader.assertCleanExit(EXIT);
            }
            RingStats stats = ring.ring.stats();
            assertEquals(1, stats.lostRecords(), "lost records, counted by the C reader");
            assertEquals(RecordLayout.recordBytes(JavaCrashWriter.LENGTH), stats.lostBytes(), "lost bytes");
        }
    }

    private static String firstLine(CProgram program) throws IOException {
        return new BufferedReader(new InputStreamReader(program.stdout(), StandardCharsets.US_ASCII)).readLine();
    }

    private static String text(MemorySegment message) {
        return new String(message.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
    }
}
