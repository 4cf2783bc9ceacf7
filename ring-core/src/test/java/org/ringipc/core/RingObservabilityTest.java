package org.ringipc.core;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JMX beans and JFR events: where Java people look for a ring's telemetry. */
@Timeout(60)
class RingObservabilityTest {

    private static final int CAPACITY = 4096;

    /** The pid of a process that has exited: no process holds it (barring immediate reuse). */
    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void aRegisteredRingShowsItsStatsAsMXBeanAttributesUntilItCloses() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name;
        try (Ring ring = Ring.allocate(CAPACITY)) {
            assertTrue(server.queryNames(new ObjectName("org.ringipc:*"), null).isEmpty(),
                    "allocating a ring registers nothing by itself");
            name = ring.registerMXBean("jmx-test");
            assertEquals(new ObjectName("org.ringipc:type=Ring,name=\"jmx-test\""), name);
            ring.sink().write(ByteBuffer.allocate(300));
            assertEquals(300L, server.getAttribute(name, "BytesWritten"));
            assertEquals(300L, server.getAttribute(name, "Used"));
            assertEquals((long) CAPACITY, server.getAttribute(name, "Capacity"));
            assertEquals("Ring", server.getAttribute(name, "Kind"));
            assertThrows(IllegalStateException.class, () -> ring.registerMXBean("other"));
            try (Ring second = Ring.allocate(CAPACITY)) {
                assertThrows(IllegalStateException.class, () -> second.registerMXBean("jmx-test"));
            }
        }
        assertFalse(server.isRegistered(name));
    }

    @Test
    void messageAndLockedRingsRegisterTheirKindAndUnregisterOnClose() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName messages;
        ObjectName locked;
        try (MessageRing mr = MessageRing.allocate(CAPACITY); LockedRing lr = LockedRing.allocate(CAPACITY)) {
            messages = mr.registerMXBean("messages");
            locked = lr.registerMXBean("locked");
            mr.sink().offer(MemorySegment.ofArray(new byte[20]));
            lr.sink().write(ByteBuffer.allocate(33));
            assertEquals("MessageRing", server.getAttribute(messages, "Kind"));
            assertEquals(1L, server.getAttribute(messages, "Writes"));
            assertEquals("LockedRing", server.getAttribute(locked, "Kind"));
            assertEquals(33L, server.getAttribute(locked, "BytesWritten"));
        }
        assertFalse(server.isRegistered(messages));
        assertFalse(server.isRegistered(locked));
    }

    @Test
    void jfrRecordsWaitsDropsTakeoversAndPeerDeaths(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ring.jfr");
        try (Recording recording = new Recording()) {
            for (String event : List.of("org.ringipc.Wait", "org.ringipc.Drop", "org.ringipc.PeerDeath",
                    "org.ringipc.Takeover")) {
                recording.enable(event).withThreshold(java.time.Duration.ZERO);
            }
            recording.start();
            try (Ring ring = Ring.allocate(CAPACITY)) {
                RingSink sink = ring.sink();
                RingSource source = ring.source();
                assertEquals(0, source.read(ByteBuffer.allocate(1), 200, TimeUnit.MILLISECONDS));
                sink.write(ByteBuffer.allocate(CAPACITY));
                assertFalse(sink.offer(MemorySegment.ofArray(new byte[10])));
            }
            try (Arena arena = Arena.ofShared()) {
                MemorySegment memory = arena.allocate(Ring.requiredBytes(CAPACITY), 64);
                Ring ring = Ring.format(memory, CAPACITY);
                long dead = deadPid();
                pretendHeld(memory, "producer", dead);
                pretendHeld(memory, "consumer", dead);
                RingSource source = ring.source();      // takes the consumer end over
                assertEquals(-1, source.read(ByteBuffer.allocate(1)), "the producer's process is gone: EOF");
            }
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("org.ringipc.Wait")
                && e.getString("side").equals("consumer")), "a Wait event");
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("org.ringipc.Drop")
                && e.getLong("bytes") == 10), "a Drop event");
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("org.ringipc.Takeover")
                && e.getString("side").equals("consumer")), "a Takeover event");
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("org.ringipc.PeerDeath")
                && e.getString("side").equals("producer")), "a PeerDeath event");
    }

    /**
     * Writes into the header what a process that then died leaves behind: its owner word (the pid,
     * start time unknown) and an open end.
     */
    static void pretendHeld(MemorySegment memory, String block, long pid) {
        memory.set(ValueLayout.JAVA_LONG, RingLayout.offset(block, "owner"), pid);
        memory.set(ValueLayout.JAVA_INT, RingLayout.offset("signal", block + "State"), RingLayout.STATE_OPEN);
    }
}
