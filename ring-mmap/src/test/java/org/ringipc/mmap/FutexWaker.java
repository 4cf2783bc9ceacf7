package org.ringipc.mmap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The other process of {@link FutexTest}: maps FILE, waits until the parent sets the int at offset
 * 4 (it is about to sleep on the word at offset 0), lets it fall asleep for DELAY_MS, then sets
 * the word to 1 and wakes it. Prints {@code woke N} with the number of waiters the kernel woke.
 */
public final class FutexWaker {

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private FutexWaker() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long delayMillis = Long.parseLong(args[1]);
        try (Arena arena = Arena.ofShared();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment page = ch.map(FileChannel.MapMode.READ_WRITE, 0, 4096, arena);
            System.out.println("ready");
            long deadline = System.nanoTime() + 60_000_000_000L;
            // acquire: pairs with the parent's release of the flag
            while ((int) INT.getAcquire(page, 4L) == 0) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("the parent never announced its wait");
                }
                Thread.sleep(1);
            }
            Thread.sleep(delayMillis);
            // release: the word changes before the wake, so a waiter not yet asleep does not sleep
            INT.setRelease(page, 0L, 1);
            System.out.println("woke " + Futex.wake(page.asSlice(0, Integer.BYTES), Integer.MAX_VALUE));
        }
    }
}
