package org.ringipc.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Futex} directly, on a word of a shared file, within one process and across two. */
class FutexTest {

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    @BeforeEach
    void futexesWorkHere() {
        assumeTrue(Futex.isAvailable(), Futex.describe());
    }

    @Test
    void waitReturnsValueChangedWhenTheWordDiffersFromExpected() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            word.set(ValueLayout.JAVA_INT, 0, 5);
            assertEquals(Futex.VALUE_CHANGED, Futex.wait(word, 4, 10_000_000_000L));
        }
    }

    @Test
    void waitReturnsTimedOutAfterTheTimeout() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            long start = System.nanoTime();
            assertEquals(Futex.TIMED_OUT, Futex.wait(word, 0, 50_000_000L));
            long slept = System.nanoTime() - start;
            assertTrue(slept >= 45_000_000L, "returned after " + slept + " ns, before the 50 ms timeout");
        }
    }

    @Test
    void wakeWithNobodyWaitingWakesNobodyAndABadWordIsRefused() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            assertEquals(0, Futex.wake(word, 1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Futex.wake(arena.allocate(8), 1));
            assertTrue(e.getMessage().contains("word="), e.getMessage());
        }
    }

    @Test
    void aWakeFromAnotherProcessWakesAWaiterOnASharedFile() throws Exception {
        Path file = dir.resolve("futex-word");
        try (Arena arena = Arena.ofShared();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                     StandardOpenOption.WRITE)) {
            MemorySegment page = ch.map(FileChannel.MapMode.READ_WRITE, 0, 4096, arena);
            MemorySegment word = page.asSlice(0, Integer.BYTES);
            try (ChildJvm child = ChildJvm.start(FutexWaker.class, file.toString(), "1000")) {
                assertEquals("ready", child.readLine(Duration.ofSeconds(60)));
                // release: tells the child we are about to sleep on the word
                INT.setRelease(page, 4L, 1);
                long start = System.nanoTime();
                // 30 s: far beyond the child's 1 s delay, so only its wake ends this wait early
                int result = Futex.wait(word, 0, 30_000_000_000L);
                long slept = System.nanoTime() - start;
                String line = child.readLine(Duration.ofSeconds(60));
                assertEquals(0, child.waitFor(Duration.ofSeconds(60)), child.stderr());
                assertEquals(Futex.WOKEN, result, "wait ended with " + result + " after " + slept + " ns; child: " + line);
                assertEquals("woke 1", line);
                assertTrue(slept < 25_000_000_000L, "slept " + slept + " ns: the wake did not end the wait");
            }
        }
    }
}
