package org.ringipc.mmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ringipc.core.Ring;
import org.ringipc.core.RingFormatException;
import org.ringipc.core.RingLayout;
import org.ringipc.core.RingOptions;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;

/** The shared file itself: create, open, every kind of bad file, permissions, links, MXBean. */
class SharedRingFileTest {

    private static final int CAPACITY = 1 << 16;

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {4096, 1 << 16, 1 << 20})
    void createThenOpenSeesTheSameRingAndTheFileHasTheRequiredSize(int capacity) throws IOException {
        Path file = dir.resolve("ring");
        byte[] message = "across the mapping".getBytes(StandardCharsets.UTF_8);
        try (SharedRing created = SharedRing.create(file, capacity); RingSink sink = created.sink()) {
            assertEquals(Ring.requiredBytes(capacity), Files.size(file));
            sink.write(ByteBuffer.wrap(message));
            try (SharedRing opened = SharedRing.open(file); RingSource source = opened.source()) {
                assertEquals(capacity, opened.capacity());
                assertEquals(file.toAbsolutePath(), opened.path());
                ByteBuffer got = ByteBuffer.allocate(message.length);
                assertEquals(message.length, source.read(got));
                assertArrayEquals(message, got.array());
                assertEquals(message.length, opened.stats().bytesRead());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1000, 4095, 4097, -4096})
    void createRefusesABadCapacityNamingIt(int capacity) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SharedRing.create(dir.resolve("bad"), capacity));
        assertTrue(e.getMessage().contains("capacity=" + capacity), e.getMessage());
        assertFalse(Files.exists(dir.resolve("bad")));
    }

    @Test
    void openRefusesAMissingFileNamingIt() {
        Path file = dir.resolve("missing");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> SharedRing.open(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("no such ring file"), e.getMessage());
    }

    @Test
    void openRefusesAnEmptyFile() throws IOException {
        Path file = Files.createFile(dir.resolve("empty"));
        assertFormatError(file, "size=0");
    }

    @Test
    void openRefusesAFileShorterThanAHeader() throws IOException {
        Path file = Files.write(dir.resolve("short"), new byte[100]);
        assertFormatError(file, "size=100");
    }

    @Test
    void openRefusesForeignBytesAsNotARing() throws IOException {
        byte[] text = new byte[(int) Ring.requiredBytes(4096)];
        java.util.Arrays.fill(text, (byte) 'x');
        Path file = Files.write(dir.resolve("foreign"), text);
        assertFormatError(file, "magic=0x7878787878787878 is not a ringipc ring");
    }

    @Test
    void openRefusesATruncatedRing() throws IOException {
        Path file = dir.resolve("truncated");
        SharedRing.create(file, CAPACITY).close();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(Ring.requiredBytes(CAPACITY) - 4096);
        }
        assertFormatError(file, "truncated");
    }

    @Test
    void openRefusesAFileLongerThanItsCapacityNeeds() throws IOException {
        Path file = dir.resolve("long");
        SharedRing.create(file, 4096).close();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), Ring.requiredBytes(8192));
        }
        assertFormatError(file, "does not match capacity=4096");
    }

    @Test
    void openRefusesAnotherLayoutVersionSayingWhichItFound() throws IOException {
        Path file = dir.resolve("v99");
        SharedRing.create(file, 4096).close();
        poke(file, RingLayout.offset("identity", "version"), 99);
        assertFormatError(file, "version=99: this build reads version " + RingLayout.VERSION);
    }

    @Test
    void openRefusesACapacityFieldThatIsNotAPowerOfTwo() throws IOException {
        Path file = dir.resolve("cap");
        SharedRing.create(file, 8192).close();
        poke(file, RingLayout.offset("identity", "capacity"), 5000);
        assertFormatError(file, "capacity=5000");
    }

    @Test
    void openRefusesADirectory() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        assertFormatError(sub, "is a directory, not a ring file");
    }

    @Test
    void openRefusesAFifoWithoutBlockingOnIt() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
        assertFormatError(fifo, "is a special file (fifo, socket or device), not a ring file");
    }

    @Test
    void openFollowsASymbolicLinkToARing() throws IOException {
        Path file = dir.resolve("real");
        SharedRing.create(file, 4096).close();
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        try (SharedRing ring = SharedRing.open(link)) {
            assertEquals(4096, ring.capacity());
        }
    }

    @Test
    void openRefusesASymbolicLinkToADirectoryOrToNothing() throws IOException {
        Path toDir = Files.createSymbolicLink(dir.resolve("to-dir"), Files.createDirectory(dir.resolve("d")));
        assertFormatError(toDir, "(through a symbolic link) is a directory");
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> SharedRing.open(dangling));
        assertTrue(e.getMessage().contains("dangling symbolic link"), e.getMessage());
    }

    @Test
    void createRefusesASymbolicLinkAndLeavesItsTargetAlone() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "precious");
        Path link = Files.createSymbolicLink(dir.resolve("planted"), victim);
        IOException e = assertThrows(IOException.class, () -> SharedRing.create(link, 4096));
        assertTrue(e.getMessage().contains(link.toString())
                && e.getMessage().contains("is a symbolic link; refusing to write through it"), e.getMessage());
        // force does not change that: a link is never written through nor replaced
        assertThrows(IOException.class, () -> SharedRing.create(link, 4096, RingOptions.defaults(),
                SharedRing.DEFAULT_MODE, true));
        assertEquals("precious", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(link));
    }

    @Test
    void createRefusesADanglingSymbolicLink() throws IOException {
        Path target = dir.resolve("would-be-created");
        Path link = Files.createSymbolicLink(dir.resolve("dangling"), target);
        IOException e = assertThrows(IOException.class, () -> SharedRing.create(link, 4096));
        assertTrue(e.getMessage().contains("is a symbolic link"), e.getMessage());
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void createRefusesToReplaceAFileThatIsNotARingUnlessForced() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "not a ring at all");
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> SharedRing.create(file, 4096));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not a ring")
                && e.getMessage().contains("--force"), e.getMessage());
        assertEquals("not a ring at all", Files.readString(file));

        try (SharedRing ring = SharedRing.create(file, 4096, RingOptions.defaults(),
                SharedRing.DEFAULT_MODE, true)) {
            assertEquals(Ring.requiredBytes(ring.capacity()), Files.size(file));
        }
        try (SharedRing reopened = SharedRing.open(file)) {
            assertEquals(4096, reopened.capacity());
        }
    }

    @Test
    void createReplacesAnExistingRingWithoutForce() throws IOException {
        Path file = dir.resolve("ring");
        SharedRing.create(file, 4096).close();
        try (SharedRing ring = SharedRing.create(file, 8192)) {
            assertEquals(8192, ring.capacity());
            assertEquals(Ring.requiredBytes(8192), Files.size(file));
        }
    }

    @Test
    void createRefusesADirectoryEvenWithForce() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        IOException e = assertThrows(IOException.class, () -> SharedRing.create(sub, 4096,
                RingOptions.defaults(), SharedRing.DEFAULT_MODE, true));
        assertTrue(e.getMessage().contains("is a directory, not a regular file"), e.getMessage());
    }

    @Test
    void createdFileIsOwnerReadWriteOnly() throws IOException {
        Path file = dir.resolve("private");
        SharedRing.create(file, 4096).close();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void createdFileGetsTheModeAskedFor() throws IOException {
        Path file = dir.resolve("group");
        SharedRing.create(file, 4096, RingOptions.defaults(),
                PosixFilePermissions.fromString("rw-rw----")).close();
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        // replacing it with the default narrows it again
        SharedRing.create(file, 4096).close();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void createRefusesAModeWithoutOwnerReadWriteOrWithExecuteBits() {
        IllegalArgumentException noWrite = assertThrows(IllegalArgumentException.class, () -> SharedRing.create(
                dir.resolve("a"), 4096, RingOptions.defaults(), PosixFilePermissions.fromString("r--r-----")));
        assertTrue(noWrite.getMessage().contains("mode=r--r-----"), noWrite.getMessage());
        IllegalArgumentException exec = assertThrows(IllegalArgumentException.class, () -> SharedRing.create(
                dir.resolve("b"), 4096, RingOptions.defaults(), PosixFilePermissions.fromString("rwx------")));
        assertTrue(exec.getMessage().contains("mode=rwx------") && exec.getMessage().contains("execute"), exec.getMessage());
        assertFalse(Files.exists(dir.resolve("a")) || Files.exists(dir.resolve("b")));
    }

    @Test
    void registeredMXBeanShowsTheSharedCountersUntilClose() throws Exception {
        Path file = dir.resolve("jmx");
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name;
        try (SharedRing ring = SharedRing.create(file, 4096); RingSink sink = ring.sink()) {
            name = ring.registerMXBean("shared-file-test");
            assertEquals("org.ringipc:type=Ring,name=\"shared-file-test\"", name.toString());
            sink.write(ByteBuffer.allocate(100));
            assertEquals(100L, server.getAttribute(name, "BytesWritten"));
            assertThrows(IllegalStateException.class, () -> ring.registerMXBean("again"));
        }
        assertFalse(server.isRegistered(name));
    }

    @Test
    void aClaimLongerThanTheBytesToTheWrapPointFailsAtOnceSayingSo() throws IOException {
        try (SharedRing ring = SharedRing.create(dir.resolve("ring"), 4096);
             RingSink sink = ring.sink();
             RingSource source = ring.source()) {
            sink.write(ByteBuffer.allocate(4000));
            assertEquals(4000, source.read(ByteBuffer.allocate(4096)));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> sink.claim(100));
            assertTrue(e.getMessage().contains("96 bytes before the wrap point"), e.getMessage());
            assertEquals(96, sink.claim(1).byteSize(), "the bytes up to the wrap point, claimed with claim(1)");
            sink.commit(96);
            assertEquals(96, source.read(ByteBuffer.allocate(4096)));
            assertEquals(4096, sink.claim(4096).byteSize(), "after the wrap point a claim may take the whole ring");
            sink.commit(0);
        }
    }

    private static void poke(Path file, long offset, int value) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder()).putInt(0, value), offset);
        }
    }

    private static void assertFormatError(Path file, String expected) {
        RingFormatException e = assertThrows(RingFormatException.class, () -> SharedRing.open(file));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
