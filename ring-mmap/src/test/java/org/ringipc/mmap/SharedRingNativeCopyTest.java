package org.ringipc.mmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringipc.core.RingOptions;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;
import org.ringipc.core.WaitStrategy;

/**
 * Native copy on a ring file: off unless a handle asks, per handle, never in the file; bytes intact
 * across the wrap; and the trade-off it documents, seen for real: a writer copying natively into a
 * file another process truncated dies (SIGBUS), one copying in Java gets an IOException.
 */
class SharedRingNativeCopyTest {

    private static final int CAPACITY = 1 << 20;

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 13 + seed + (i >>> 10));
        }
        return b;
    }

    private static byte[] read(RingSource source, int n) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(n);
            long done = 0;
            while (done < n) {
                done += source.read(dst.asSlice(done));
            }
            return dst.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Test
    void aRingFileCopiesInJavaUnlessAHandleAsksAndTheChoiceStaysOutOfTheFile() throws IOException {
        Path plainFile = dir.resolve("plain");
        Path askedFile = dir.resolve("asked");
        RingOptions spin = RingOptions.defaults().withWaitStrategy(WaitStrategy.SPIN);
        try (SharedRing plain = SharedRing.create(plainFile, CAPACITY, spin);
             SharedRing asked = SharedRing.create(askedFile, CAPACITY, spin.withNativeCopy(true))) {
            assertFalse(plain.nativeCopy(), "a mapped file can be truncated: off by default");
            assertTrue(asked.nativeCopy(), "asked for at create: this handle copies natively");
            assertEquals(spin.withNativeCopy(true), asked.options());
        }
        // the two files' headers are the same bytes: native copy is nowhere in the file
        assertArrayEquals(header(plainFile), header(askedFile));
        try (SharedRing opened = SharedRing.open(askedFile);
             SharedRing openedAsking = SharedRing.open(askedFile, true);
             SharedRing openedRefusing = SharedRing.open(askedFile, false)) {
            assertFalse(opened.nativeCopy(), "a plain open does not inherit the creator's choice");
            assertEquals(spin, opened.options());
            assertTrue(openedAsking.nativeCopy());
            assertFalse(openedRefusing.nativeCopy());
        }
    }

    private static byte[] header(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        byte[] identity = new byte[128];
        System.arraycopy(all, 0, identity, 0, identity.length);
        return identity;
    }

    @Test
    void bytesCrossTheWrapIntactFromAHandleThatCopiesNatively() throws IOException {
        Path file = dir.resolve("wrap");
        try (SharedRing writer = SharedRing.create(file, CAPACITY, RingOptions.defaults().withNativeCopy(true));
             SharedRing reader = SharedRing.open(file);
             RingSink sink = writer.sink();
             RingSource source = reader.source()) {
            assertTrue(writer.nativeCopy());
            for (int round = 0; round < 5; round++) {
                // 700 KiB a round: the third round and others split at the wrap
                byte[] heap = pattern(700 * 1024 + round, round);
                sink.write(ByteBuffer.wrap(heap));
                assertArrayEquals(heap, read(source, heap.length), "round " + round);
            }
        }
    }

    /** The other process of the truncation test: opens, cuts the file after its first page, writes. */
    static final class TruncatingWriter {
        public static void main(String[] args) throws Exception {
            Path file = Path.of(args[0]);
            boolean nativeCopy = Boolean.parseBoolean(args[1]);
            try (SharedRing ring = SharedRing.open(file, nativeCopy)) {
                RingSink sink = ring.sink();
                System.out.println("nativeCopy=" + ring.nativeCopy());
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(4096);   // the header's page stays: the data copy is the first access to fault
                }
                try {
                    sink.write(ByteBuffer.wrap(new byte[64 * 1024]));
                    System.out.println("wrote");
                } catch (IOException e) {
                    System.out.println("IOException " + e.getMessage());
                }
                System.exit(0);   // skip closing a truncated mapping: the outcome above is the point
            }
        }
    }

    private String runTruncatingWriter(boolean nativeCopy, List<String> out) throws Exception {
        Path file = dir.resolve("cut-" + nativeCopy);
        SharedRing.create(file, 1 << 16).close();
        List<String> cmd = new ArrayList<>(ChildJvm.javaCommand(TruncatingWriter.class, file.toString(),
                Boolean.toString(nativeCopy)));
        // a crash writes its report here, not into the module folder, and leaves no core file
        cmd.addAll(1, List.of("-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"), "-XX:-CreateCoredumpOnCrash"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String all = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(Duration.ofSeconds(60).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS), all);
        out.addAll(all.lines().toList());
        return Integer.toString(p.exitValue());
    }

    @Test
    void aWriterCopyingNativelyIntoATruncatedFileDiesWhereAJavaCopyFailsWithAnIoException() throws Exception {
        List<String> java = new ArrayList<>();
        assertEquals("0", runTruncatingWriter(false, java), String.join("\n", java));
        assertEquals("nativeCopy=false", java.get(0));
        assertTrue(java.get(1).startsWith("IOException") && java.get(1).contains("truncated"), java.toString());

        List<String> memcpy = new ArrayList<>();
        String exit = runTruncatingWriter(true, memcpy);
        String text = String.join("\n", memcpy);
        assertEquals("nativeCopy=true", memcpy.get(0), text);
        assertNotEquals("0", exit, "the JVM survived a memcpy into a truncated mapping?\n" + text);
        assertTrue(text.contains("SIGBUS"), "expected the JVM's fatal-error report of SIGBUS:\n" + text);
        assertFalse(text.contains("IOException"), text);
    }
}
