package org.ringipc.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ringipc.core.RingLayout;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;

/**
 * Who holds an end of a ring file, decided by the kernel (issue 10, defects 1, 2 and 9): real child
 * JVMs hold ends, in this PID namespace and in another one.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EndOwnershipProcessTest {

    private static final Duration CHILD = Duration.ofSeconds(120);
    private static final List<String> OTHER_PID_NAMESPACE = List.of("unshare", "-Urpf", "--mount-proc", "--kill-child");

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    /**
     * Defect 1: the header's owner word is not what makes an end held. A racer that read a
     * half-written claim, or a scribble, can zero it; the live holder keeps its end all the same.
     */
    @Test
    void aLiveHolderKeepsItsEndWhateverTheOwnerWordSays() throws Exception {
        Path file = dir.resolve("owner");
        try (SharedRing ring = SharedRing.create(file, 4096);
             ChildJvm child = ChildJvm.start(Peer.class, "hold-sink", file.toString(), "100")) {
            assertEquals("ready", child.readLine(CHILD));
            zeroOwnerWord(file, "producer");
            assertThrows(IllegalStateException.class, ring::sink, "a second producer while the first lives");
            assertTrue(ring.producerEnd().alive());
            child.kill();
            try (RingSink sink = ring.sink()) {
                assertEquals(ProcessHandle.current().pid(), ring.stats().producerPid());
            }
        }
    }

    private static void zeroOwnerWord(Path file, String block) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
             Arena arena = Arena.ofConfined()) {
            MemorySegment header = ch.map(FileChannel.MapMode.READ_WRITE, 0, RingLayout.HEADER_BYTES, arena);
            header.set(ValueLayout.JAVA_LONG, RingLayout.offset(block, "owner"), 0L);
        }
    }

    /**
     * Defect 2: a writer in another PID namespace (a container sharing /dev/shm) is alive to this
     * one although its pid means nothing here: its reader does not get EOF, a third claimer is
     * refused; once it is killed, its reader gets EOF and its end can be taken over.
     */
    @Test
    void aHolderInAnotherPidNamespaceIsAliveHereUntilItDies() throws Exception {
        assumeTrue(unshareWorks(), "unshare -Urpf --mount-proc is refused on this machine");
        Path file = dir.resolve("namespaces");
        try (SharedRing ring = SharedRing.create(file, 4096);
             ChildJvm child = ChildJvm.startUnder(OTHER_PID_NAMESPACE, Peer.class, "hold-sink", file.toString(), "100")) {
            assertEquals("ready", child.readLine(CHILD));
            try (RingSource source = ring.source()) {
                ByteBuffer got = ByteBuffer.allocate(100);
                while (got.hasRemaining()) {
                    assertTrue(source.read(got) > 0);
                }
                assertEquals(0, source.read(ByteBuffer.allocate(1), 500, TimeUnit.MILLISECONDS),
                        "the writer lives: no data yet, and no EOF");
                try (SharedRing third = SharedRing.open(file)) {
                    assertThrows(IllegalStateException.class, third::sink, "the live writer's end is not free");
                    assertTrue(third.producerEnd().alive());
                }
                child.kill();
                assertEquals(-1, source.read(ByteBuffer.allocate(1), 10, TimeUnit.SECONDS), "EOF once the writer died");
            }
            try (RingSink sink = ring.sink()) {
                assertEquals(ProcessHandle.current().pid(), ring.stats().producerPid(), "taken over");
            }
        }
    }

    private static boolean unshareWorks() {
        try {
            Process p = new ProcessBuilder(OTHER_PID_NAMESPACE.get(0), OTHER_PID_NAMESPACE.get(1),
                    OTHER_PID_NAMESPACE.get(2), OTHER_PID_NAMESPACE.get(3), "true").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** Defect 9: as Pipe.open, creating and opening a ring succeed for an interrupted thread and leave it so. */
    @Test
    void createAndOpenSucceedWithTheInterruptStatusSetAndKeepIt() throws Exception {
        Path file = dir.resolve("interrupted");
        Thread.currentThread().interrupt();
        try {
            try (SharedRing created = SharedRing.create(file, 4096)) {
                assertTrue(Thread.currentThread().isInterrupted(), "create kept the interrupt status");
                try (SharedRing opened = SharedRing.open(file)) {
                    assertTrue(Thread.currentThread().isInterrupted(), "open kept the interrupt status");
                    assertEquals(4096, opened.capacity());
                }
            }
        } finally {
            Thread.interrupted();
        }
    }

    /** Two handles on one path in one process exclude each other, and closing one keeps the other's end. */
    @Test
    void closingOneHandleDoesNotDropAnotherHandlesEnd() throws Exception {
        Path file = dir.resolve("handles");
        try (SharedRing a = SharedRing.create(file, 4096)) {
            RingSink sink = a.sink();
            try (SharedRing b = SharedRing.open(file)) {
                assertThrows(IllegalStateException.class, b::sink);
            }
            // a classic POSIX lock would have gone with b's descriptor
            try (ChildJvm child = ChildJvm.start(Peer.class, "hold-sink", file.toString(), "1")) {
                AssertionError e = assertThrows(AssertionError.class, () -> child.readLine(CHILD));
                assertTrue(e.getMessage().contains("IllegalStateException"), e.getMessage());
            }
            sink.close();
        }
    }
}
