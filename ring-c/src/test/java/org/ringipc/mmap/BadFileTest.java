package org.ringipc.mmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ringipc.core.RingFormatException;
import org.ringipc.core.RingLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of file the Java side refuses, the C side refuses too, naming the same field. */
class BadFileTest {

    private static final int CAPACITY = 4096;

    @TempDir
    Path dir;

    /** How to spoil a good ring file. */
    interface Damage {
        void apply(Path file) throws IOException;
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("empty", (Damage) f -> truncate(f, 0), "size=0"),
                Arguments.of("shorter than a header", (Damage) f -> truncate(f, 100), "size=100"),
                Arguments.of("bad magic", (Damage) f -> putLong(f, 0, 0x1234), "magic=0x0000000000001234"),
                Arguments.of("bad version", (Damage) f -> putInt(f, 8, 1), "version=1"),
                Arguments.of("bad capacity", (Damage) f -> putInt(f, 12, 1000), "capacity=1000"),
                Arguments.of("size mismatch", (Damage) f -> extend(f, RingLayout.HEADER_BYTES + 2L * CAPACITY), "does not match capacity=4096"),
                Arguments.of("truncated data", (Damage) f -> truncate(f, RingLayout.HEADER_BYTES + CAPACITY / 2), "truncated"),
                Arguments.of("bad header size", (Damage) f -> putInt(f, 20, 256), "headerSize=256"),
                Arguments.of("unknown flags", (Damage) f -> putInt(f, 16, 0x10000), "flags=0x10000"),
                Arguments.of("bad end state", (Damage) f -> putInt(f, RingLayout.offset("signal", "consumerState"), 7), "consumerState=7"),
                Arguments.of("impossible positions", (Damage) f -> putLong(f, RingLayout.offset("producer", "head"), 9000), "head=9000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void theCSideRefusesWhatTheJavaSideRefuses(String name, Damage damage, String field) throws Exception {
        Path file = dir.resolve("bad");
        SharedRing.create(file, CAPACITY).close();
        damage.apply(file);
        RingFormatException java = assertThrows(RingFormatException.class, () -> SharedRing.open(file).close());
        assertTrue(java.getMessage().contains(field), "Java: " + java.getMessage());
        for (String program : new String[] {"ringcat-read", "ringcat-write"}) {
            try (CProgram c = CProgram.start(CProgram.Build.PLAIN, program, file)) {
                c.stdin().close();
                assertEquals(1, c.waitFor(Duration.ofSeconds(30)), program + " must refuse the file");
                assertTrue(c.stderr().contains(field), program + ": " + c.stderr());
            }
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    private static void extend(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), size - 1);
        }
        assertEquals(size, Files.size(file));
    }

    private static void putInt(Path file, long offset, int value) throws IOException {
        put(file, offset, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).flip());
    }

    private static void putLong(Path file, long offset, long value) throws IOException {
        put(file, offset, ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(value).flip());
    }

    private static void put(Path file, long offset, ByteBuffer bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(bytes, offset);
        }
    }
}
