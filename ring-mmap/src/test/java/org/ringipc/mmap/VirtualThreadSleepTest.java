package org.ringipc.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;

/**
 * Virtual threads asleep in a shared ring's futex wait must not hold their carriers. Surefire runs
 * this JVM with two carriers and no compensation (see the pom): if a sleeping reader pinned its
 * carrier, two of them would stop every other virtual thread, and this test would time out.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class VirtualThreadSleepTest {

    private static final int READERS = 200;
    private static final int BYTES_PER_RING = 10_000;

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    @Test
    void twoHundredVirtualReadersSleepingOnSharedRingsLeaveTheCarriersFree() throws Exception {
        assumeTrue(Futex.isAvailable(), Futex.describe());
        List<SharedRing> rings = new ArrayList<>();
        try {
            for (int i = 0; i < READERS; i++) {
                rings.add(SharedRing.create(dir.resolve("ring-" + i), 4096));
            }
            AtomicLong bytesRead = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch readersDone = new CountDownLatch(READERS);
            for (SharedRing ring : rings) {
                Thread.ofVirtual().start(() -> {
                    try (RingSource source = ring.source()) {
                        bytesRead.addAndGet(Peer.readAll(source)[1]);
                    } catch (IOException | RuntimeException e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        readersDone.countDown();
                    }
                });
            }
            // every reader announced itself and went to sleep in the futex (through the doorbell)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (SharedRing ring : rings) {
                while (ring.stats().consumerSleeps() == 0) {
                    assertTrue(System.nanoTime() - deadline < 0, "a reader never went to sleep: its virtual thread got no carrier (are the carriers pinned?)");
                    Thread.sleep(5);
                }
            }

            // while all of them sleep, an unrelated virtual thread still gets a carrier, many times
            CountDownLatch ticks = new CountDownLatch(50);
            Thread.ofVirtual().start(() -> {
                while (ticks.getCount() > 0) {
                    ticks.countDown();
                    Thread.yield();
                }
            });
            assertTrue(ticks.await(60, TimeUnit.SECONDS), "a virtual thread made no progress while readers slept: "
                    + ticks.getCount() + " ticks left");
            assertEquals(READERS, readersDone.getCount(), "readers returned before any data was written");

            // platform-thread writers fill every ring and close it
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int first = w;
                writers.add(Thread.ofPlatform().start(() -> {
                    for (int i = first; i < READERS; i += 4) {
                        try (RingSink sink = rings.get(i).sink()) {
                            sink.write(ByteBuffer.allocate(BYTES_PER_RING));
                        } catch (IOException | RuntimeException e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                }));
            }
            for (Thread writer : writers) {
                writer.join(TimeUnit.SECONDS.toMillis(120));
            }
            assertTrue(readersDone.await(120, TimeUnit.SECONDS), readersDone.getCount() + " readers never finished");
            assertEquals(null, failure.get());
            assertEquals((long) READERS * BYTES_PER_RING, bytesRead.get());
        } finally {
            for (SharedRing ring : rings) {
                ring.close();
            }
        }
    }

    @Test
    void anInterruptedVirtualReaderLeavesItsHandedOffFutexWaitAndTheRingStillCloses() throws Exception {
        assumeTrue(Futex.isAvailable(), Futex.describe());
        try (SharedRing ring = SharedRing.create(dir.resolve("interrupted"), 4096)) {
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (RingSource source = ring.source()) {
                    source.read(ByteBuffer.allocate(16));
                    outcome.set(new AssertionError("read returned on an empty ring"));
                } catch (IOException | RuntimeException e) {
                    outcome.set(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ring.stats().consumerSleeps() == 0) {
                assertTrue(System.nanoTime() - deadline < 0, "the reader never went to sleep");
                Thread.sleep(5);
            }
            reader.interrupt();
            reader.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(reader.isAlive(), "the interrupted reader is still blocked");
            assertTrue(outcome.get() instanceof ClosedByInterruptException, String.valueOf(outcome.get()));
        }   // close: waits for the platform helper to leave its futex wait on the mapping
    }
}
