package org.ringipc.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ringipc.core.MessageSink;
import org.ringipc.core.MessageSource;
import org.ringipc.core.RingFormatException;

/**
 * A message ring in a shared file: the file rules it shares with {@link SharedRing}, the kind
 * check both ways, and real child JVMs for messages across processes and kill -9 of either side.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SharedMessageRingTest {

    private static final Duration CHILD = Duration.ofSeconds(120);
    private static final long PEER_DEATH_BOUND_NANOS = TimeUnit.SECONDS.toNanos(10);

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    @Test
    void aMessageRingOpenedAsAByteRingIsRefusedNamingBothKinds() throws IOException {
        Path file = dir.resolve("messages");
        SharedMessageRing.create(file, 4096).close();
        RingFormatException e = assertThrows(RingFormatException.class, () -> SharedRing.open(file));
        assertTrue(e.getMessage().contains("a message ring") && e.getMessage().contains("not a byte ring"), e.getMessage());
        assertTrue(e.getMessage().contains("SharedMessageRing.open"), e.getMessage());
    }

    @Test
    void aByteRingOpenedAsAMessageRingIsRefusedNamingBothKinds() throws IOException {
        Path file = dir.resolve("bytes");
        SharedRing.create(file, 4096).close();
        RingFormatException e = assertThrows(RingFormatException.class, () -> SharedMessageRing.open(file));
        assertTrue(e.getMessage().contains("a byte ring") && e.getMessage().contains("not a message ring"), e.getMessage());
        assertEquals(RingFile.Kind.BYTES, RingFile.kindOf(file));
    }

    @Test
    void createMakesAnOwnerOnlyFileAndRefusesToWriteThroughASymbolicLink() throws IOException {
        Path file = dir.resolve("mode");
        try (SharedMessageRing ring = SharedMessageRing.create(file, 8192)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals(RingFile.Kind.MESSAGES, RingFile.kindOf(file));
            assertEquals(8192 / 2 - 8, ring.maxMessageLength());
        }
        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, dir.resolve("elsewhere"));
        IOException e = assertThrows(IOException.class, () -> SharedMessageRing.create(link, 4096));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("elsewhere")));
    }

    @Test
    void statsAndTheMxBeanCountMessagesSeenThroughASecondHandle() throws Exception {
        Path file = dir.resolve("stats");
        try (SharedMessageRing writer = SharedMessageRing.create(file, 4096);
             SharedMessageRing reader = SharedMessageRing.open(file);
             MessageSink sink = writer.sink(); MessageSource source = reader.source()) {
            ObjectName name = reader.registerMXBean("msg-stats-test");
            MessagePeer.writeAll(sink, 0, 3);
            assertEquals(3, reader.stats().writes());
            assertEquals(3L, ManagementFactory.getPlatformMBeanServer().getAttribute(name, "Writes"));
            assertEquals(3, source.poll(msg -> { }, 10));
            assertEquals(3, writer.stats().reads());
            assertEquals(ProcessHandle.current().pid(), reader.producerEnd().pid());
            assertTrue(reader.consumerEnd().alive());
        }
    }

    @Test
    void aChildWritesGatheredMessagesThatTheParentReadsWithEveryBoundaryKept() throws Exception {
        Path file = dir.resolve("to-parent");
        int count = 50_000;
        try (SharedMessageRing ring = SharedMessageRing.create(file, 1 << 16); MessageSource source = ring.source();
             ChildJvm child = ChildJvm.start(MessagePeer.class, "write", file.toString(), Integer.toString(count))) {
            assertEquals("ok " + count, MessagePeer.readAll(source));
            assertEquals("sent " + count, child.readLine(CHILD));
            assertEquals(0, child.waitFor(CHILD), child.stderr());
        }
    }

    @Test
    void theParentWritesMessagesThatAChildReadsWithEveryBoundaryKept() throws Exception {
        Path file = dir.resolve("to-child");
        int count = 50_000;
        try (SharedMessageRing ring = SharedMessageRing.create(file, 1 << 14);
             ChildJvm child = ChildJvm.start(MessagePeer.class, "read", file.toString())) {
            try (MessageSink sink = ring.sink()) {
                MessagePeer.writeAll(sink, 0, count);
            }
            assertEquals("ok " + count, child.readLine(CHILD));
            assertEquals(0, child.waitFor(CHILD), child.stderr());
        }
    }

    @Test
    void aBlockedReaderGetsEofAfterTheMessagesOfItsKilledWriter() throws Exception {
        Path file = dir.resolve("writer-dies");
        try (SharedMessageRing ring = SharedMessageRing.create(file, 1 << 14); MessageSource source = ring.source();
             ChildJvm child = ChildJvm.start(MessagePeer.class, "hold-sink", file.toString(), "5")) {
            assertEquals("ready", child.readLine(CHILD));
            List<String> problems = new ArrayList<>();
            long[] seq = {0};
            assertEquals(5, source.poll(msg -> {
                String why = MessagePeer.check(msg, seq[0]++);
                if (why != null) {
                    problems.add(why);
                }
            }, 100));
            assertEquals(List.of(), problems);
            AtomicLong killedAt = child.killAfter(Duration.ofMillis(300));
            int n = source.take(msg -> problems.add("unexpected message"));   // blocks until the writer dies
            long noticed = System.nanoTime() - killedAt.get();
            assertEquals(-1, n);
            assertTrue(killedAt.get() != 0, "take returned before the writer was killed");
            assertTrue(noticed < PEER_DEATH_BOUND_NANOS, "EOF came " + noticed / 1_000_000 + " ms after the kill");
            assertTrue(ring.producerEnd().holderDied());
        }
    }

    @Test
    void aBlockedWriterGetsBrokenPipeWhenItsReaderIsKilledAndTheSourceIsTakenOver() throws Exception {
        Path file = dir.resolve("reader-dies");
        try (SharedMessageRing ring = SharedMessageRing.create(file, 4096); MessageSink sink = ring.sink();
             ChildJvm child = ChildJvm.start(MessagePeer.class, "hold-source", file.toString())) {
            assertEquals("ready", child.readLine(CHILD));
            IllegalStateException refused = assertThrows(IllegalStateException.class, ring::source);
            assertTrue(refused.getMessage().contains(Long.toString(child.pid())), refused.getMessage());
            while (sink.offer(ByteBuffer.allocate(1000))) {
                // fill the ring
            }
            AtomicLong killedAt = child.killAfter(Duration.ofMillis(300));
            IOException e = assertThrows(IOException.class, () -> sink.write(ByteBuffer.allocate(1000)));
            long noticed = System.nanoTime() - killedAt.get();
            assertTrue(e.getMessage().contains("broken pipe"), e.getMessage());
            assertTrue(killedAt.get() != 0, "write failed before the reader was killed: " + e);
            assertTrue(noticed < PEER_DEATH_BOUND_NANOS, "broken pipe came " + noticed / 1_000_000 + " ms after the kill");
            try (MessageSource source = ring.source()) {
                int[] lengths = new int[1];
                assertTrue(source.poll(msg -> lengths[0] = (int) msg.byteSize(), 1) == 1);
                assertEquals(1000, lengths[0]);
            }
        }
    }

    @Test
    void aMessageCheckFindsNothingWrongWithAnHonestMessage() {
        byte[] body = MessagePeer.body(1234);
        ByteBuffer whole = ByteBuffer.allocate(8 + body.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        whole.putLong(1234).put(body).flip();
        assertNull(MessagePeer.check(java.lang.foreign.MemorySegment.ofBuffer(whole), 1234));
        assertTrue(MessagePeer.check(java.lang.foreign.MemorySegment.ofBuffer(whole), 1235) != null);
    }
}
