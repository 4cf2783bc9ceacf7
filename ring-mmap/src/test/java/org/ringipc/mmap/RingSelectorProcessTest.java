package org.ringipc.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ringipc.core.RingKey;
import org.ringipc.core.RingSelector;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;

/**
 * {@link RingSelector} over shared rings: one thread of another process serving 100 rings (every
 * byte seen, no CPU while idle), a writer killed on one ring (EOF on that key only), and rings
 * added and closed while a select sleeps. Bounds are generous: they catch leaks and hangs.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RingSelectorProcessTest {

    private static final Duration CHILD = Duration.ofSeconds(120);
    /** An idle selector of 100 rings may use at most this share of one core (a leak check, not a speed test). */
    private static final double IDLE_CPU_BOUND = 0.05;

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    private List<SharedRing> createRings(int count) throws IOException {
        List<SharedRing> rings = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rings.add(SharedRing.create(SelectorPeer.ring(dir, i), 4096));
        }
        return rings;
    }

    @Test
    void oneThreadOfAnotherProcessServesAHundredRingsSeeingEveryByteAndIdlesWithoutCpu() throws Exception {
        int count = 100;
        List<SharedRing> rings = createRings(count);
        try (ChildJvm child = ChildJvm.start(SelectorPeer.class, "serve", dir.toString(), Integer.toString(count))) {
            List<RingSink> sinks = new ArrayList<>();
            for (SharedRing ring : rings) {
                sinks.add(ring.sink());
            }
            assertEquals("ready", child.readLine(CHILD));

            SplittableRandom random = new SplittableRandom(5);
            CRC32C[] crcs = new CRC32C[count];
            long[] bytes = new long[count];
            for (int i = 0; i < count; i++) {
                crcs[i] = new CRC32C();
            }
            for (int round = 0; round < 50; round++) {
                for (int i = 0; i < count; i++) {
                    byte[] chunk = new byte[1 + random.nextInt(3000)];
                    random.nextBytes(chunk);
                    crcs[i].update(chunk);
                    bytes[i] += chunk.length;
                    sinks.get(i).write(ByteBuffer.wrap(chunk));
                }
                if (round % 10 == 0) {
                    Thread.sleep(20);   // the selector falls asleep and must be woken by the next write
                }
            }
            Thread.sleep(3000);  // the writes above warmed the child's select loop up; let it fall idle
            ProcessHandle handle = child.process().toHandle();
            Path selecting = selectingThread(child.pid());
            Duration cpu0 = handle.info().totalCpuDuration().orElseThrow();
            long thread0 = threadTicks(selecting);
            long wall0 = System.nanoTime();
            Thread.sleep(5000);
            Duration cpu1 = handle.info().totalCpuDuration().orElseThrow();
            long thread1 = threadTicks(selecting);
            long wall = System.nanoTime() - wall0;
            double share = (double) cpu1.minus(cpu0).toNanos() / wall;
            // /proc counts a thread's CPU time in clock ticks of 10 ms (USER_HZ 100)
            double threadShare = (thread1 - thread0) * 10_000_000.0 / wall;
            System.out.printf("idle selector of %d shared rings over 5 s: the selecting thread %.2f%%, the whole"
                    + " JVM %.2f%% of a core%n", count, threadShare * 100, share * 100);
            assertTrue(threadShare < IDLE_CPU_BOUND, "the idle selecting thread used " + threadShare * 100 + "% of a core");
            assertTrue(share < 2 * IDLE_CPU_BOUND, "the idle selector's JVM used " + share * 100 + "% of a core");

            for (RingSink sink : sinks) {
                sink.close();
            }
            Map<Integer, String> eofs = new HashMap<>();
            for (int k = 0; k < count; k++) {
                String[] line = child.readLine(CHILD).split(" ");
                assertEquals("eof", line[0]);
                eofs.put(Integer.parseInt(line[1]), line[2] + " " + line[3]);
            }
            for (int i = 0; i < count; i++) {
                assertEquals(bytes[i] + " " + crcs[i].getValue(), eofs.get(i), "ring " + i);
            }
            String waits = child.readLine(CHILD);
            System.out.println("the child's selects slept by: " + waits);
            if (Futex.isWaitvAvailable()) {
                assertTrue(waits.contains("sleepAny over 101 words"), waits);
            }
            assertEquals(0, child.waitFor(CHILD), child.stderr());
        } finally {
            rings.forEach(SharedRing::close);
        }
    }

    @Test
    void aWriterKilledOnOneRingShowsAsEofOnThatKeyOnly() throws Exception {
        int count = 3;
        List<SharedRing> rings = createRings(count);
        try (ChildJvm writer = ChildJvm.start(Peer.class, "hold-sink", SelectorPeer.ring(dir, 0).toString(), "100");
             ChildJvm server = ChildJvm.start(SelectorPeer.class, "serve", dir.toString(), Integer.toString(count))) {
            assertEquals("ready", writer.readLine(CHILD));
            RingSink sink1 = rings.get(1).sink();
            RingSink sink2 = rings.get(2).sink();
            assertEquals("ready", server.readLine(CHILD));
            sink1.write(ByteBuffer.allocate(10));
            Thread.sleep(300);
            writer.kill();
            assertEquals("eof 0 100 " + crcOfZeros(100), server.readLine(CHILD));
            // the other two keys are still served: their EOF comes only when their sinks close
            sink2.write(ByteBuffer.allocate(20));
            sink1.close();
            assertEquals("eof 1 10 " + crcOfZeros(10), server.readLine(CHILD));
            sink2.close();
            assertEquals("eof 2 20 " + crcOfZeros(20), server.readLine(CHILD));
            assertTrue(server.readLine(CHILD).startsWith("waits "));
            assertEquals(0, server.waitFor(CHILD), server.stderr());
        } finally {
            rings.forEach(SharedRing::close);
        }
    }

    private static long crcOfZeros(int n) {
        CRC32C crc = new CRC32C();
        crc.update(new byte[n]);
        return crc.getValue();
    }

    @Test
    void ringsAddedAndClosedWhileASelectSleepsAreTakenAndDropped() throws Exception {
        try (SharedRing a = SharedRing.create(dir.resolve("a"), 4096);
             SharedRing b = SharedRing.create(dir.resolve("b"), 4096);
             RingSelector selector = RingSelector.open()) {
            RingKey keyA = selector.register(a.source(), RingSelector.OP_READ, "a");
            CompletableFuture<Object> first = selectOnce(selector);
            Thread.sleep(200);
            assertFalse(first.isDone());
            try (SharedRing c = SharedRing.create(dir.resolve("c"), 4096); RingSink sinkC = c.sink()) {
                selector.register(c.source(), RingSelector.OP_READ, "c");
                sinkC.write(ByteBuffer.allocate(5));
                assertEquals("c", first.get(10, TimeUnit.SECONDS));
                // c is closed (and unmapped) with its key registered and a select asleep
                CompletableFuture<Object> second = selectOnce(selector);
                Thread.sleep(200);
                c.close();
                RingSink sinkB = b.sink();
                selector.register(b.source(), RingSelector.OP_READ, "b");
                sinkB.write(ByteBuffer.allocate(1));
                assertEquals("b", second.get(10, TimeUnit.SECONDS));
                assertEquals(2, selector.keys().size());
                assertTrue(keyA.isValid());
                a.close();
                assertEquals(0, selector.selectNow());
                assertEquals(1, selector.keys().size());
                assertFalse(keyA.isValid());
            }
        }
    }

    /**
     * One select on another thread, whose result is the attachment of a key it found with data,
     * handled and removed. A key found at EOF or closed under it is passed over: closing a ring
     * closes its sink before its source, so a select may see the EOF before the source closes.
     */
    private static CompletableFuture<Object> selectOnce(RingSelector selector) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                while (true) {
                    selector.select();
                    for (RingKey key : selector.selectedKeys()) {
                        if (key.channel().isOpen() && readSome((RingSource) key.channel())) {
                            selector.selectedKeys().clear();
                            return key.attachment();
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    /** True when a read took data; false at EOF or when the source was closed meanwhile. */
    private static boolean readSome(RingSource source) throws IOException {
        try {
            return source.tryRead(ByteBuffer.allocate(4096)) > 0;
        } catch (java.nio.channels.ClosedChannelException e) {
            return false;
        }
    }

    /** The child's main thread: its first thread named "java" after the launcher's own (whose tid is the pid). */
    private static Path selectingThread(long pid) throws IOException {
        try (var tasks = java.nio.file.Files.list(Path.of("/proc/" + pid + "/task"))) {
            return tasks.filter(t -> !t.getFileName().toString().equals(Long.toString(pid)))
                    .filter(t -> {
                        try {
                            return java.nio.file.Files.readString(t.resolve("comm")).strip().equals("java");
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .min(java.util.Comparator.comparingLong(t -> Long.parseLong(t.getFileName().toString())))
                    .orElseThrow();
        }
    }

    /** utime + stime of one thread, in clock ticks. */
    private static long threadTicks(Path task) throws IOException {
        String stat = java.nio.file.Files.readString(task.resolve("stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);   // fields 14 and 15, counted after the name
    }
}
